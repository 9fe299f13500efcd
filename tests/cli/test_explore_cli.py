"""``vcall explore`` and ``vcall check``: exit codes, reports, saved fixtures, errors."""

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

MENU_BOT = Path(__file__).resolve().parents[1] / "simulator" / "explore"


def vcall(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [*map(str, args)], env={"COLUMNS": "250"})


@pytest.fixture
def planted_module(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The key menu with planted faults, importable as ``menu_bot_app:app``."""
    monkeypatch.syspath_prepend(str(MENU_BOT))
    module = type(sys)("menu_bot_app")
    from menu_bot import PLANTED, menu_bot

    module.app = menu_bot(PLANTED)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "menu_bot_app", module)
    yield "menu_bot_app:app"


def test_explore_the_example_bot_finds_no_problem(tmp_path: Path) -> None:
    result = vcall(
        "explore",
        "--example-bot",
        "--report-json",
        tmp_path / "map.json",
        "--report-html",
        tmp_path / "map.html",
        "--graph",
        tmp_path / "map.dot",
    )
    assert result.exit_code == ExitCode.OK, result.output
    assert "no problem found" in result.output
    report = json.loads((tmp_path / "map.json").read_text(encoding="utf-8"))
    assert report["problems"] == [] and report["states"] == len(report["map"]["states"])
    assert (tmp_path / "map.dot").read_text(encoding="utf-8").startswith("digraph")
    assert "<svg" in (tmp_path / "map.html").read_text(encoding="utf-8")


def test_explore_exits_1_and_saves_a_fixture_per_problem(
    planted_module: str, tmp_path: Path
) -> None:
    say = tmp_path / "lines.txt"
    say.write_text("喂？\n", encoding="utf-8")
    saved = tmp_path / "found"
    result = vcall(
        "explore", planted_module, "--say-file", say, "--save", saved, "--graph", tmp_path / "m.mmd"
    )
    assert result.exit_code == ExitCode.FAILED, result.output
    assert "http-status" in result.output and "dead end" in result.output
    files = sorted(p.name for p in saved.iterdir())
    assert any("http-status" in name for name in files)
    assert len(files) >= 4
    replay = vcall("simulate", planted_module, "--fixture", saved / files[0], "--quiet")
    assert replay.exit_code == ExitCode.FAILED


def test_explore_usage_errors_exit_2(tmp_path: Path) -> None:
    bad_graph = vcall("explore", "--example-bot", "--graph", tmp_path / "map.png")
    assert bad_graph.exit_code == ExitCode.USAGE
    assert "*.mmd" in bad_graph.output
    missing = vcall("explore", "--example-bot", "--say-file", tmp_path / "none.txt")
    assert missing.exit_code == ExitCode.USAGE
    assert "Traceback" not in missing.output


def test_check_the_example_bot_passes_with_a_table(tmp_path: Path) -> None:
    result = vcall(
        "check",
        "--example-bot",
        "--report",
        tmp_path / "junit.xml",
        "--report-json",
        tmp_path / "check.json",
    )
    assert result.exit_code == ExitCode.OK, result.output
    assert "timebreak-speech" in result.output and "query" in result.output
    report = json.loads((tmp_path / "check.json").read_text(encoding="utf-8"))
    assert report["failed"] == 0 and len(report["calls"]) == 44
    rows = {row["name"]: row for row in report["check"]["behaviours"]}
    assert len(rows) == 22
    assert rows["key-timeout"]["verdicts"] == {"form": "passed", "query": "passed"}
    assert rows["key-timeout"]["moves_first"]  # the moves that reached the key menu
    assert (tmp_path / "junit.xml").exists()


def test_check_exits_1_on_a_spec_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.syspath_prepend(str(MENU_BOT))
    from menu_bot import bot_from

    from vcall.simulator.example_bot.dialogue import answer_callback

    def forbidden_dynamic_id(kind, content):  # type: ignore[no-untyped-def]
        return {**answer_callback(kind, content), "dynamic_id": "step:2"}

    module = type(sys)("bad_bot_app")
    module.app = bot_from(forbidden_dynamic_id)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "bad_bot_app", module)
    html = tmp_path / "check.html"
    result = vcall("check", "bad_bot_app:app", "--params", "form", "--report-html", html)
    assert result.exit_code == ExitCode.FAILED, result.output
    page = html.read_text(encoding="utf-8")
    assert "<th>behaviour</th>" in page and "forbidden-character" in page
    assert "forbidden-character" in result.output
    assert "forbidden-character" in result.output
    assert " · query: " not in result.output  # --params form: no query column in any record


def test_simulate_coverage_against_an_explore_map(tmp_path: Path) -> None:
    assert vcall("explore", "--example-bot", "--report-json", tmp_path / "map.json").exit_code == 0
    fixtures = Path(__file__).resolve().parents[2] / "fixtures" / "transfer_to_agent.yaml"
    result = vcall(
        "simulate",
        "--example-bot",
        "-f",
        fixtures,
        "--quiet",
        "--coverage",
        tmp_path / "map.json",
        "--report-json",
        tmp_path / "run.json",
    )
    assert result.exit_code == ExitCode.OK, result.output
    assert "no fixture sends your bot a timebreak" in result.output
    assert "not reached:" in result.output
    assert " edges (" in result.output and "transition" not in result.output
    coverage = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))["coverage"]
    assert 0 < coverage["map"]["states_percent"] < 100
    assert coverage["map"]["edges_reached"] <= coverage["map"]["edges"]
    bad = vcall("simulate", "--example-bot", "-f", fixtures, "--coverage", tmp_path / "run.json")
    assert bad.exit_code == ExitCode.USAGE and "not a map" in bad.output


def _interrupting_bot(at: int):  # type: ignore[no-untyped-def]
    from vcall.simulator.example_bot import create_app

    bot = create_app()
    requests = [0]

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        if scope["type"] == "http":
            requests[0] += 1
            if requests[0] == at:
                raise KeyboardInterrupt
        await bot(scope, receive, send)

    return app


@pytest.mark.parametrize("command", ["explore", "check"])
def test_ctrl_c_prints_what_was_done_and_exits_130(
    command: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    module = type(sys)("interrupting_bot_app")
    module.app = _interrupting_bot(at=40)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "interrupting_bot_app", module)
    result = vcall(command, "interrupting_bot_app:app", "--report-json", tmp_path / "r.json")
    assert result.exit_code == ExitCode.INTERRUPTED, result.output
    assert "interrupted" in result.output
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["interrupted"] is True
    if command == "check":
        assert "not run" in result.output  # not "not reached": nothing was decided


@pytest.mark.parametrize("command", ["explore", "check"])
def test_an_unreachable_endpoint_exits_3_with_one_line(command: str) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = vcall(command, f"http://127.0.0.1:{port}/callback", "--timeout", "2s")
    assert result.exit_code == ExitCode.UNREACHABLE, result.output
    # the plan line, then the same error line as simulate and load say it
    plan, *rest = result.output.strip().splitlines()
    assert plan.startswith(("exploring with 8 concurrent calls", "checking the built-in"))
    assert rest == [
        f"error: nothing listens on 127.0.0.1:{port} — is your bot running?"
        f" (http://127.0.0.1:{port}/callback)"
    ]


@pytest.mark.parametrize(
    ("command", "option"),
    [
        ("check", "--report"),
        ("check", "--report-json"),
        ("check", "--report-html"),
        ("explore", "--report-json"),
        ("explore", "--report-html"),
        ("explore", "--graph"),
    ],
)
def test_report_paths_are_checked_before_the_run(
    command: str, option: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import vcall.simulator.explore.check as check_module  # the commands import them late
    import vcall.simulator.explore.run as explore_module

    def never(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the run started before the report path was checked")

    monkeypatch.setattr(check_module, "check", never)
    monkeypatch.setattr(explore_module, "explore", never)
    missing = tmp_path / "no-such-dir" / "report.dot"
    result = vcall(command, "--example-bot", option, missing)
    assert result.exit_code == ExitCode.USAGE, result.output
    assert result.output.strip() == (
        f"error: {option} {missing}: the directory {missing.parent}/ does not exist"
    )
