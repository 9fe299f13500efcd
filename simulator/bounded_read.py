"""Reading a file the user named, with its size limit applied while reading.

A size check before reading (``stat().st_size``) is not a limit: ``/dev/zero`` and ``/proc``
files say 0 bytes and never end, and opening a named pipe (FIFO) waits for a writer. Every file
vcall reads for a user (fixtures, ``include:``/``data:``/``say_file:``, ``--say-file``,
``--params``, ``validate-response FILE``) goes through :func:`read_bounded` or
:func:`read_prefix`:

- a regular file (``/proc`` files included) is read up to the limit and one byte more;
- a named pipe is opened without waiting for a writer and read up to the same bound (with no
  writer it reads as empty: it never hangs), so ``--params <(make-params)`` works;
- a directory raises :class:`IsADirectoryError`; a character or block device or a socket raises
  :class:`NotAFileError` (``/dev/zero`` is not a file to read).

Standard input (``-``, where a command documents it) is read with :func:`read_stream_prefix`.
Every error is an ``OSError``, so a caller's ``except OSError`` keeps catching it.
"""

from __future__ import annotations

import errno
import os
import stat
from typing import BinaryIO

CHUNK_BYTES = 64 * 1024


class NotAFileError(OSError):
    """The path names a device or a socket, where a file was expected."""


class TooLargeError(OSError):
    """The file has more bytes than the limit (it was read no further)."""

    def __init__(self, path: str, limit: int) -> None:
        super().__init__(errno.EFBIG, f"larger than {limit} bytes", path)
        self.limit = limit


def read_bounded(path: str | os.PathLike[str], limit: int) -> bytes:
    """The whole content of ``path``; :class:`TooLargeError` if it has more than ``limit``
    bytes (the read stops there)."""
    data = read_prefix(path, limit)
    if len(data) > limit:
        raise TooLargeError(os.fsdecode(path), limit)
    return data


def read_prefix(path: str | os.PathLike[str], limit: int) -> bytes:
    """At most ``limit + 1`` bytes of ``path`` (more than ``limit``: the file is larger)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        _check_kind(fd, os.fsdecode(path))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)  # a pipe with a writer: wait for its bytes, not EAGAIN
        return _read_fd(fd, limit + 1)
    finally:
        os.close(fd)


def read_stream_prefix(stream: BinaryIO, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of ``stream`` (standard input)."""
    chunks: list[bytes] = []
    left = limit + 1
    while left > 0:
        chunk = stream.read(min(CHUNK_BYTES, left))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _check_kind(fd: int, path: str) -> None:
    mode = os.fstat(fd).st_mode
    if stat.S_ISREG(mode) or stat.S_ISFIFO(mode):
        return
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "is a directory, expected a file", path)
    kind = "a character device" if stat.S_ISCHR(mode) else "a device or socket"
    raise NotAFileError(errno.EINVAL, f"is {kind}, not a file", path)


def _read_fd(fd: int, most: int) -> bytes:
    chunks: list[bytes] = []
    left = most
    while left > 0:
        chunk = os.read(fd, min(CHUNK_BYTES, left))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
