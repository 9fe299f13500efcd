"""Append-only JSON lines files (the exchange log, the findings report), one object a line.

A line is written whole or not at all: it goes to the file in one ``write``; when the disk
takes only part of it (a full disk), the part is cut off again and ``OSError`` raised (the
observer says so and keeps relaying), so the file only ever holds whole lines. Every control
character, C1 and bidirectional override included, is written as a JSON ``\\uXXXX`` escape: the
file reads back exactly, and ``cat`` or ``tail -f`` on it cannot drive the terminal.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
from pathlib import Path
from typing import Any

from vcall.simulator import secrets
from vcall.simulator.errors import UsageError

_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escaped(match: re.Match[str]) -> str:
    return f"\\u{ord(match[0]):04x}"


_REOPEN = [0]
"""Bumped by :func:`request_reopen` (a SIGHUP handler): each file reopens its path before its
next write. Only an integer changes in the handler: a write under way is never cut."""


def request_reopen() -> None:
    """Ask every open JSON-lines file to reopen its path (log rotation: the old file was moved
    away; the next line goes to a new file of the same name). Safe in a signal handler."""
    _REOPEN[0] += 1


def json_line(record: dict[str, Any]) -> str:
    """One record as a line: compact JSON, secrets masked, C1 and bidi controls escaped."""
    line = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    return _UNSAFE.sub(_escaped, secrets.mask(line))


class JsonLines:
    """Opened once (mode 0600: the log holds what callers said), a line written per record.
    Every line goes through :func:`secrets.mask`: a bot or a caller may echo a secret."""

    def __init__(self, path: Path, what: str) -> None:
        self.path = path
        self._generation = _REOPEN[0]
        try:
            self._fd: int | None = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        except OSError as error:
            raise UsageError(f"{what} {path}: cannot open: {error.strerror or error}") from None

    def _reopen_if_asked(self) -> None:
        if self._generation == _REOPEN[0] or self._fd is None:
            return
        self._generation = _REOPEN[0]
        fresh = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.close(self._fd)
        self._fd = fresh

    def write(self, record: dict[str, Any]) -> None:
        self._reopen_if_asked()
        if self._fd is None:
            return
        data = (json_line(record) + "\n").encode("utf-8")
        end = os.lseek(self._fd, 0, os.SEEK_END)
        try:
            written = os.write(self._fd, data)
        except OSError:
            self._cut(end)
            raise
        if written != len(data):
            self._cut(end)
            raise OSError(errno.ENOSPC, "the line could not be written whole (disk full?)")

    def _cut(self, end: int) -> None:
        """Remove a partly written line (it was appended at ``end``)."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, end)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
