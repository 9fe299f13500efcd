"""Reading a child's output line by line without losing what follows.

``for line in process.stdout`` fills a buffer past the line it yields, and
``process.communicate()`` reads the pipe itself, not that buffer: whatever the child printed just
after the line a test waited for was lost at random (a flaky assertion on the banner's next line).
These read the pipe a byte at a time, so the rest stays in the pipe for ``communicate``."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator


def raw_line(fd: int) -> str:
    """One line (with its newline; ``""`` at the end of the output)."""
    line = bytearray()
    while not line.endswith(b"\n") and (byte := os.read(fd, 1)):
        line += byte
    return line.decode("utf-8", "replace")


def output_lines(process: subprocess.Popen[str]) -> Iterator[str]:
    """The child's output lines, until it closes its output."""
    assert process.stdout is not None
    while line := raw_line(process.stdout.fileno()):
        yield line
