"""Command-line interface: parses options, calls the simulator library, renders outcomes."""
