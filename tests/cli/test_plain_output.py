"""Output that is not a terminal is plain and unwrapped: one line per fact, whatever its length.

Run as a user's CI runs it: a real process, stdout a pipe, ``COLUMNS`` unset.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path

import yaml

SHIPPED = Path(str(resources.files("vcall.fixtures")))
CALL_TIME = re.compile(r"\b\d\d:\d\d\.\d\b")


def run_piped(*args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES")}
    env.pop("FORCE_COLOR", None)
    return subprocess.run(
        [sys.executable, "-m", "vcall", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )


def scenario_names() -> list[str]:
    return [
        yaml.safe_load(path.read_text(encoding="utf-8"))["name"]
        for path in sorted(SHIPPED.glob("*.yaml"))
    ]


def test_simulate_output_to_a_pipe_is_plain_and_never_wrapped() -> None:
    result = run_piped("simulate", "--example-bot", "-f", str(SHIPPED))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "\x1b[" not in result.stdout  # no colours in a log
    assert max(map(len, lines)) > 80  # long facts stay long, on their line
    headers = [line for line in lines if line.startswith("▶ ")]
    assert len(headers) >= len(scenario_names())  # a file with variants makes several calls
    assert all(re.search(r"call_id \d+\^\d+$", line) for line in headers)
    for name in scenario_names():  # each whole, on its header lines and summary rows
        assert any(line.startswith(f"▶ {name} ") for line in lines), name
        # the summary is wider than a log line: one record per call, every column whole
        rows = [line for line in lines if line.startswith(f"scenario: {name}")]
        assert rows and all(CALL_TIME.search(row) for row in rows), rows
        assert all(" · result: passed · turns: " in row for row in rows), rows


def test_validate_response_findings_to_a_pipe_are_one_line_each(tmp_path: Path) -> None:
    from vcall.simulator.spec import Stage
    from vcall.simulator.validation import validate_response

    raw = '{"result": "success", "msg": "成功", "data": {"action": "dance", "tts_speed": 900}}'
    body = tmp_path / "bad.json"
    body.write_text(raw, "utf-8")
    result = run_piped("validate-response", str(body), "--stage", "followup")
    assert result.returncode == 1
    findings = validate_response(raw.encode(), Stage.FOLLOWUP).findings
    assert findings
    for finding in findings:  # rule, path and the whole message on one line
        assert any(
            finding.rule in line and finding.message in line for line in result.stdout.splitlines()
        ), finding


def test_a_usage_error_to_a_pipe_is_one_plain_line() -> None:
    result = run_piped("validate-response", "-", "--stage", "normal")
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(
        "error: Invalid value for '--stage': 'normal' is a callback kind, not a stage: use "
        "followup (the answer to any callback after callin) ("
    )
    assert line.endswith("vcall validate-response --help)")  # "python -m vcall" here
    unknown = run_piped("simulate", "--no-such-option")
    assert unknown.returncode == 2 and len(unknown.stderr.splitlines()) == 1
    assert unknown.stderr.startswith("error: No such option: --no-such-option")


def test_vcall_alone_prints_the_help_and_no_error_line() -> None:
    result = run_piped()
    assert result.returncode == 2 and "Usage: " in result.stdout and result.stderr == ""
