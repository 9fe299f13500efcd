"""``vcall explore`` and ``vcall simulate`` with dialogue properties: the built-ins on by
default, switched off or on by name, a team file, exit codes and reports."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from vcall.cli.app import app
from vcall.cli.exit_codes import ExitCode

BOTS = Path(__file__).resolve().parents[1] / "simulator" / "properties"
TEAM = """\
properties:
  - name: 总能回到主菜单
    in: {action_code: {contains: balance}}
    reachable: {action_code: {contains: menu_root}}
"""


def vcall(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [*map(str, args)], env={"COLUMNS": "250"})


@pytest.fixture
def silent_module(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The spoken menu that re-offers itself for ever to a silent caller."""
    monkeypatch.syspath_prepend(str(BOTS))
    module = type(sys)("props_silent_app")
    from props_bots import bot_from, menu_bot

    module.app = bot_from(menu_bot(silence_forever=True))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "props_silent_app", module)
    yield "props_silent_app:app"


def test_the_builtins_are_checked_by_default_and_hold_on_the_example_bot() -> None:
    result = vcall("explore", "--example-bot")
    assert result.exit_code == ExitCode.OK, result.output
    assert "Properties" in result.output
    for name in ("call-can-end", "silence-ends", "no-repeat"):
        assert name in result.output
    assert "agent-on-request" not in result.output


def test_a_violated_builtin_fails_explore_and_is_in_the_json(
    silent_module: str, tmp_path: Path
) -> None:
    report = tmp_path / "map.json"
    result = vcall("explore", silent_module, "--report-json", report, "--save", tmp_path / "found")
    assert result.exit_code == ExitCode.FAILED, result.output
    assert "property(ies) violated" in result.output
    outcomes = {p["name"]: p for p in json.loads(report.read_text("utf-8"))["properties"]}
    assert outcomes["silence-ends"]["verdict"] == "violated"
    # shrunk from "silence ×4" (a silence for four re-prompts and room to spare)
    assert outcomes["silence-ends"]["moves"] == ["silence 40.2s"]
    assert outcomes["silence-ends"]["shrunk"] is True
    assert outcomes["silence-ends"]["saved"].endswith("silence-ends.yaml")
    assert outcomes["call-can-end"]["verdict"] == "holds"


def test_switched_off_by_name_a_violated_builtin_no_longer_fails(silent_module: str) -> None:
    result = vcall("explore", silent_module, "--no-property", "silence-ends,no-repeat")
    assert result.exit_code == ExitCode.OK, result.output
    assert "silence-ends" not in result.output


def test_all_off_then_one_switched_back_on(silent_module: str) -> None:
    result = vcall("explore", silent_module, "--no-property", "all", "--property", "silence-ends")
    assert result.exit_code == ExitCode.FAILED, result.output
    assert "no-repeat" not in result.output


def test_a_team_file_is_checked_too(silent_module: str, tmp_path: Path) -> None:
    team = tmp_path / "team.yaml"
    team.write_text(TEAM, encoding="utf-8")
    result = vcall("explore", "--example-bot", "--properties", team)
    assert result.exit_code == ExitCode.OK, result.output
    assert "总能回到主菜单" in result.output and "not checked" in result.output


def test_an_unknown_property_name_or_a_bad_file_is_a_usage_error(tmp_path: Path) -> None:
    result = vcall("explore", "--example-bot", "--no-property", "no-repet")
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "no built-in property 'no-repet'" in result.output
    team = tmp_path / "team.yaml"
    team.write_text("properties:\n  - name: a\n    nevr: {action: hangup}\n", encoding="utf-8")
    result = vcall("explore", "--example-bot", "--properties", team)
    assert result.exit_code == ExitCode.USAGE, result.output
    assert f"{team}:3: unknown key 'properties[0].nevr' (did you mean 'never'?)" in result.output


def test_simulate_checks_the_properties_on_each_played_call(
    silent_module: str, tmp_path: Path
) -> None:
    fixture = tmp_path / "silent.yaml"
    fixture.write_text(
        "name: 不说话\nsteps:\n  - wait: playback\n  - say: 你好\n  - silence: 60s\n",
        encoding="utf-8",
    )
    team = tmp_path / "team.yaml"
    team.write_text(
        "properties:\n  - name: 安静就挂机\n    when: {silence: true}\n"
        "    then: {within: 3, action: hangup}\n",
        encoding="utf-8",
    )
    result = vcall("simulate", silent_module, "-f", fixture, "--properties", team)
    assert result.exit_code == ExitCode.FAILED, result.output
    assert vcall("simulate", "--example-bot", "-f", fixture, "--properties", team).exit_code == 0


