"""Report paths are checked before a run, not after it: a typo must not cost the whole run.

``-`` is standard output: the report goes there, and the consoles the command's output goes
through (:func:`vcall.cli.render.output.output_console` registers them here) move to standard
error.
"""

from __future__ import annotations

import os
import weakref
from pathlib import Path
from typing import Any

import click

from vcall.simulator.atomic import STDOUT
from vcall.simulator.errors import UsageError

_RESERVED = "vcall.stdout_reserved"
_CONSOLES: weakref.WeakSet[Any] = weakref.WeakSet()
"""The output consoles made so far (a command makes its own before it checks its reports)."""


def register_console(console: Any) -> None:
    """A console that moves to standard error if a report takes standard output."""
    _CONSOLES.add(console)


def _reserve_stdout(option: str) -> None:
    context = click.get_current_context(silent=True)
    if context is not None:
        taken = context.meta.get(_RESERVED)
        if taken:
            raise UsageError(f"{option} -: {taken} already writes to standard output")
        context.meta[_RESERVED] = option
    for console in list(_CONSOLES):
        console.stderr = True
    _CONSOLES.clear()


def check_report_paths(paths: dict[str, Path | None]) -> None:
    """Each given report path (by option name) can be written: its directory exists and is
    writable, and the path itself is not a directory. Nothing is created. ``-`` (standard
    output) may be given once; the terminal output then goes to standard error."""
    for option, path in paths.items():
        if path is not None and str(path) == STDOUT:
            _reserve_stdout(option)
        elif path is not None:
            _check_one(option, path)


def _check_one(option: str, path: Path) -> None:
    directory = path.parent
    if path.is_dir():
        raise UsageError(f"{option} {path}: is a directory; give a file name")
    if not directory.exists():
        raise UsageError(f"{option} {path}: the directory {directory}/ does not exist")
    if not directory.is_dir():
        raise UsageError(f"{option} {path}: {directory} is not a directory")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise UsageError(f"{option} {path}: the directory {directory}/ is not writable")
    if path.exists() and not os.access(path, os.W_OK):
        raise UsageError(f"{option} {path}: the file is not writable")
