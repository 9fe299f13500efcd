"""Rendering library results for the terminal (rich). Commands share these."""