def test_simulate_judges_reachable_once_over_the_run(silent_module: str, tmp_path: Path) -> None:
    fixtures = []
    for name, words in (("balance", "查话费"), ("hello", "你好")):
        fixture = tmp_path / f"{name}.yaml"
        fixture.write_text(
            f"name: {name}\nsteps:\n  - wait: playback\n  - say: 你好\n"
            f"  - wait: playback\n  - say: {words}\n  - wait: playback\n",
            encoding="utf-8",
        )
        fixtures += ["-f", str(fixture)]
    team = tmp_path / "team.yaml"
    team.write_text(
        "properties:\n  - name: 能查话费\n    reachable: {dynamic_id: balance}\n"
        "  - name: 能投诉\n    reachable: {dynamic_id: complaint}\n",
        encoding="utf-8",
    )
    report = tmp_path / "run.json"
    result = vcall(
        "simulate", silent_module, *fixtures, "--properties", team, "--report-json", report
    )
    assert result.exit_code == ExitCode.OK, result.output
    judged = json.loads(report.read_text(encoding="utf-8"))["run_properties"]
    assert [(p["name"], p["verdict"]) for p in judged] == [
        ("能查话费", "holds"),
        ("能投诉", "not checked"),
    ]
    lines = [line for line in result.output.splitlines() if line.startswith("property ")]
    assert len(lines) == 2, result.output  # once per run, not once per call
    assert lines[0].startswith("property '能查话费'") and ": holds: call " in lines[0]
    assert lines[1].startswith("property '能投诉'") and ": not checked: no played call" in lines[1]
    assert "run explore" in lines[1]


