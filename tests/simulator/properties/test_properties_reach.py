"""``reachable`` on the calls of a run (``simulate --properties``, ``tap --properties``): it
holds once some played call reached a matching state from an ``in:`` state, and is otherwise
not checked (a set of calls cannot prove a state unreachable), one verdict per run."""

from __future__ import annotations

from collections.abc import Sequence

from props_bots import bot_from, menu_bot
from test_properties_tap import FORM, answer, body

from vcall.simulator.fixture.loader import parse_scenario
from vcall.simulator.properties import (
    PropertyOutcome,
    ReachTracker,
    Verdict,
    parse_properties,
    reachable_outcomes,
)
from vcall.simulator.properties.reach import NOT_REACHED
from vcall.simulator.replay.engine import SimulationConfig, simulate
from vcall.simulator.replay.results import RunResult
from vcall.simulator.replay.targets import app_target
from vcall.simulator.tap import TapConfig
from vcall.simulator.tap.app import TapApp

BALANCE = """\
name: 查话费
steps:
  - wait: playback
  - say: 你好
  - wait: playback
  - say: 查话费
  - wait: playback
"""
HELLO = """\
name: 只打招呼
steps:
  - wait: playback
  - say: 你好
  - wait: playback
"""
REACH = parse_properties(
    """\
properties:
  - name: 能查到话费
    in: any
    reachable: {dynamic_id: balance}
  - name: 能进投诉
    in: any
    reachable: {action_code: {contains: complaint}}
  - name: 查完话费回主菜单
    in: {dynamic_id: balance}
    reachable: {action_code: {contains: menu_root}}
  - name: 绝不挂机
    never: {action: hangup}
""",
    "team.yaml",
)


def _run(*fixtures: str) -> RunResult:
    scenarios = [parse_scenario(text, f"call{i}.yaml") for i, text in enumerate(fixtures)]
    target = app_target("bot", bot_from(menu_bot()))
    return simulate(scenarios, target, SimulationConfig())


def _verdicts(outcomes: Sequence[PropertyOutcome]) -> dict[str, Verdict]:
    return {o.property.name: o.verdict for o in outcomes}


def test_one_verdict_per_reachable_property_over_the_whole_run() -> None:
    run = _run(HELLO, BALANCE)
    outcomes = reachable_outcomes(run, REACH)
    # one per reachable property (never: is a per-call check), whatever the number of calls
    assert [o.property.name for o in outcomes] == ["能查到话费", "能进投诉", "查完话费回主菜单"]
    by_name = {o.property.name: o for o in outcomes}
    reached = by_name["能查到话费"]
    assert reached.verdict is Verdict.HOLDS
    balance_call = run.calls[1]
    assert reached.reason.startswith(f"call {balance_call.call_id} reached it (turn ")
    assert by_name["能进投诉"].verdict is Verdict.NOT_CHECKED
    assert by_name["能进投诉"].reason == NOT_REACHED
    assert "run explore" in NOT_REACHED


def test_a_target_seen_only_before_the_in_state_does_not_count() -> None:
    """The balance call passes the main menu before the balance, never after it."""
    outcome = reachable_outcomes(_run(BALANCE), REACH)[2]
    assert outcome.property.name == "查完话费回主菜单"
    assert outcome.verdict is Verdict.NOT_CHECKED


def test_a_run_without_the_call_that_reaches_it_leaves_it_not_checked() -> None:
    outcomes = reachable_outcomes(_run(HELLO), REACH)
    assert all(o.verdict is Verdict.NOT_CHECKED for o in outcomes)


def test_no_reachable_property_no_outcome() -> None:
    assert reachable_outcomes(_run(HELLO), REACH[3:]) == []
    assert ReachTracker.of(REACH[3:]).outcomes() == []


def test_tap_judges_reachable_over_the_calls_it_closed() -> None:
    events: list[object] = []
    app = TapApp(
        TapConfig(forward_to="http://127.0.0.1:9/cb", properties=REACH), sink=events.append
    )
    checker = app.observer.checker
    assert checker is not None
    assert _verdicts(checker.reachable_outcomes())["能查到话费"] is Verdict.NOT_CHECKED
    call = "7002^1"
    caller = {"caller": "13912345678", "callee": "057126880000"}
    observe = app.observer.observe
    observe("POST", b"", body(call, "callin", **caller), FORM, answer(call, "answer", "start"))
    words = {"role": "B", "identity": "id2", "words": "我要投诉", "begin_time": "1700000000"}
    observe(
        "POST",
        b"",
        body(call, "normal", dynamic_id="start", **words),
        FORM,
        answer(call, "play", "complaint"),
    )
    # still open: nothing judged on it yet
    assert _verdicts(checker.reachable_outcomes())["能进投诉"] is Verdict.NOT_CHECKED
    observe(
        "POST",
        b"",
        body(call, "normal", dynamic_id="complaint", **words),
        FORM,
        answer(call, "hangup", "bye"),
    )
    verdicts = _verdicts(checker.reachable_outcomes())
    assert verdicts == {
        "能进投诉": Verdict.HOLDS,
        "能查到话费": Verdict.NOT_CHECKED,
        "查完话费回主菜单": Verdict.NOT_CHECKED,
    }
