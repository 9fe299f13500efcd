"""Report paths are checked before a run, not after it: a typo must not cost the whole run."""

from __future__ import annotations

import os
from pathlib import Path

from vcall.simulator.errors import UsageError


def check_report_paths(paths: dict[str, Path | None]) -> None:
    """Each given report path (by option name) can be written: its directory exists and is
    writable, and the path itself is not a directory. Nothing is created."""
    for option, path in paths.items():
        if path is not None:
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
