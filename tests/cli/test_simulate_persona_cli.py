"""``vcall simulate`` over fixtures with a ``persona:`` block: the goal decides the call (exit 0 /
1), the run's goal-completion rate, ``--calls``, ``--llm`` (a fake API here, the key never in any
output), and the pytest plugin's collection mode playing the same fixture."""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from vcall.cli.app import app
from vcall.cli.exit_codes import ExitCode

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "simulator" / "persona"))
from persona_support import (
    FEES_FIXTURE,
    action,
    fake_llm,
)  # bots BILLING and WEATHER, importable by name

PERSONA_TESTS = Path(__file__).resolve().parents[1] / "simulator" / "persona"
pytest_plugins = ["pytester"]
KEY = "sk-simulate-secret-7a6b5c4d3e"
FEES = FEES_FIXTURE
BILLING = "persona_support:BILLING"
WEATHER = "persona_support:WEATHER"


def vcall(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, [*map(str, args)], env={"COLUMNS": "250", **(env or {})})


@pytest.fixture
def fees(tmp_path: Path) -> Path:
    path = tmp_path / "fees.yaml"
    path.write_text(FEES, encoding="utf-8")
    return path


def test_a_goal_met_passes_the_call_and_the_run(fees: Path) -> None:
    result = vcall("simulate", BILLING, "-f", fees)
    assert result.exit_code == ExitCode.OK, result.output
    assert "info persona-goal-met: goal met" in result.output
    assert "persona goals: 1/1 met (100%)" in result.output


def test_a_goal_not_met_fails_the_call_with_exit_1_and_the_reports(
    fees: Path, tmp_path: Path
) -> None:
    junit, report = tmp_path / "junit.xml", tmp_path / "run.json"
    result = vcall("simulate", WEATHER, "-f", fees, "--report", junit, "--report-json", report)
    assert result.exit_code == ExitCode.FAILED, result.output
    assert "error persona-goal-not-met: goal not met after" in result.output
    assert "stuck at 抱歉，我只能查询天气" in result.output
    assert "persona goals: 0/1 met (0%)" in result.output
    (failure,) = ET.parse(junit).getroot().iter("failure")
    assert "persona-goal-not-met" in ET.tostring(failure, encoding="unicode")
    rules = json.dumps(json.loads(report.read_text(encoding="utf-8")), ensure_ascii=False)
    assert "persona-goal-not-met" in rules


def test_calls_n_gives_the_goal_completion_rate_over_seeds(fees: Path, tmp_path: Path) -> None:
    report = tmp_path / "run.json"
    result = vcall(
        "simulate",
        BILLING,
        "-f",
        fees,
        "--calls",
        "3",
        "--seed",
        "5",
        "-q",
        "--report-json",
        report,
    )
    assert result.exit_code == ExitCode.OK, result.output
    assert "persona goals: 3/3 met (100%)" in result.output
    goals = json.loads(report.read_text(encoding="utf-8"))["persona_goals"]
    assert goals == {"calls": 3, "met": 3, "rate": 1.0}
    assert "查本月话费 [seed 5]" in result.output and "查本月话费 [seed 7]" in result.output


def test_the_llm_brain_plays_the_fixture_and_the_key_never_shows(
    fees: Path, tmp_path: Path
) -> None:
    script = [
        action(action="say", words="查询话费"),
        action(action="press", keys="2"),
        action(action="say", words="13912345678"),
        action(action="say", words=f"是的 {KEY}"),
        action(action="hangup"),
        action(met=True, explanation=f"机器人报了本月话费 {KEY}"),
    ]
    junit, report = tmp_path / "junit.xml", tmp_path / "run.json"
    with fake_llm(script) as fake:
        result = vcall(
            "simulate", BILLING, "-f", fees, "--llm", fake.url, "--model", "qwen-plus",
            "--report", junit, "--report-json", report, "-v",
            env={"VCALL_LLM_API_KEY": KEY},
        )  # fmt: skip
    assert result.exit_code == ExitCode.OK, result.output
    assert fake.headers[0]["authorization"] == f"Bearer {KEY}"  # it did reach the API
    assert "persona goals: 1/1 met (100%)" in result.output
    assert f"LLM token(s) in {len(fake.requests)} request(s)" in result.output
    for text in (result.output, junit.read_text("utf-8"), report.read_text("utf-8")):
        assert KEY not in text and KEY[:12] not in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--llm", "http://127.0.0.1:9/v1", "--model", "m"), "--llm: none of the fixtures has a persona: block"),
        (("--calls", "2"), "--calls: none of the fixtures has a persona: block"),
        (("--model", "qwen-plus"), "--model goes with --llm"),
    ],
)  # fmt: skip
def test_persona_options_without_persona_fixtures_are_usage_errors(
    args: tuple[str, ...], message: str
) -> None:
    result = vcall("simulate", "--example-bot", "-f", "builtin:transfer_to_agent", *args)
    assert result.exit_code == ExitCode.USAGE, result.output
    assert message in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    "args", [("--llm", "http://127.0.0.1:9/v1"), ("--calls", "3"), ("--model", "m")]
)
def test_persona_options_in_the_console_are_usage_errors(args: tuple[str, ...]) -> None:
    result = vcall("simulate", "--example-bot", *args)  # no -f: the console, which plays none
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "play persona fixtures: give -f FILE" in result.output


def test_a_bad_persona_block_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(FEES.replace("budget: 8", "budgett: 8"), encoding="utf-8")
    result = vcall("simulate", BILLING, "-f", bad)
    assert result.exit_code == ExitCode.USAGE, result.output
    assert f"{bad}:6: unknown key 'persona.budgett' (did you mean 'budget'?)" in result.output
    checked = vcall("fixtures", "check", bad)
    assert checked.exit_code != ExitCode.OK
    assert f"{bad}:6: unknown key 'persona.budgett' (did you mean 'budget'?)" in checked.output


def test_a_persona_fixture_recorded_by_vcall_persona_replays_without_a_brain(
    fees: Path, tmp_path: Path
) -> None:
    saved = tmp_path / "calls"
    recorded = vcall("persona", BILLING, "--persona", fees, "--save", saved)
    assert recorded.exit_code == ExitCode.OK, recorded.output
    (path,) = saved.iterdir()
    text = path.read_text(encoding="utf-8")
    assert "\npersona:" not in text and "\nsteps:" in text  # an ordinary scripted fixture
    replayed = vcall("simulate", BILLING, "-f", path)
    assert replayed.exit_code == ExitCode.OK, replayed.output
    assert "persona goals" not in replayed.output


def test_the_pytest_plugin_plays_a_persona_fixture_like_any_other(
    pytester: pytest.Pytester,
) -> None:
    pytester.syspathinsert(PERSONA_TESTS)
    calls = pytester.mkdir("calls")
    (calls / "fees.yaml").write_text(FEES, encoding="utf-8")
    (calls / "agent.yaml").write_text(
        FEES.replace("查本月话费", "找人工").replace("本月话费为", "从未说过的话"), encoding="utf-8"
    )
    result = pytester.runpytest(
        "--vcall-fixtures", "calls", "--vcall-target", BILLING, "--junitxml", "out.xml"
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*persona-goal-not-met*never heard a prompt matching*"])
    cases = {c.get("name"): c for c in ET.parse(pytester.path / "out.xml").iter("testcase")}
    assert cases["fees"].find("failure") is None
    assert cases["agent"].find("failure") is not None
