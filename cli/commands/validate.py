"""``vcall validate-response``: placeholder, replaced by the validator work."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the command to the application."""
