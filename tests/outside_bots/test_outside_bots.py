"""Bots written by outsiders, from the vendor pages alone, against ``vcall check`` and ``explore``.

Each bot beside this file is correct per the seeds (and SPEC-NOTES) and written in a style real
teams use: a WSGI app reading request parameters from the form body or the query string
(``wsgi_params_bot``), a raw ASGI app keeping per-call state, numbers as strings, ``"code": 200``
and ``extend`` as the seeds' own examples (``asgi_state_bot``), an outbound-first ASGI bot with a
non-breakable notice, key collection with no end character and an inbound answer that plays
nothing (``async_reminder_bot``), and a standard-library ``http.server`` that reads only the query
string and answers ``text/plain`` (``stdlib_query_bot``, over a real 127.0.0.1 server). Issue 10:
a false error on a correct bot, or a verdict that misleads, makes the tool worse than none.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import stdlib_query_bot
from typer.testing import CliRunner

from vcall.cli.app import app as cli_app
from vcall.simulator.explore.check import CheckConfig, CheckResult, Verdict, check
from vcall.simulator.explore.crawler import Limits
from vcall.simulator.explore.problems import ProblemKind
from vcall.simulator.explore.run import ExploreConfig, explore
from vcall.simulator.fixture.loader import load_scenarios
from vcall.simulator.fixture.scenario import CallSettings, Direction
from vcall.simulator.replay.engine import SimulationConfig, simulate
from vcall.simulator.replay.targets import Target, app_target, resolve_target
from vcall.simulator.transport.sender import Placement

IN_PROCESS = ("wsgi_params_bot", "asgi_state_bot", "async_reminder_bot", "lifespan_bot")
HEARD = ("查一下我的订单", "转人工", "我要按键", "多少钱", "不需要", "满意", "余额", "等一下")
"""Lines the bots listen for, besides the built-in bank (so explore reaches their menus)."""
FAST = Limits(max_depth=4, max_calls=600, max_time_s=60.0)


def _target(name: str) -> Target:
    return app_target(name, importlib.import_module(name).app)


def _errors(result: CheckResult) -> list[tuple[str, str, str]]:
    return [
        (call.scenario.name, f.rule, f.message)
        for call in result.run.calls
        for f in call.findings
        if f.is_error
    ]


@pytest.fixture(scope="module", params=IN_PROCESS)
def checked(request: pytest.FixtureRequest) -> tuple[str, CheckResult]:
    return request.param, check(
        _target(request.param), CheckConfig(simulation=SimulationConfig(seed=3))
    )


def test_a_correct_bot_passes_check_in_both_placements(checked: tuple[str, CheckResult]) -> None:
    name, result = checked
    assert _errors(result) == [], name
    assert not result.failed
    for row in result.behaviours:
        for placement in result.placements:
            assert row.verdict(placement) in {Verdict.PASSED, Verdict.NOT_REACHED}, (name, row.name)
    assert result.placement_note() == ""


def test_every_bot_is_exercised_in_several_situations(checked: tuple[str, CheckResult]) -> None:
    name, result = checked
    passed = {
        row.name for row in result.behaviours if row.verdict(Placement.FORM) is Verdict.PASSED
    }
    assert {
        "inbound-plain",
        "outbound",
        "speech",
        "repeated-mute",
        "speech-over-breakable",
    } <= passed, name


def test_speech_over_a_playback_reaches_the_bot_while_it_still_plays() -> None:
    """The suite's short sentence ends (with pause_time) before a prompt of unknown length does
    (a 3 s file): its normal says is_playing true, what the behaviour is named for."""
    result = check(_target("wsgi_params_bot"), CheckConfig(placements=(Placement.FORM,)))
    row = next(r for r in result.behaviours if r.name == "speech-over-breakable")
    normal = next(t for t in row.calls[Placement.FORM].turns if t.callback.kind.value == "normal")
    assert normal.callback.content["is_playing"] == "true"
    assert normal.callback.content["current_media_code"] == "ins_welcome.wav"


@pytest.mark.parametrize("name", IN_PROCESS)
def test_explore_finds_no_problem_in_a_correct_bot(name: str, tmp_path: Path) -> None:
    """And every path it saves replays green against the same bot: a move the call never got
    to (it ended first: a parallel bridge during the wait before a sentence) is not written."""
    config = ExploreConfig(limits=FAST, lines=HEARD, shrink=False, save_paths_dir=tmp_path)
    result = explore(_target(name), config)
    assert [(p.kind, p.title) for p in result.problems] == []
    assert len(result.map.nodes) >= 5
    replay = simulate(load_scenarios([str(tmp_path)]), _target(name), SimulationConfig())
    failing = [
        (c.scenario.name, [f.rule for f in c.findings]) for c in replay.calls if not c.passed
    ]
    assert failing == []
    assert len(replay.calls) == len(result.map.nodes)


def test_explore_of_an_outbound_bot_starts_at_the_opening() -> None:
    settings = CallSettings(direction=Direction.OUTBOUND)
    config = ExploreConfig(limits=FAST, lines=HEARD, settings=settings, shrink=False)
    result = explore(_target("async_reminder_bot"), config)
    assert [p.kind for p in result.problems] == []
    assert result.map.by_id()["s0"].key.action == "(opening)"


def test_the_cli_checks_a_module_attr_bot_with_exit_0() -> None:
    outcome = CliRunner().invoke(cli_app, ["check", "asgi_state_bot:app", "--params", "form"])
    assert outcome.exit_code == 0, outcome.output
    assert "0 failed" in outcome.output


# --- a standard-library server that reads only the query string, on 127.0.0.1 ---------------


@pytest.fixture(scope="module")
def query_only_url() -> Iterator[str]:
    server = stdlib_query_bot.serve(0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/callback"
    finally:
        server.shutdown()
        server.server_close()


def test_a_query_only_bot_over_http_passes_check_with_params_query(query_only_url: str) -> None:
    result = check(resolve_target(query_only_url), CheckConfig(placements=(Placement.QUERY,)))
    assert _errors(result) == []
    assert not result.failed
    verdicts = {row.name: row.verdict(Placement.QUERY) for row in result.behaviours}
    assert verdicts["speech"] is Verdict.PASSED and verdicts["outbound"] is Verdict.PASSED
    assert verdicts["speech-over-breakable"] is Verdict.PASSED  # its situations were crawled


def test_a_query_only_bot_is_told_it_answers_nothing_in_the_form_body(query_only_url: str) -> None:
    """SPEC-NOTES §1: real traffic is form-encoded; a bot answering ``result: fail`` to every form
    callback is neither "passed" there (nothing was checked) nor failed (no spec error): the form
    column says "no answer", the query column is still crawled and played, and a note says why."""
    result = check(resolve_target(query_only_url), CheckConfig())
    form = {row.name: row.verdict(Placement.FORM) for row in result.behaviours}
    query = {row.name: row.verdict(Placement.QUERY) for row in result.behaviours}
    assert form["inbound-plain"] is Verdict.NO_ANSWER and query["inbound-plain"] is Verdict.PASSED
    assert Verdict.PASSED not in form.values()
    assert query["speech-over-breakable"] is Verdict.PASSED
    assert not result.failed
    assert "only with the parameters in the query placement" in result.placement_note()
    row = next(r for r in result.behaviours if r.name == "speech")
    assert "no answer (form)" in row.note() and "call_id is required" in row.note()


def test_explore_says_when_the_bot_answers_no_call(query_only_url: str) -> None:
    config = ExploreConfig(limits=FAST, shrink=False)
    unanswered = explore(resolve_target(query_only_url), config)
    assert [p.kind for p in unanswered.problems] == [ProblemKind.NO_ANSWER]
    assert "call_id is required" in unanswered.problems[0].title
    simulation = SimulationConfig(placement=Placement.QUERY)
    config = ExploreConfig(simulation=simulation, limits=FAST, lines=HEARD, shrink=False)
    answered = explore(resolve_target(query_only_url), config)
    kinds = {p.kind for p in answered.problems}
    assert not kinds & {ProblemKind.SPEC, ProblemKind.HTTP, ProblemKind.NO_ANSWER}


def test_load_runs_an_in_process_bot_that_needs_its_lifespan(tmp_path: Path) -> None:
    fixture = tmp_path / "balance.yaml"
    fixture.write_text(
        "name: 查余额\nsteps:\n  - wait: playback\n  - say: 我想查一下余额\n  - wait: playback\n"
        "  - say: 不需要了\n",
        encoding="utf-8",
    )
    arguments = ["load", "lifespan_bot:app", "-f", str(fixture), "--calls", "5"]
    outcome = CliRunner().invoke(cli_app, [*arguments, "--as-fast-as-possible", "--quiet"])
    assert outcome.exit_code == 0, outcome.output
    assert "5 calls (0 failed)" in outcome.output
