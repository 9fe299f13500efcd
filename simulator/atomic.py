"""Write a file so that readers see either the old content or the new one, never a partial file.

Only a regular file (or a new one) is replaced atomically. ``-`` and ``/dev/stdout`` are standard
output, ``/dev/stderr`` standard error, ``/dev/fd/N`` and ``/proc/self/fd/N`` that open file; an
existing file that is not a regular one (a character device such as ``/dev/null``, a named pipe,
a socket) is written to directly and never replaced: vcall runs as root, and replacing
``/dev/null`` by a regular file breaks every later redirect on the machine. A symlink keeps
pointing where it did: the file it names is replaced.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import sys
from pathlib import Path

from vcall.simulator.secrets import mask_bytes

NEW_FILE_MODE = 0o666
"""A new file's mode before the umask, as ``open()`` and the shell give it."""
STDOUT = "-"
_OPEN_FD = re.compile(r"/(?:dev/fd|proc/self/fd)/([0-9]+)")
_STANDARD = {"-": 1, "/dev/stdout": 1, "/dev/stderr": 2}


def write_atomic(path: Path | str, data: bytes | str, *, encoding: str = "utf-8") -> None:
    """Write ``data`` to ``path`` atomically: a temporary file in the same directory, then
    ``os.replace``. A crash leaves the previous file intact. ``str`` data is encoded with
    ``encoding``; a character it cannot encode (a lone surrogate) becomes a ``\\udXXX`` escape,
    valid in JSON text, instead of an error. Known secrets are masked (:mod:`.secrets`). A new
    file gets the mode the umask allows; a replaced file keeps its mode. Raises ``OSError`` when
    the directory does not exist or is not writable. Standard output (``-``), open descriptors
    and files that are not regular ones are written to directly (see the module docstring)."""
    payload = mask_bytes(
        data.encode(encoding, "backslashreplace") if isinstance(data, str) else data
    )
    if _write_special(str(path), payload):
        return
    target = Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)
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


def _write_special(name: str, payload: bytes) -> bool:
    """Write ``payload`` to standard output, an open descriptor, or an existing file that is
    not a regular one; False when ``name`` is none of those (replace it atomically)."""
    descriptor = _STANDARD.get(name)
    match = _OPEN_FD.fullmatch(name)
    if match is not None:
        descriptor = int(match.group(1))
    if descriptor is not None:
        _write_descriptor(descriptor, payload)
        return True
    try:
        mode = os.stat(name).st_mode
    except FileNotFoundError:
        return False
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return False
    _write_in_place(name, payload)
    return True


def _write_descriptor(descriptor: int, payload: bytes) -> None:
    """Standard output or error through Python's stream (flushed first, so what was printed
    before stays before); another descriptor as it is."""
    stream = {1: sys.stdout, 2: sys.stderr}.get(descriptor)
    binary = getattr(stream, "buffer", None)
    if stream is not None and binary is not None:
        stream.flush()
        binary.write(payload)
        binary.flush()
        return
    if stream is not None:
        stream.write(payload.decode("utf-8", "replace"))
        stream.flush()
        return
    _write_all(descriptor, payload)


def _write_in_place(name: str, payload: bytes) -> None:
    """A device, FIFO or socket: opened for writing (a FIFO without waiting for a reader: no
    reader is an error, not a hang) and written whole; never truncated, never replaced."""
    flags = os.O_WRONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(name, flags)
    except OSError as error:
        if error.errno == errno.ENXIO:
            raise OSError(errno.ENXIO, "a named pipe no process reads", name) from None
        raise
    try:
        os.set_blocking(fd, True)
        _write_all(fd, payload)
    finally:
        os.close(fd)


def _write_all(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        written = os.write(fd, view)
        view = view[written:]
