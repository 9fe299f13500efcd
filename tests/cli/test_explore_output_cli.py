"""``vcall explore``'s verdicts: one problem per bug, warnings in their own section (failing only
with --strict), one fixture per problem replaying red, a wrong URL path said in one line."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from vcall.cli.app import app
from vcall.cli.exit_codes import ExitCode

EXPLORE_TESTS = Path(__file__).resolve().parents[1] / "simulator" / "explore"


def vcall(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [*map(str, args)], env={"COLUMNS": "250"})


@pytest.fixture
def parcel_module(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The parcel bot with four planted bugs, importable as ``parcel_bot_app:app``."""
    monkeypatch.syspath_prepend(str(EXPLORE_TESTS))
    from test_explore_one_problem_per_bug import planted_bot

    module = type(sys)("parcel_bot_app")
    module.app = planted_bot()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "parcel_bot_app", module)
    yield "parcel_bot_app:app"


def test_four_bugs_four_problems_four_fixtures_each_replaying_red(
    parcel_module: str, tmp_path: Path
) -> None:
    lines = tmp_path / "lines.txt"
    lines.write_text("查快递\n投诉\n转人工\n再见\n你好\n", encoding="utf-8")
    saved = tmp_path / "found"
    report = tmp_path / "map.json"
    result = vcall(
        "explore", parcel_module, "--say-file", lines, "--save", saved, "--report-json", report
    )
    assert result.exit_code == ExitCode.FAILED, result.output
    assert "4 problem(s) found, 2 warnings" in result.output
    assert result.output.index("Problems") < result.output.index("Warnings")
    assert "moves tried" in result.output and "transitions" not in result.output
    assert "error-only-state" not in result.output
    document = json.loads(report.read_text(encoding="utf-8"))
    assert len(document["problems"]) == 4
    assert {w["rule"] for w in document["warnings"]} == {
        "forbidden-character-doubt",
        "range-fallback",
    }
    assert document["moves_tried"] == len(document["map"]["moves"])
    files = sorted(p for p in saved.iterdir() if not p.name.startswith("property-"))
    assert len(files) == 4
    for path in files:
        replay = vcall("simulate", parcel_module, "--fixture", path, "--quiet")
        assert replay.exit_code == ExitCode.FAILED, (path.name, replay.output)


def test_warnings_alone_exit_0_and_fail_with_strict(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.syspath_prepend(str(EXPLORE_TESTS))
    from menu_bot import bot_from, play

    def warned(kind, content):  # type: ignore[no-untyped-def]
        if kind.value == "callin":
            return {"action": "answer", "action_code": "welcome.wav", "dynamic_id": "start"}
        if kind.value == "mute" or "再见" in str(content.get("words")):
            return {"action": "hangup", "action_code": "bye.wav"}
        return {**play("抱歉，请再说一遍。", "again"), "mute_time": 100}

    module = type(sys)("warned_bot_app")
    module.app = bot_from(warned)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "warned_bot_app", module)
    lines = tmp_path / "lines.txt"
    lines.write_text("再见\n你好\n", encoding="utf-8")
    plain = vcall("explore", "warned_bot_app:app", "--say-file", lines)
    assert plain.exit_code == ExitCode.OK, plain.output
    assert "no problem found, 1 warning" in plain.output
    assert "range-fallback" in plain.output
    strict = vcall("explore", "warned_bot_app:app", "--say-file", lines, "--strict")
    assert strict.exit_code == ExitCode.FAILED, strict.output
    assert "--strict: they fail" in strict.output


def test_a_wrong_path_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    async def not_here(scope, receive, send):  # type: ignore[no-untyped-def]
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b"Not Found"})

    module = type(sys)("not_here_app")
    module.app = not_here  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "not_here_app", module)
    report = tmp_path / "r.json"
    result = vcall("explore", "not_here_app:app", "--report-json", report, "--save", tmp_path)
    assert result.exit_code == ExitCode.FAILED, result.output
    lines = result.output.strip().splitlines()
    assert (
        lines[-1] == "every callback got HTTP 404: is the path right? (vcall sent POST /callback)"
    )
    assert len(lines) == 3 and "Problems" not in result.output  # the plan line first
    assert lines[0].startswith("exploring with")
    assert json.loads(report.read_text(encoding="utf-8"))["wrong_path"] == lines[-1]
