"""``vcall simulate --fixture``: exit codes, errors, reports, fixture selection, placement."""

from __future__ import annotations

import json
import re
import shutil
import socket
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from vcall.cli.app import app
from vcall.cli.exit_codes import ExitCode
from vcall.simulator.fixture.loader import load_scenarios

SHIPPED = Path(str(resources.files("vcall.fixtures")))
FIXTURE_COUNT = len(load_scenarios([str(SHIPPED)], environ={}))
"""Calls the shipped fixtures make (a fixture with say variants makes several)."""
ORDER = SHIPPED / "inbound_order_inquiry.yaml"

FAILING = """\
name: 期望落空
call: {caller: "13800138000", callee: "057126880000"}
steps:
  - wait: playback
  - say: 你好，我想查一下我的快递到哪了
    expect: {action: hangup}
"""
MALFORMED = """\
name: 拼错的键
steps:
  - say: 你好
    expct: {action: play}
"""
INTERRUPTING_BOT = """\
from vcall.simulator.example_bot import create_app

_bot = create_app()
_requests = [0]


async def app(scope, receive, send):
    if scope["type"] == "http":
        _requests[0] += 1
        if _requests[0] == {at}:
            raise KeyboardInterrupt
    await _bot(scope, receive, send)
"""
QUERY_ONLY_BOT = """\
import json
import re

from vcall.simulator.example_bot import respond


async def app(scope, receive, send):
    while (await receive()).get("more_body"):
        pass
    status, envelope = respond(scope["query_string"], b"", "")
    body = json.dumps(envelope, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})
"""


def simulate(*args: str | Path) -> Result:
    """``vcall simulate ARGS`` on a wide terminal (no line wrapping to match across)."""
    return CliRunner().invoke(app, ["simulate", *map(str, args)], env={"COLUMNS": "250"})  # type: ignore[return-value]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def bot_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder on ``sys.path`` for test bots given as ``module:app`` targets (forgotten after)."""
    folder = tmp_path / "bots"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    yield folder
    for module in folder.glob("*.py"):
        sys.modules.pop(module.stem, None)


def free_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


# --- exit codes ---------------------------------------------------------------------------------


def test_the_shipped_fixtures_pass_against_the_example_bot() -> None:
    result = simulate("--example-bot", "-f", SHIPPED, "--quiet")
    assert result.exit_code == ExitCode.OK, result.output
    assert f"{FIXTURE_COUNT} passed, 0 failed" in result.stdout


def test_a_failing_expectation_exits_1_and_says_what_failed(tmp_path: Path) -> None:
    fixture = write(tmp_path / "failing.yaml", FAILING)
    result = simulate("--example-bot", "-f", fixture)
    assert result.exit_code == ExitCode.FAILED
    assert "FAILED" in result.stdout
    assert "data.action should equal 'hangup', got 'play'" in result.stdout


def test_a_malformed_fixture_exits_2_with_one_file_line_error(tmp_path: Path) -> None:
    fixture = write(tmp_path / "malformed.yaml", MALFORMED)
    result = simulate("--example-bot", "-f", fixture)
    assert result.exit_code == ExitCode.USAGE
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert f"{fixture}:4:" in lines[0] and "expct" in lines[0]
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit), "a clean exit, not a crash"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no_such_module_here:app"], "cannot import"),
        (["localhost:8080"], "did you mean http://localhost:8080"),
        (["http://127.0.0.1:1/callback", "--example-bot"], "not both"),
        ([], "no TARGET"),
    ],
)
def test_a_bad_target_exits_2_with_a_one_line_error(args: list[str], message: str) -> None:
    result = simulate(*args, "-f", ORDER)
    assert result.exit_code == ExitCode.USAGE
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


@pytest.mark.parametrize("more", [[], ["--quiet"], ["--concurrency", "4"]])
def test_an_unreachable_endpoint_stops_the_run_with_one_line_and_exits_3(
    more: list[str],
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/callback"
    result = simulate(url, "-f", SHIPPED, "--timeout", "5s", *more)
    assert result.exit_code == ExitCode.UNREACHABLE, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"error: nothing listens on 127.0.0.1:{port} — is your bot running? ({url})"
    ]


def test_an_interrupted_run_exits_130_after_the_summary_and_the_reports(
    tmp_path: Path, bot_module: Path
) -> None:
    write(bot_module / "interrupting_bot.py", INTERRUPTING_BOT.replace("{at}", "9"))
    report = tmp_path / "run.json"
    result = simulate("interrupting_bot:app", "-f", SHIPPED, "--report-json", report)
    assert result.exit_code == ExitCode.INTERRUPTED, result.output
    assert "(interrupted)" in result.stdout and "Traceback" not in result.output
    written = json.loads(report.read_text(encoding="utf-8"))
    assert written["interrupted"] is True
    assert 0 < len(written["calls"]) < FIXTURE_COUNT


