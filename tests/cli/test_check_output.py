"""What ``vcall check`` and ``vcall simulate`` print, and the output conventions every command
shares: one record per line off a terminal, ``NO_COLOR``/``--no-color``, no 80-column wrapping.

The bots are written in the tests (tests/simulator/explore/check_bots.py), not the example bot.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from vcall.cli.app import app
from vcall.cli.commands import emulator as emulator_cli
from vcall.cli.exit_codes import ExitCode
from vcall.cli.render.output import RECORD_WIDTH, output_console
from vcall.simulator.asgi import App
from vcall.simulator.explore.suite import builtin_suite

EXPLORE_TESTS = Path(__file__).resolve().parents[1] / "simulator" / "explore"
SHIPPED = Path(__file__).resolve().parents[2] / "fixtures"
COLOUR = re.compile(r"\x1b\[[0-9;]*(3[0-7]|38;|9[0-7])[0-9;]*m")
"""An SGR sequence that sets a foreground colour (bold or dim alone are not colours)."""

BEHAVIOURS = len(builtin_suite())
PLAN = "checking the built-in behaviours"
"""The plan line every check prints first."""


def vcall(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [*map(str, args)])


@pytest.fixture
def bots(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str, App], str]]:
    """Serve a bot as ``NAME:app`` for ``vcall check NAME:app``."""
    monkeypatch.syspath_prepend(str(EXPLORE_TESTS))

    def install(name: str, bot: App) -> str:
        module = type(sys)(name)
        module.app = bot  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, name, module)
        return f"{name}:app"

    yield install


def _check_bots():  # type: ignore[no-untyped-def]
    import check_bots

    return check_bots


def records(output: str) -> dict[str, str]:
    """The behaviour records of check's output off a terminal, by behaviour name."""
    rows = [line for line in output.splitlines() if line.startswith("behaviour: ")]
    return {row.split(" · ")[0].removeprefix("behaviour: "): row for row in rows}


def test_a_warning_on_every_call_is_printed_once_above_the_records(
    bots: Callable[[str, App], str], tmp_path: Path
) -> None:
    target = bots("warned_bot", _check_bots().warned_bot())
    result = vcall("check", target, "--report-json", tmp_path / "c.json")
    assert result.exit_code == ExitCode.FAILED, result.output
    lines = [line for line in result.output.splitlines() if not line.startswith(PLAN)]
    assert lines[0].startswith("every callin answer: warning range-fallback data.mute_time: ")
    assert sum("range-fallback" in line for line in lines) == 1
    rows = records(result.output)
    assert len(rows) == BEHAVIOURS and "│" not in result.output
    assert rows["inbound-plain"] == "behaviour: inbound-plain · form: passed · query: passed"
    assert "most severe finding: error action-not-allowed-at-stage" in rows["timebreak-speech"]
    assert lines[-1].startswith(
        f"{BEHAVIOURS} behaviours: {BEHAVIOURS - 1} passed, 1 failed, 0 not"
    )
    report = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    assert report["check"]["summary"] == lines[-1]
    # the top-level counts are behaviours too; the calls played are listed
    assert (report["passed"], report["failed"], report["counted"]) == (
        BEHAVIOURS - 1,
        1,
        "behaviours",
    )
    assert len(report["calls"]) == 2 * BEHAVIOURS


def test_both_placements_show_in_one_row(bots: Callable[[str, App], str]) -> None:
    target = bots("one_sided_bot", _check_bots().timebreak_401_in_query())
    result = vcall("check", target)
    assert result.exit_code == ExitCode.FAILED, result.output
    row = records(result.output)["timebreak-speech"]
    assert row.startswith("behaviour: timebreak-speech · form: passed · query: failed · ")
    assert "form: warning range-fallback data.mute_time" in row
    assert "; query: error http-status: HTTP status 401" in row
    assert result.output.splitlines()[-1].endswith("; form ✓ query ✗")


def test_a_wrong_path_is_one_line_for_check_and_simulate(
    bots: Callable[[str, App], str], tmp_path: Path
) -> None:
    target = bots("gone_bot", _check_bots().not_found())
    checked = vcall("check", target, "--report-json", tmp_path / "c.json")
    assert checked.exit_code == ExitCode.FAILED
    assert [line for line in checked.output.splitlines() if not line.startswith(PLAN)] == [
        "every callback got HTTP 404: is the path right? (vcall sent POST /callback)"
    ]
    assert json.loads((tmp_path / "c.json").read_text("utf-8"))["check"]["wrong_path"]
    simulated = vcall("simulate", target, "-f", SHIPPED, "-c", "1")
    assert simulated.exit_code == ExitCode.FAILED
    (line,) = simulated.output.splitlines()
    assert line.startswith("every callback got HTTP 404: is the path right? (vcall sent POST ")
    assert line.endswith(" call(s) failed")


def test_simulate_prints_its_transcript_when_the_path_is_right(
    bots: Callable[[str, App], str],
) -> None:
    target = bots("warned_sim_bot", _check_bots().warned_bot())
    result = vcall("simulate", target, "-f", SHIPPED / "transfer_to_agent.yaml", "-c", "1")
    assert "▶ 转人工客服" in result.output and "HTTP 404" not in result.output


