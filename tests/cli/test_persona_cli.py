"""``vcall persona``: exit codes, the report, saved fixtures, the API key never in any output."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from vcall.cli.app import app
from vcall.cli.exit_codes import ExitCode

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "simulator" / "persona"))
from persona_support import action, fake_llm

KEY = "sk-cli-secret-9f8e7d6c5b4a"


def vcall(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, [*map(str, args)], env={"COLUMNS": "250", **(env or {})})


def test_a_goal_met_exits_0_with_the_report(tmp_path: Path) -> None:
    report = tmp_path / "out.json"
    result = vcall(
        "persona", "--example-bot", "--goal", "我要找人工客服", "--calls", "2",
        "--report-json", report,
    )  # fmt: skip
    assert result.exit_code == ExitCode.OK, result.output
    assert "✓ goal met" in result.output and "2/2 goal(s) met (100%)" in result.output
    document = json.loads(report.read_text(encoding="utf-8"))
    assert document["completion_rate"] == 1.0
    assert [r["seed"] for r in document["results"]] == [0, 1]
    assert document["results"][0]["ended_by"] == "transfer"


def test_a_goal_not_met_exits_1_and_shows_where_it_got_stuck() -> None:
    result = vcall("persona", "--example-bot", "--goal", "查一下本月话费", "--budget", "3")
    assert result.exit_code == ExitCode.FAILED, result.output
    assert "✗ goal not met" in result.output
    assert "stuck at: 抱歉，我没有听清" in result.output
    assert "0/1 goal(s) met (0%)" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "give a --goal or a --persona file"),
        (("--goal", "x", "--style", "grumpy"), "--style 'grumpy'"),
        (("--goal", "x", "--fact", "phone"), "--fact 'phone': expected NAME=VALUE"),
        (("--goal", "x", "--model", "qwen-plus"), "--model goes with --llm"),
        (("--goal", "x", "--llm", "ftp://host", "--model", "m"), "expected the API's base URL"),
        (("--goal", "x", "--replay", "/nonexistent-dir"), "not a directory"),
    ],
)
def test_usage_errors_exit_2(args: tuple[str, ...], message: str) -> None:
    result = vcall("persona", "--example-bot", *args)
    assert result.exit_code == ExitCode.USAGE, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_an_unreachable_endpoint_exits_3() -> None:
    result = vcall("persona", "http://127.0.0.1:9/callback", "--goal", "转人工", "--calls", "3")
    assert result.exit_code == ExitCode.UNREACHABLE, result.output
    assert "nothing listens on 127.0.0.1:9" in result.output
    assert result.output.count("error") == 1  # one line, not one per call


def test_a_persona_file_saved_then_replayed_then_simulated(tmp_path: Path) -> None:
    persona = tmp_path / "menu.yaml"
    persona.write_text(
        "goal: 查快递\nsay: 自助菜单\nhears: {menu.wav: 查快递请按1，转人工请按2}\n"
        "success: {heard: 预计明天送达}\n",
        encoding="utf-8",
    )
    saved = tmp_path / "calls"
    assert vcall("persona", "--example-bot", "--persona", persona, "--save", saved).exit_code == 0
    replayed = vcall("persona", "--example-bot", "--persona", persona, "--replay", saved)
    assert replayed.exit_code == ExitCode.OK, replayed.output
    assert "saved step(s) reused" in replayed.output
    simulated = vcall("simulate", "--example-bot", "--fixture", saved / "menu-0.yaml")
    assert simulated.exit_code == ExitCode.OK, simulated.output


def test_the_llm_key_never_appears_in_any_output(tmp_path: Path) -> None:
    script = [action(action="say", words=f"转人工 {KEY}"), action(met=True, explanation=KEY)]
    with fake_llm(script) as fake:
        result = vcall(
            "persona", "--example-bot", "--goal", "我要找人工客服", "--llm", fake.url,
            "--model", "qwen-plus", "--save", tmp_path / "calls", "--report-json",
            tmp_path / "r.json", "--transcript",
            env={"VCALL_LLM_API_KEY": KEY},
        )  # fmt: skip
    assert result.exit_code == ExitCode.OK, result.output
    assert fake.headers[0]["authorization"] == f"Bearer {KEY}"  # it did reach the API
    assert "tokens" in result.output and "request(s)" in result.output
    written = [result.output, (tmp_path / "r.json").read_text(encoding="utf-8")]
    written += [p.read_text(encoding="utf-8") for p in (tmp_path / "calls").iterdir()]
    for text in written:
        assert KEY not in text and KEY[:12] not in text
    assert "****" in result.output


def test_goal_options_make_the_persona(tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    result = vcall(
        "persona", "--example-bot", "--goal", "查快递", "--say", "自助菜单",
        "--hears", "menu.wav=查快递请按1，转人工请按2", "--asr", "fillers=1,seed=3",
        "--style", "elderly", "--report-json", report,
    )  # fmt: skip
    assert result.exit_code == ExitCode.OK, result.output
    (call,) = json.loads(report.read_text(encoding="utf-8"))["results"]
    said = [line["text"] for line in call["transcript"] if line["speaker"] == "caller"]
    assert said[0] != "say 自助菜单" and "自助菜单" in said[0]  # a filler before it (ASR)
    assert "press 1#" in said
    assert call["style"] == "elderly"