@pytest.fixture
def menu_module(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The spoken menu that keeps every property (转人工 and 人工客服 reach an agent)."""
    monkeypatch.syspath_prepend(str(BOTS))
    module = type(sys)("props_menu_app")
    from props_bots import bot_from, menu_bot

    module.app = bot_from(menu_bot())  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "props_menu_app", module)
    yield "props_menu_app:app"


def test_explore_agent_phrase_switches_agent_on_request_on_with_those_words(
    menu_module: str, tmp_path: Path
) -> None:
    report = tmp_path / "map.json"
    args: list[str | Path] = ["explore", menu_module, "--report-json", report, "--no-shrink"]
    held = vcall(*args, "--agent-phrase", "转人工")
    assert held.exit_code == ExitCode.OK, held.output
    outcomes = {p["name"]: p for p in json.loads(report.read_text("utf-8"))["properties"]}
    assert outcomes["agent-on-request"]["verdict"] == "holds"
    assert "goodbye-ends" not in outcomes
    # the bot listens for 人工: a caller asking with other words is not put through
    broken = vcall(*args, "--agent-phrase", "找客服", "--goodbye-phrase", "拜拜")
    assert broken.exit_code == ExitCode.FAILED, broken.output
    outcomes = {p["name"]: p for p in json.loads(report.read_text("utf-8"))["properties"]}
    assert outcomes["agent-on-request"]["verdict"] == "violated"
    assert outcomes["agent-on-request"]["moves"][-1] == "say 找客服"
    assert "say 找客服" in outcomes["agent-on-request"]["claim"]
    assert outcomes["goodbye-ends"]["verdict"] == "violated"


def test_simulate_goodbye_phrase_checks_each_call(menu_module: str, tmp_path: Path) -> None:
    fixture = tmp_path / "bye.yaml"
    fixture.write_text(
        "name: 说拜拜\nsteps:\n  - wait: playback\n  - say: 你好\n  - wait: playback\n"
        "  - say: 拜拜\n  - wait: playback\n",
        encoding="utf-8",
    )
    assert vcall("simulate", menu_module, "-f", fixture).exit_code == ExitCode.OK
    result = vcall("simulate", menu_module, "-f", fixture, "--goodbye-phrase", "拜拜")
    assert result.exit_code == ExitCode.FAILED, result.output
    assert "说拜拜: property 'goodbye-ends'" in result.output


@pytest.mark.parametrize("command", ["explore", "simulate", "tap"])
def test_a_bad_agent_key_is_a_usage_error_in_each_command(command: str, tmp_path: Path) -> None:
    fixture = tmp_path / "f.yaml"
    fixture.write_text("name: x\nsteps:\n  - say: 你好\n", encoding="utf-8")
    where = {
        "explore": ["--example-bot"],
        "simulate": ["--example-bot", "-f", str(fixture)],
        "tap": ["--forward-to", "http://127.0.0.1:9/cb", "--listen", "127.0.0.1:0"],
    }[command]
    result = vcall(command, *where, "--agent-key", "12")
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "--agent-key: one key, 0-9, * or #, got '12'" in result.output


def test_tap_takes_the_phrases_and_says_reachable_once_when_it_stops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vcall.cli.commands import tap as tap_cli
    from vcall.simulator.spec import CallbackKind

    team = tmp_path / "team.yaml"
    team.write_text(
        "properties:\n  - name: 能投诉\n    reachable: {dynamic_id: complaint}\n",
        encoding="utf-8",
    )
    checked: list[list[str]] = []

    def serve(tapped: Any, _sock: Any) -> None:
        checker = tapped.observer.checker
        checked.append([prop.name for prop in checker.properties])
        data = {"action": "play", "action_code": "complaint.wav", "dynamic_id": "complaint"}
        envelope = {"result": "success", "msg": "", "data": data}
        for call in ("7003^1", "7004^1"):
            checker.note(call, CallbackKind.NORMAL, {"words": "我要投诉"}, 200, envelope)
            checker.close(call)

    monkeypatch.setattr(tap_cli, "_serve_until_stopped", serve)
    args = ["--forward-to", "http://127.0.0.1:9/cb", "--listen", "127.0.0.1:0"]
    result = vcall("tap", *args, "--properties", team, "--agent-key", "0")
    assert result.exit_code == ExitCode.OK, result.output
    assert checked == [["能投诉", "agent-on-request"]]
    lines = [line for line in result.output.splitlines() if line.startswith("property ")]
    assert lines == [
        "property '能投诉' (from any: a state with dynamic_id equals 'complaint' is "
        "reachable): holds: call 7003^1 reached it (turn 1)"
    ]


def test_the_html_map_highlights_the_violating_states_and_the_counterexample(
    silent_module: str, tmp_path: Path
) -> None:
    page = tmp_path / "map.html"
    result = vcall(
        "explore", silent_module, "--report-html", page, "--report-json", tmp_path / "m.json"
    )
    assert result.exit_code == ExitCode.FAILED, result.output
    html = page.read_text("utf-8")
    report = json.loads((tmp_path / "m.json").read_text("utf-8"))
    silent = next(p for p in report["properties"] if p["name"] == "silence-ends")
    assert "<h2>Properties</h2>" in html and "property(ies) violated" in html
    for state in silent["states"]:
        assert f"g.state#{state} rect" in html


def test_junit_has_one_test_case_per_property(silent_module: str, tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    junit = tmp_path / "explore.xml"
    result = vcall("explore", silent_module, "--report-junit", junit)
    assert result.exit_code == ExitCode.FAILED, result.output
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None
    cases = {c.get("name"): c for c in suite.iter("testcase") if c.get("classname") == "properties"}
    assert set(cases) == {"call-can-end", "silence-ends", "no-repeat"}
    assert cases["silence-ends"].find("failure") is not None
    assert cases["call-can-end"].find("failure") is None
    assert int(suite.get("failures", "0")) >= 2


def test_max_silences_sets_how_many_silences_the_bot_may_leave(
    silent_module: str, tmp_path: Path
) -> None:
    report = tmp_path / "map.json"
    result = vcall("explore", silent_module, "--max-silences", "5", "--report-json", report)
    assert result.exit_code == ExitCode.FAILED, result.output
    outcomes = {p["name"]: p for p in json.loads(report.read_text("utf-8"))["properties"]}
    assert outcomes["silence-ends"]["reason"].startswith("the caller stayed silent 6 times")
    assert "within 5 silences" in outcomes["silence-ends"]["claim"]
