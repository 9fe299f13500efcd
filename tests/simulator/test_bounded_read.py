"""Reading user-named files with the limit applied while reading: /dev/zero, FIFOs and /proc
files never exhaust memory or hang (issue 28)."""

from __future__ import annotations

import io
import os
import threading
from pathlib import Path

import pytest

from vcall.simulator.bounded_read import (
    NotAFileError,
    TooLargeError,
    read_bounded,
    read_prefix,
    read_stream_prefix,
)


def test_a_regular_file_under_the_limit_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"x" * 1000)
    assert read_bounded(path, 1000) == b"x" * 1000


def test_a_regular_file_over_the_limit_is_too_large(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"x" * 1001)
    with pytest.raises(TooLargeError, match="larger than 1000 bytes"):
        read_bounded(path, 1000)
    assert read_prefix(path, 1000) == b"x" * 1001


def test_dev_zero_is_refused_not_read_until_memory_runs_out() -> None:
    with pytest.raises(NotAFileError, match="character device"):
        read_bounded("/dev/zero", 1024)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="no /proc")
def test_a_proc_file_reports_size_zero_but_is_read_with_the_bound() -> None:
    assert os.stat("/proc/self/status").st_size == 0
    assert b"Name:" in read_bounded("/proc/self/status", 1024 * 1024)
    with pytest.raises(TooLargeError):
        read_bounded("/proc/self/status", 10)


def test_a_fifo_without_a_writer_reads_as_empty_and_never_hangs(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert read_bounded(fifo, 1024) == b""


def test_a_fifo_with_an_endless_writer_is_read_up_to_the_bound(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    opened, stop = threading.Event(), threading.Event()

    def endless_writer() -> None:
        fd = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)  # open without waiting for the reader
        opened.set()
        try:
            while not stop.is_set():
                try:
                    os.write(fd, b"y" * 4096)
                except BlockingIOError:
                    stop.wait(0.01)
        finally:
            os.close(fd)

    thread = threading.Thread(target=endless_writer, daemon=True)
    thread.start()
    try:
        assert opened.wait(5)
        with pytest.raises(TooLargeError):
            read_bounded(fifo, 100_000)
    finally:
        stop.set()
        thread.join(5)


def test_a_directory_is_an_is_a_directory_error(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError):
        read_bounded(tmp_path, 10)


def test_a_missing_file_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_bounded(tmp_path / "absent", 10)


def test_standard_input_is_read_up_to_one_byte_past_the_limit() -> None:
    assert read_stream_prefix(io.BytesIO(b"z" * 500_000), 1000) == b"z" * 1001
    assert read_stream_prefix(io.BytesIO(b"abc"), 1000) == b"abc"
