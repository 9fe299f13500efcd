"""Where the console keeps its input history between sessions."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from prompt_toolkit.history import FileHistory, History, InMemoryHistory

HISTORY_ENV = "VCALL_HISTORY_FILE"
"""Overrides the history file (tests, or a per-project history)."""
DEFAULT_STATE_HOME = "~/.local/state"


def history_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$VCALL_HISTORY_FILE``, else ``$XDG_STATE_HOME/vcall/history`` (``~/.local/state``)."""
    env = os.environ if environ is None else environ
    if env.get(HISTORY_ENV):
        return Path(env[HISTORY_ENV]).expanduser()
    state_home = env.get("XDG_STATE_HOME") or DEFAULT_STATE_HOME
    return Path(state_home).expanduser() / "vcall" / "history"


def open_history(path: Path) -> History:
    """A file history at ``path``; in memory only when the file cannot be created."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=True)
    except OSError:
        return InMemoryHistory()
    return FileHistory(str(path))
