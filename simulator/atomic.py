"""Write a file so that readers see either the old content or the new one, never a partial file."""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

from vcall.simulator.secrets import mask_bytes

NEW_FILE_MODE = 0o666
"""A new file's mode before the umask, as ``open()`` and the shell give it."""


def write_atomic(path: Path | str, data: bytes | str, *, encoding: str = "utf-8") -> None:
    """Write ``data`` to ``path`` atomically: a temporary file in the same directory, then
    ``os.replace``. A crash leaves the previous file intact. ``str`` data is encoded with
    ``encoding``; a character it cannot encode (a lone surrogate) becomes a ``\\udXXX`` escape,
    valid in JSON text, instead of an error. Known secrets are masked (:mod:`.secrets`). A new file gets the mode the umask
    allows; a replaced file keeps its mode. Raises ``OSError`` when the directory does not exist
    or is not writable."""
    target = Path(path)
    payload = mask_bytes(
        data.encode(encoding, "backslashreplace") if isinstance(data, str) else data
    )
    kept_mode = _mode_of(target)
    fd, temp_name = _create_temp(target)
    try:
        if kept_mode is not None:
            os.fchmod(fd, kept_mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise


def _mode_of(target: Path) -> int | None:
    """The permission bits of the file being replaced; None when there is none yet."""
    try:
        status = os.stat(target)
    except FileNotFoundError:
        return None
    return stat.S_IMODE(status.st_mode) if stat.S_ISREG(status.st_mode) else None


def _create_temp(target: Path) -> tuple[int, str]:
    """A new, empty temporary file beside ``target``, created with ``NEW_FILE_MODE`` so the
    kernel applies the umask (``tempfile.mkstemp`` would make it 0600 whatever the umask)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _attempt in range(100):
        name = str(target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(name, flags, NEW_FILE_MODE), name
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {target}")
