"""Exploring a bot with no fixture written: ``vcall check`` (a built-in suite of generic caller
behaviours), ``vcall explore`` (a breadth-first crawl of the dialogue, problems shrunk and saved
as fixtures) and coverage of a fixture suite against the map."""