# --- reports ------------------------------------------------------------------------------------


def test_junit_and_json_reports_are_written_and_readable(tmp_path: Path) -> None:
    junit, report = tmp_path / "out" / "junit.xml", tmp_path / "run.json"
    junit.parent.mkdir()
    result = simulate(
        "--example-bot", "-f", SHIPPED, "-q", "--report", junit, "--report-json", report
    )
    assert result.exit_code == ExitCode.OK, result.output
    suites = ET.parse(junit).getroot()
    assert suites.tag == "testsuites"
    assert len(suites.findall("./testsuite/testcase")) == FIXTURE_COUNT
    assert suites.get("failures") == "0"
    written = json.loads(report.read_text(encoding="utf-8"))
    assert (written["passed"], written["failed"]) == (FIXTURE_COUNT, 0)
    assert all(call["passed"] and call["turns"] for call in written["calls"])


def test_a_failing_run_s_junit_report_names_the_failing_turn(tmp_path: Path) -> None:
    fixture = write(tmp_path / "failing.yaml", FAILING)
    junit = tmp_path / "junit.xml"
    result = simulate("--example-bot", "-f", fixture, "-q", "--report", junit)
    assert result.exit_code == ExitCode.FAILED
    failure = ET.parse(junit).getroot().find("./testsuite/testcase/failure")
    assert failure is not None and "turn 2 (normal)" in (failure.get("message") or "")


@pytest.mark.parametrize(
    ("option", "relative", "says"),
    [
        ("--report-json", "file/run.json", "file is not a directory"),
        ("--report", "missing/j.xml", "the directory {tmp}/missing/ does not exist"),
        ("--report-html", ".", "is a directory; give a file name"),
    ],
)
def test_an_unwritable_report_path_is_named_before_the_run(
    tmp_path: Path, bot_module: Path, option: str, relative: str, says: str
) -> None:
    write(tmp_path / "file", "")
    write(bot_module / "counting_bot.py", INTERRUPTING_BOT.replace("{at}", "10**9"))
    result = simulate("counting_bot:app", "-f", ORDER, "-q", option, tmp_path / relative)
    assert result.exit_code == ExitCode.USAGE
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: {option} ") and says.format(tmp=tmp_path) in line
    assert ".tmp" not in line
    assert sys.modules["counting_bot"]._requests == [0], "checked before any call"


# --- choosing fixtures --------------------------------------------------------------------------


