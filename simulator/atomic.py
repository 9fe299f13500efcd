"""Write a file so that readers see either the old content or the new one, never a partial file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from vcall.simulator.secrets import mask_bytes


def write_atomic(path: Path | str, data: bytes | str, *, encoding: str = "utf-8") -> None:
    """Write ``data`` to ``path`` atomically: a temporary file in the same directory, then
    ``os.replace``. A crash leaves the previous file intact. ``str`` data is encoded with
    ``encoding``. Known secrets are masked (:mod:`.secrets`). Raises ``OSError`` when the
    directory does not exist or is not writable."""
    target = Path(path)
    payload = mask_bytes(data.encode(encoding) if isinstance(data, str) else data)
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
