"""Files the user names on the command line: ``/dev/zero``, FIFOs and ``/proc`` files never
exhaust memory or hang (``validate-response``, ``--params``, ``--say-file``, fixtures), and
``--allow-outside-paths`` opts in to fixture paths outside the fixture's folder (issue 28)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from vcall.cli.app import app
from vcall.cli.commands import smartcall as smartcall_cli
from vcall.cli.commands.smartcall import load_params_file
from vcall.cli.exit_codes import ExitCode
from vcall.simulator.errors import UsageError


def vcall(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [*map(str, args)], env={"COLUMNS": "250"})


def test_validate_response_refuses_a_character_device_in_one_line() -> None:
    result = vcall("validate-response", "/dev/zero", "--stage", "followup")
    assert result.exit_code == ExitCode.USAGE, result.output
    assert (
        result.stderr.strip() == "error: /dev/zero: cannot read (is a character device, not a file)"
    )


def test_validate_response_of_a_fifo_without_a_writer_is_an_empty_body(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "answer")
    result = vcall("validate-response", tmp_path / "answer", "--stage", "followup")
    assert result.exit_code == ExitCode.FAILED and "body-empty" in result.stdout


def test_validate_response_reads_endless_stdin_only_up_to_the_limit() -> None:
    with open("/dev/zero", "rb") as endless:
        done = subprocess.run(
            [sys.executable, "-m", "vcall", "validate-response", "-", "--stage", "followup"],
            stdin=endless,
            capture_output=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == ExitCode.FAILED, done.stderr
    assert b"body-too-large" in done.stdout and b"Traceback" not in done.stderr


def test_a_params_file_that_is_a_device_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="character device"):
        load_params_file(Path("/dev/zero"))


def test_a_params_fifo_without_a_writer_reads_as_empty_and_never_hangs(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "params")
    assert load_params_file(tmp_path / "params") == {}


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="no /proc")
def test_a_proc_params_file_that_says_size_0_is_read_with_the_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(smartcall_cli, "MAX_PARAMS_FILE_BYTES", 10)
    with pytest.raises(UsageError, match="larger than 10 bytes"):
        load_params_file(Path("/proc/self/status"))


def test_explore_refuses_dev_zero_as_say_file() -> None:
    result = vcall("explore", "--example-bot", "--say-file", "/dev/zero")
    assert result.exit_code == ExitCode.USAGE
    assert "--say-file /dev/zero: is a character device, not a file" in result.stderr


def test_simulate_opts_in_to_paths_outside_the_fixture_folder(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "calls").mkdir()
    (tmp_path / "shared" / "say.txt").write_text("你好，我想查一下我的快递到哪了\n", "utf-8")
    fixture = tmp_path / "calls" / "call.yaml"
    fixture.write_text(
        "name: 共享的话\ncall: {caller: '13800138000', callee: '057126880000'}\n"
        "steps:\n  - wait: playback\n  - say_file: ../shared/say.txt\n",
        encoding="utf-8",
    )
    refused = vcall("simulate", "--example-bot", "-f", fixture, "-q")
    assert refused.exit_code == ExitCode.USAGE
    assert f"{fixture}:5: say_file:" in refused.stderr and "--allow-outside-paths" in refused.stderr
    allowed = vcall("simulate", "--example-bot", "-f", fixture, "-q", "--allow-outside-paths")
    assert allowed.exit_code == ExitCode.OK, allowed.output
