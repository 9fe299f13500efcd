"""Append-only JSON lines files (the exchange log, the findings report), one object a line."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO, Any

from vcall.simulator import secrets
from vcall.simulator.errors import UsageError


class JsonLines:
    """Opened once (mode 0600: the log holds what callers said), a line flushed per record.
    Every line goes through :func:`secrets.mask`: a bot or a caller may echo a secret."""

    def __init__(self, path: Path, what: str) -> None:
        self.path = path
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        except OSError as error:
            raise UsageError(f"{what} {path}: cannot open: {error.strerror or error}") from None
        self._file: IO[str] | None = os.fdopen(fd, "a", encoding="utf-8")

    def write(self, record: dict[str, Any]) -> None:
        if self._file is None:
            return
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        self._file.write(secrets.mask(line) + "\n")
        self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
