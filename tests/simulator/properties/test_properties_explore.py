"""Properties checked over an exploration: each built-in and each team-written form violated by
one bot and holding on a correct one, with the shortest counterexample (the fewest moves; the
shrinking that follows is switched off here and tested in test_properties_shrinking.py)."""

from __future__ import annotations

from typing import Any

import pytest
from props_bots import bot_from, menu_bot

from vcall.simulator.explore.run import ExploreConfig, ExploreResult, explore
from vcall.simulator.properties import (
    BuiltinOptions,
    Property,
    PropertyOutcome,
    Verdict,
    builtin_properties,
    parse_properties,
)
from vcall.simulator.replay.targets import app_target

LINES = ("查话费", "投诉", "你好", "喂？")
ALL_BUILTINS = builtin_properties(
    BuiltinOptions(on=frozenset({"agent-on-request", "goodbye-ends"}))
)


def _explore(properties: tuple[Property, ...], **faults: Any) -> ExploreResult:
    target = app_target("bot", bot_from(menu_bot(**faults)))
    return explore(target, ExploreConfig(lines=LINES, properties=properties, shrink=False))


def _outcome(result: ExploreResult, name: str) -> PropertyOutcome:
    return next(o for o in result.properties if o.property.name == name)


def _labels(outcome: PropertyOutcome) -> list[str]:
    return [move.label for move in outcome.path]


def test_every_builtin_holds_on_a_correct_bot_and_the_exploration_passes() -> None:
    result = _explore(ALL_BUILTINS)
    assert [o.property.name for o in result.properties] == [p.name for p in ALL_BUILTINS]
    assert all(o.verdict is Verdict.HOLDS for o in result.properties), result.properties
    assert not result.failed()


@pytest.mark.parametrize(
    ("fault", "name", "moves"),
    [
        ("stuck_balance", "call-can-end", ["say 查话费", "say 查话费", "say 查话费"]),
        ("silence_forever", "silence-ends", ["silence ×4"]),
        ("silence_forever", "no-repeat", ["silence", "silence", "silence", "silence"]),
        ("goodbye", "goodbye-ends", ["say 再见"]),
    ],
)
def test_each_builtin_is_violated_by_the_bot_that_breaks_it(
    fault: str, name: str, moves: list[str]
) -> None:
    value = fault != "goodbye"
    result = _explore(ALL_BUILTINS, **{fault: value})
    outcome = _outcome(result, name)
    assert outcome.verdict is Verdict.VIOLATED
    assert _labels(outcome) == moves
    assert outcome.states
    assert result.failed()


def test_agent_on_request_counterexample_is_the_shortest_of_two_violating_paths() -> None:
    """The complaint branch ignores 转人工 in two states: ``complaint`` (3 moves away) and
    ``complaint_again`` (4 moves away, after a silence): the 3-move path is reported."""
    result = _explore(ALL_BUILTINS, agent_in_complaint=False)
    outcome = _outcome(result, "agent-on-request")
    assert outcome.verdict is Verdict.VIOLATED
    assert _labels(outcome) == ["say 查话费", "say 投诉", "say 转人工"]
    by_id = result.map.by_id()
    assert [by_id[state].key.plays for state in outcome.states] == [
        ("complaint_menu.wav",),
        ("complaint_again.wav",),
    ]
    assert _outcome(result, "call-can-end").verdict is Verdict.HOLDS


TEAM = """\
properties:
  - name: 投诉时能转人工
    in: {action_code: {contains: complaint}}
    when: {say: 转人工}
    then: {within: 2, action: [transfer, parallel_transfer]}
  - name: 投诉分支绝不挂机
    in: {action_code: {contains: complaint}}
    never: {action: hangup}
  - name: 总能回到主菜单
    in: {action_code: {contains: balance}}
    reachable: {action_code: {contains: menu_root}}
"""


def _team(**faults: Any) -> ExploreResult:
    return _explore(parse_properties(TEAM, "team.yaml"), **faults)


def test_team_properties_hold_where_the_bot_keeps_them() -> None:
    result = _team()
    verdicts = {o.property.name: o.verdict for o in result.properties}
    assert verdicts == {
        "投诉时能转人工": Verdict.HOLDS,
        "投诉分支绝不挂机": Verdict.HOLDS,
        "总能回到主菜单": Verdict.VIOLATED,  # the balance only ever says goodbye
    }


def test_each_team_form_is_violated_with_its_states_and_path() -> None:
    result = _team(agent_in_complaint=False, complaint_hangs_up=True)
    when = _outcome(result, "投诉时能转人工")
    assert when.verdict is Verdict.VIOLATED
    assert _labels(when)[-1] == "say 转人工" and len(when.path) == 3
    never = _outcome(result, "投诉分支绝不挂机")
    assert never.verdict is Verdict.VIOLATED
    assert len(never.path) == 3 and "say 投诉" in _labels(never)
    reach = _outcome(result, "总能回到主菜单")
    assert reach.verdict is Verdict.VIOLATED
    assert _labels(reach) == ["say 查话费", "say 查话费"]


