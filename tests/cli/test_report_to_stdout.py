"""``--report* -`` writes the report to standard output and the terminal output goes to standard
error; a report path that is a character device is written to, never replaced (issue 26)."""

from __future__ import annotations

import json
import os
import stat
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vcall.cli.app import app
from vcall.cli.exit_codes import ExitCode

ORDER = "builtin:inbound_order_inquiry.yaml"


def vcall(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*map(str, args)], env={"COLUMNS": "250"})
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["simulate", "--example-bot", "-f", ORDER, "--report-json", "-"],
        ["check", "--example-bot", "--report-json", "-"],
        ["explore", "--example-bot", "--max-calls", "5", "--report-json", "-"],
    ],
    ids=["simulate", "check", "explore"],
)
def test_a_json_report_to_stdout_is_the_whole_of_stdout(args: list[str]) -> None:
    code, out, err = vcall(*args)
    assert code in (ExitCode.OK, ExitCode.FAILED), err
    assert isinstance(json.loads(out), dict)  # nothing else on stdout
    assert err.strip()  # the terminal output went to stderr


def test_a_junit_report_to_stdout_is_xml() -> None:
    code, out, err = vcall("simulate", "--example-bot", "-f", ORDER, "--report", "-")
    assert code == ExitCode.OK, err
    assert ET.fromstring(out).tag == "testsuites"
    assert "1 passed, 0 failed" in err


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a character device needs root")
def test_a_report_to_a_character_device_leaves_it_a_device(tmp_path: Path) -> None:
    null = tmp_path / "null"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    code, _out, err = vcall("simulate", "--example-bot", "-f", ORDER, "--report-json", null)
    assert code == ExitCode.OK, err
    assert stat.S_ISCHR(os.stat(null).st_mode)