def test_a_few_404s_are_not_a_wrong_path_and_keep_their_transcript_in_order(
    bots: Callable[[str, App], str],
) -> None:
    target = bots("callin_404_bot", _check_bots().callin_not_found())
    inbound, outbound = (
        SHIPPED / "transfer_to_agent.yaml",
        SHIPPED / "outbound_callee_declines.yaml",
    )
    result = vcall("simulate", target, "-f", inbound, "-f", outbound, "-c", "1")
    assert result.exit_code == ExitCode.FAILED
    lines = result.output.splitlines()
    headers = [i for i, line in enumerate(lines) if line.startswith("▶ ")]
    assert [lines[i].split(" (")[0] for i in headers] == ["▶ 转人工客服", "▶ 外呼回访：客户不方便"]
    first_call = "\n".join(lines[headers[0] : headers[1]])
    assert "HTTP 404" in first_call  # held back while it looked like a wrong path, then printed
    assert "is the path right?" not in result.output


def test_off_a_terminal_a_wide_table_is_one_record_per_line() -> None:
    """The emulator's table of calls, as every command's: no 80-column wrapping, no 400-character
    rows; a narrow table stays a table."""
    from vcall.simulator.fixture.loader import load_scenarios
    from vcall.simulator.replay.engine import SimulationConfig, simulate
    from vcall.simulator.replay.targets import EXAMPLE_BOT, resolve_target

    scenarios = load_scenarios([str(SHIPPED / "transfer_to_agent.yaml")])
    run = simulate(scenarios, resolve_target(EXAMPLE_BOT), SimulationConfig())
    long_name = "外呼回访：" + "客户说明情况" * 20
    call = dataclasses.replace(
        run.calls[0], scenario=dataclasses.replace(run.calls[0].scenario, name=long_name)
    )
    console = output_console()
    with console.capture() as wide:
        emulator_cli._print_summary(console, dataclasses.replace(run, calls=(call,)))
    lines = wide.get().splitlines()
    assert lines[0] == "vcall emulator"
    assert lines[1].startswith(f"scenario: {long_name} · result: passed · turns: ")
    with console.capture() as narrow:
        emulator_cli._print_summary(console, run)
    assert any(line.startswith("│ 转人工客服") for line in narrow.get().splitlines())
    assert max(map(len, narrow.get().splitlines())) <= RECORD_WIDTH


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS")}
    return subprocess.run(
        [sys.executable, "-m", "vcall", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**environment, **env},
        timeout=60,
        check=False,
    )


@pytest.fixture(scope="module")
def bad_body(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("body") / "bad.json"
    path.write_text('{"result": "success", "data": {"action": "dance"}}', encoding="utf-8")
    return str(path)


def test_no_color_and_the_no_color_option_turn_colours_off(bad_body: str) -> None:
    coloured = _run("validate-response", bad_body, "--stage", "followup", FORCE_COLOR="1")
    assert coloured.returncode == 1 and COLOUR.search(coloured.stdout)  # a terminal has colours
    by_env = _run(
        "validate-response", bad_body, "--stage", "followup", FORCE_COLOR="1", NO_COLOR="1"
    )
    by_option = _run(
        "--no-color", "validate-response", bad_body, "--stage", "followup", FORCE_COLOR="1"
    )
    for result in (by_env, by_option):
        assert result.returncode == 1 and "action" in result.stdout
        assert not COLOUR.search(result.stdout), result.stdout
    assert "--no-color" in _run("--help").stdout


async def chatty_bot(scope: dict[str, object], receive: object, send: object) -> None:
    """An in-process bot that prints a line and logs a traceback on every callback, then answers
    with the example bot (a new user's Flask bot printed 17 tracebacks into check's table)."""
    import logging

    from vcall.simulator.example_bot import app as example

    if scope["type"] == "http":
        print("handling a callback")
        logger = logging.getLogger("chatty")
        if not logger.handlers:  # as Flask's app.logger: its own handler to standard error
            logger.addHandler(logging.StreamHandler())
            logger.propagate = False
        try:
            raise KeyError("words")
        except KeyError:
            logger.exception("Exception on /callback [POST]")
    await example(scope, receive, send)  # type: ignore[arg-type]


def test_an_apps_own_output_stays_out_of_the_table_and_shows_under_verbose(
    bots: Callable[[str, App], str],
) -> None:
    target = bots("chatty_bot", chatty_bot)  # type: ignore[arg-type]
    quiet = vcall("check", target, "--params", "form")
    assert quiet.exit_code == ExitCode.OK, quiet.output
    assert "Traceback" not in quiet.output and "handling a callback" not in quiet.output
    assert "the app wrote output during" in quiet.output and "--verbose" in quiet.output
    loud = vcall("check", target, "--params", "form", "--verbose")
    table_end = loud.output.index("app output · ")
    assert "Traceback" not in loud.output[:table_end]  # after the table, never inside it
    assert "KeyError: 'words'" in loud.output[table_end:]
    assert "handling a callback" in loud.output[table_end:]
