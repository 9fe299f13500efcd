"""write_atomic: whole-file replacement, no partial files, no stray temporaries."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from vcall.simulator.atomic import write_atomic


def test_writes_text_and_bytes(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    write_atomic(target, "你好\n")
    assert target.read_text(encoding="utf-8") == "你好\n"
    write_atomic(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_failure_keeps_the_old_file_and_removes_the_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_missing_directory_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_atomic(tmp_path / "nope" / "out.txt", "x")


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.usefixtures("umask_022")
def test_a_new_file_respects_the_umask(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    write_atomic(target, "{}")
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


@pytest.mark.usefixtures("umask_022")
@pytest.mark.parametrize("mode", [0o600, 0o640, 0o664])
def test_a_replaced_file_keeps_its_mode(tmp_path: Path, mode: int) -> None:
    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(mode)
    write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(target.stat().st_mode) == mode


def test_text_with_a_lone_surrogate_is_written_as_an_escape_not_an_error(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    write_atomic(target, '{"dynamic_id": "\ud800menu"}')
    assert json.loads(target.read_bytes()) == {"dynamic_id": "\ud800menu"}


# --- special files (issue 26): written to, never replaced -----------------------------------


def test_a_fifo_read_by_another_process_receives_the_whole_report(tmp_path: Path) -> None:
    import subprocess
    import sys

    fifo = tmp_path / "report.pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import sys; sys.stdout.buffer.write(open({str(fifo)!r}, 'rb').read())",
        ],
        stdout=subprocess.PIPE,
    )
    report = ("{" + ",".join(f'"k{i}": "值{i}"' for i in range(50_000)) + "}").encode()
    for _ in range(100):  # the reader has opened its end
        try:
            write_atomic(fifo, report)
            break
        except OSError:
            import time

            time.sleep(0.05)
    received, _ = reader.communicate(timeout=30)
    assert received == report
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pipe"]


def test_a_fifo_nobody_reads_is_an_error_not_a_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "report.pipe"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="no process reads"):
        write_atomic(fifo, "{}")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a character device needs root")
def test_a_character_device_stays_a_character_device(tmp_path: Path) -> None:
    null = tmp_path / "null"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a second /dev/null
    write_atomic(null, "{}\n")
    assert stat.S_ISCHR(os.stat(null).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]


def test_a_symlink_keeps_pointing_at_the_file_it_named(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_atomic(link, "new")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new"


def test_dash_and_dev_stdout_write_to_standard_output(
    capfdbinary: pytest.CaptureFixture[bytes],
) -> None:
    write_atomic("-", "first\n")
    write_atomic("/dev/stdout", "second\n")
    assert capfdbinary.readouterr().out == b"first\nsecond\n"