def copy_fixtures(folder: Path, names: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(SHIPPED / name, folder / name)


def calls_run(tmp_path: Path, *fixture_args: str | Path) -> list[str]:
    report = tmp_path / "selection.json"
    result = simulate("--example-bot", *fixture_args, "-q", "--report-json", report)
    assert result.exit_code == ExitCode.OK, result.output
    return [Path(call["file"]).name for call in json.loads(report.read_text("utf-8"))["calls"]]


def test_directories_globs_and_files_select_each_fixture_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = tmp_path / "calls"
    copy_fixtures(calls, ["inbound_order_inquiry.yaml", "transfer_to_agent.yaml"])
    copy_fixtures(calls / "dtmf", ["dtmf_menu_hash_terminated.yaml"])
    monkeypatch.chdir(tmp_path)
    everything = [
        "dtmf_menu_hash_terminated.yaml",
        "inbound_order_inquiry.yaml",
        "transfer_to_agent.yaml",
    ]
    assert calls_run(tmp_path, "-f", "calls") == everything
    assert calls_run(tmp_path, "-f", "calls/*.yaml") == everything[1:]
    assert calls_run(tmp_path, "-f", "calls/**/dtmf_*.yaml") == everything[:1]
    assert calls_run(tmp_path, "-f", "calls", "-f", "calls/transfer_to_agent.yaml") == everything


def test_a_glob_matching_nothing_is_a_usage_error(tmp_path: Path) -> None:
    result = simulate("--example-bot", "-f", tmp_path / "*.yaml")
    assert result.exit_code == ExitCode.USAGE
    assert "no such fixture file" in result.stderr


# --- where the parameters go --------------------------------------------------------------------


def test_params_query_sends_every_callback_in_the_query_string(tmp_path: Path) -> None:
    report = tmp_path / "run.json"
    result = simulate(
        "--example-bot", "-f", ORDER, "-q", "--params", "query", "--report-json", report
    )
    assert result.exit_code == ExitCode.OK, result.output
    turns = [
        turn for call in json.loads(report.read_text("utf-8"))["calls"] for turn in call["turns"]
    ]
    assert turns and all(turn["request"]["placement"] == "query" for turn in turns)
    assert all("?call_id=" in turn["request"]["url"] for turn in turns)


def test_check_placement_with_the_example_bot_says_both_work(tmp_path: Path) -> None:
    report = tmp_path / "run.json"
    result = simulate(
        "--example-bot", "-f", ORDER, "-q", "--check-placement", "--report-json", report
    )
    assert result.exit_code == ExitCode.OK, result.output
    assert "placement: form ✓ query ✓" in result.stdout
    placement = json.loads(report.read_text("utf-8"))["placement"]
    assert placement == {"form_ok": True, "query_ok": True, "findings": []}


def test_check_placement_warns_about_a_query_only_endpoint(
    tmp_path: Path, bot_module: Path
) -> None:
    write(bot_module / "query_only_bot.py", QUERY_ONLY_BOT)
    args = ["query_only_bot:app", "-f", ORDER, "-q", "--params", "query", "--check-placement"]
    result = simulate(*args)  # type: ignore[arg-type]
    assert result.exit_code == ExitCode.OK, result.output
    verdict = next(line for line in result.stdout.splitlines() if line.startswith("placement:"))
    assert "form ✗ query ✓" in verdict
    assert "only in the query string" in verdict and "form: HTTP 400" in verdict
    strict = simulate(*args, "--strict")  # type: ignore[arg-type]
    assert strict.exit_code == ExitCode.FAILED
    assert "(placement check failed: --strict)" in strict.stdout


def test_verbose_notes_come_in_time_order_between_the_turns() -> None:
    result = simulate("--example-bot", "-f", SHIPPED / "non_breakable_notice.yaml", "-v")
    assert result.exit_code == ExitCode.OK, result.output
    clocks = [
        line.split()[0]
        for line in result.stdout.splitlines()
        if re.match(r"\s+\d\d:\d\d\.\d\s+(→|note:)", line)
    ]
    notes = [line for line in result.stdout.splitlines() if "note:" in line]
    assert notes and clocks == sorted(clocks)
    last_turn = max(i for i, line in enumerate(result.stdout.splitlines()) if " → " in line)
    first_note = next(i for i, line in enumerate(result.stdout.splitlines()) if "note:" in line)
    assert first_note < last_turn, "a note is printed where it happened, not after every turn"


REJECTING_BOT = """\
async def app(scope, receive, send):
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 404, "headers": []})
    await send({"type": "http.response.body", "body": b"not here"})
"""


def test_check_placement_reports_a_finding_when_both_placements_fail(
    tmp_path: Path, bot_module: Path
) -> None:
    write(bot_module / "rejecting_bot.py", REJECTING_BOT)
    report = tmp_path / "run.json"
    args = ["rejecting_bot:app", "-f", ORDER, "-q", "--check-placement", "--report-json", report]
    result = simulate(*args)  # type: ignore[arg-type]
    assert result.exit_code == ExitCode.FAILED, result.output
    placement = json.loads(report.read_text("utf-8"))["placement"]
    assert (placement["form_ok"], placement["query_ok"]) == (False, False)
    (finding,) = placement["findings"]
    assert finding["rule"] == "placement-both-rejected" and finding["severity"] == "error"
    assert "form body (HTTP 404)" in finding["message"]
    assert "query string (HTTP 404)" in finding["message"]


ERROR_PAGE_BOT = """\
async def app(scope, receive, send):
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 500,
                "headers": [(b"content-type", b"text/html")]})
    await send({"type": "http.response.body", "body": b"<html>Internal Server Error</html>"})
"""


def test_one_root_cause_is_one_finding_per_level_not_a_dozen(bot_module: Path) -> None:
    write(bot_module / "error_page_bot.py", ERROR_PAGE_BOT)
    result = simulate("error_page_bot:app", "-f", ORDER)
    assert result.exit_code == ExitCode.FAILED
    found = [
        line.strip()
        for line in result.stdout.splitlines()
        if line.strip().startswith(("error ", "warning "))
    ]
    assert len(found) == 3, found  # the answer, the expectations on it, the call
    status, expectations, call = found
    assert (
        status.startswith("error http-status")
        and "text/html" in status
        and "not valid JSON" in status
    )
    assert expectations.startswith("error expect-mismatch data:")
    assert (
        "none of the 8 expected values could match" in expectations and "and 5 more" in expectations
    )
    assert (
        call.startswith("error scenario-steps-unplayed") and "it should end by bot_hangup" in call
    )


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "bomb.yaml",
            "a: &a [x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"b{i}: &b{i} [{', '.join(['*a' if i == 0 else f'*b{i - 1}'] * 9)}]\n"
                for i in range(9)
            ),
        ),
        ("nul.yaml", "name: 空\nsteps:\n  - say: \x00\n"),
        ("deep.yaml", "name: 深\nsteps: " + "[" * 20000 + "\n"),
        ("comma.json", '{"name": "逗号", "steps": [],}'),
    ],
)
def test_a_hostile_fixture_is_one_line_exit_2(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["simulate", "--example-bot", "-f", str(path)])
    assert result.exit_code == ExitCode.USAGE
    assert "Traceback" not in result.output
    message = [line for line in result.output.splitlines() if line.strip()]
    assert len(message) == 1 and f"{path}:" in message[0]