def test_a_property_whose_in_matches_no_state_is_not_checked_and_says_why() -> None:
    text = "properties:\n  - name: x\n    in: {dynamic_id: nowhere}\n    never: {action: hangup}\n"
    result = _explore(parse_properties(text, "p.yaml"))
    outcome = result.properties[0]
    assert outcome.verdict is Verdict.NOT_CHECKED
    assert "no state matched in: dynamic_id equals 'nowhere'" in outcome.reason
    assert not result.failed()


def test_a_crawl_cut_by_its_depth_leaves_a_property_not_checked_naming_the_bound() -> None:
    target = app_target("bot", bot_from(menu_bot()))
    from vcall.simulator.explore.crawler import Limits

    config = ExploreConfig(lines=LINES, properties=ALL_BUILTINS[:1], limits=Limits(max_depth=1))
    outcome = explore(target, config).properties[0]
    assert outcome.verdict is Verdict.NOT_CHECKED
    assert "--max-depth 1" in outcome.reason
    assert outcome.undecided


def test_when_moves_join_the_callers_lines() -> None:
    """人工客服 is not in LINES: the property adds it, so the map has that move."""
    result = _explore(ALL_BUILTINS)
    assert any(edge.move == "say 人工客服" for edge in result.map.edges.values())


def test_an_interrupted_exploration_says_each_property_was_not_checked() -> None:
    requests = [0]
    inner = bot_from(menu_bot(silence_forever=True))

    async def interrupting(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            requests[0] += 1
            if requests[0] == 30:
                raise KeyboardInterrupt
        await inner(scope, receive, send)

    config = ExploreConfig(lines=LINES, properties=ALL_BUILTINS)
    result = explore(app_target("bot", interrupting), config)
    assert result.interrupted
    assert [o.verdict for o in result.properties] == [Verdict.NOT_CHECKED] * len(ALL_BUILTINS)
    assert "cut short (interrupted)" in result.properties[0].reason
    assert not any(o.violated for o in result.properties)


def test_a_bot_that_hangs_up_on_the_first_silence_holds_without_a_call_played() -> None:
    def curt(kind: Any, content: Any) -> dict[str, Any]:
        from props_bots import GOODBYE, GREETING

        if kind.value == "callin":
            return GREETING
        if kind.value == "mute":
            return GOODBYE
        return {"action": "play", "action_code": "menu_root.wav", "dynamic_id": "menu"}

    config = ExploreConfig(lines=LINES, properties=ALL_BUILTINS[:3])
    result = explore(app_target("bot", bot_from(curt)), config)
    silence = _outcome(result, "silence-ends")
    assert silence.verdict is Verdict.HOLDS, silence
    assert silence.reason == "the first silence ends the call"


def _key_menu(*, reprompt_forever: bool) -> Any:
    """A key menu: no key re-offers it once (``keys_again``), then the bot hangs up; any key
    says goodbye. ``reprompt_forever``: it re-offers ``keys_again`` for ever instead."""
    from props_bots import GOODBYE, GREETING

    def menu(state: str) -> dict[str, Any]:
        return {
            "action": "dtmf",
            "action_code": "key_menu.wav",
            "dynamic_id": state,
            "dtmf_max_numbers": 1,
            "dtmf_end_character": "",
            "dtmf_nonin_overtime": 5,
        }

    def dialogue(kind: Any, content: Any) -> dict[str, Any]:
        state = str(content.get("dynamic_id") or "")
        if kind.value == "callin":
            return GREETING
        if state == "start":
            return menu("keys")
        if kind.value != "dtmf":
            return {"action": "continue", "dynamic_id": state}
        if content.get("dtmf_digits") != "noInputTimeout":
            return GOODBYE
        if state == "keys" or reprompt_forever:
            return menu("keys_again")
        return GOODBYE

    return dialogue


@pytest.mark.parametrize("reprompt_forever", [False, True])
def test_silence_ends_counts_key_no_input_at_a_key_menu(reprompt_forever: bool) -> None:
    target = app_target("bot", bot_from(_key_menu(reprompt_forever=reprompt_forever)))
    config = ExploreConfig(lines=LINES, properties=ALL_BUILTINS[:2], shrink=False)
    outcome = _outcome(explore(target, config), "silence-ends")
    if not reprompt_forever:
        assert outcome.verdict is Verdict.HOLDS, outcome
        return
    assert outcome.verdict is Verdict.VIOLATED
    assert outcome.reason.startswith("the caller stayed silent 4 times")


def test_a_reachable_property_holds_where_every_such_state_leads_there() -> None:
    """From the complaint branch, any words lead back to the main menu."""
    text = (
        "properties:\n  - name: 投诉后能回主菜单\n    in: {action_code: {contains: complaint}}\n"
        "    reachable: {action_code: {contains: menu_root}}\n"
    )
    outcome = _explore(parse_properties(text, "p.yaml")).properties[0]
    assert outcome.verdict is Verdict.HOLDS, outcome
