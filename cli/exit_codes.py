"""Every exit code vcall uses, in one place (documented in docs/output.md, "Exit codes")."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    """Everything passed (warnings allowed unless --strict)."""
    FAILED = 1
    """Findings of severity error, failed expectations, or a threshold breached."""
    USAGE = 2
    """Bad options, a file not found, a malformed fixture."""
    UNREACHABLE = 3
    """The endpoint could not be reached at all."""
    API_ERROR = 4
    """The SmartCall API answered with an error code."""
    INTERNAL_ERROR = 70
    """A bug in vcall itself (EX_SOFTWARE): one line saying what, and please report it."""
    INTERRUPTED = 130
    """Stopped with Ctrl-C; what was done so far has been printed."""
