"""``check()``: the built-in behaviours against the example bot and against flawed bots."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from menu_bot import bot_from, query_only

from vcall.simulator.example_bot.dialogue import answer_callback
from vcall.simulator.explore.check import CheckConfig, CheckResult, Verdict, check
from vcall.simulator.explore.check_report import check_to_dict
from vcall.simulator.explore.suite import builtin_suite
from vcall.simulator.replay.delivery import Placement
from vcall.simulator.replay.targets import EXAMPLE_BOT, app_target, resolve_target
from vcall.simulator.spec import CallbackKind

BEHAVIOURS = {
    "inbound-plain",
    "inbound-forwarded",
    "outbound",
    "speech",
    "speech-over-breakable",
    "speech-over-non-breakable",
    "timebreak-speech",
    "repeated-mute",
    "keys-while-collecting",
    "keys-while-not-collecting",
    "key-timeout",
    "hangup-mid-playback",
    "empty-words",
    "long-sentence",
    "digits-and-english",
    "partner-id",
    "no-dynamic-id",
    "keys-multi-digit",
    "keys-end-character",
    "outbound-early-media",
    "parallel-transfer-success",
    "parallel-transfer-fail",
}


@pytest.fixture(scope="module")
def example() -> CheckResult:
    return check(resolve_target(EXAMPLE_BOT), CheckConfig())


def _verdicts(result: CheckResult, placement: Placement = Placement.FORM) -> dict[str, Verdict]:
    return {row.name: row.verdict(placement) for row in result.behaviours}


def test_the_suite_has_every_behaviour_and_no_expectation() -> None:
    suite = builtin_suite()
    assert {b.name for b in suite} == BEHAVIOURS
    for behaviour in suite:
        assert behaviour.scenario.answer is None and behaviour.scenario.end is None
        assert all(step.expect is None for step in behaviour.scenario.steps)
    empty = next(b for b in suite if b.name == "empty-words")
    assert [s.action.words for s in empty.scenario.steps if hasattr(s.action, "words")] == [""]


def test_the_example_bot_passes_every_behaviour_both_ways(example: CheckResult) -> None:
    for placement in (Placement.FORM, Placement.QUERY):
        assert set(_verdicts(example, placement).values()) == {Verdict.PASSED}
    assert not example.failed
    assert len(example.run.calls) == 2 * len(BEHAVIOURS)
    assert {call.turns[0].exchange.placement for call in example.run.calls} == {"form", "query"}


def test_every_callback_kind_is_exercised(example: CheckResult) -> None:
    sent = {turn.callback.kind for call in example.run.calls for turn in call.turns}
    assert {
        CallbackKind.CALLIN,
        CallbackKind.NORMAL,
        CallbackKind.MUTE,
        CallbackKind.DTMF,
        CallbackKind.TIMEBREAK,
    } <= sent


def test_behaviours_that_need_a_situation_are_played_in_it(example: CheckResult) -> None:
    rows = {row.name: row for row in example.behaviours}
    keys = rows["keys-while-collecting"].calls[Placement.FORM]
    assert any(turn.callback.kind is CallbackKind.DTMF for turn in keys.turns)
    assert rows["keys-while-collecting"].prefix  # moves were needed to reach the key menu
    timebreak = rows["timebreak-speech"].calls[Placement.FORM]
    assert any(turn.callback.kind is CallbackKind.TIMEBREAK for turn in timebreak.turns)
    partner = rows["partner-id"].calls[Placement.FORM].turns[0].callback.content
    assert partner["partnerId"] == "100000067890001"
    assert "partnerId" not in rows["inbound-plain"].calls[Placement.FORM].turns[0].callback.content
    assert "orgcallee" in rows["inbound-forwarded"].calls[Placement.FORM].turns[0].callback.content
    outbound = rows["no-dynamic-id"].calls[Placement.FORM]
    assert outbound.turns[0].callback.kind is CallbackKind.NORMAL
    assert "dynamic_id" not in outbound.turns[0].callback.content


def _broken_timebreak(kind: CallbackKind, content: Mapping[str, Any]) -> dict[str, Any]:
    if kind is CallbackKind.TIMEBREAK:
        return {"action": "answer", "action_code": "", "dynamic_id": "x"}
    return answer_callback(kind, content)


def test_a_wrong_answer_fails_only_the_behaviours_that_provoke_it() -> None:
    result = check(
        app_target("bot", bot_from(_broken_timebreak)), CheckConfig(placements=(Placement.FORM,))
    )
    verdicts = _verdicts(result)
    assert verdicts["timebreak-speech"] is Verdict.FAILED
    assert verdicts["inbound-plain"] is Verdict.PASSED
    row = next(r for r in result.behaviours if r.name == "timebreak-speech")
    finding = row.first_finding()
    assert finding is not None and finding.rule == "action-not-allowed-at-stage"
    assert result.failed


def _never_collects(kind: CallbackKind, content: Mapping[str, Any]) -> dict[str, Any]:
    answer = answer_callback(kind, content)
    if answer.get("action") == "dtmf":
        return {"action": "play", "action_code": "menu.wav", "dynamic_id": "menu"}
    return answer


def test_a_situation_the_bot_never_reaches_is_not_reached_not_failed() -> None:
    result = check(
        app_target("bot", bot_from(_never_collects)), CheckConfig(placements=(Placement.QUERY,))
    )
    verdicts = _verdicts(result, Placement.QUERY)
    assert verdicts["keys-while-collecting"] is Verdict.NOT_REACHED
    assert verdicts["key-timeout"] is Verdict.NOT_REACHED
    row = next(r for r in result.behaviours if r.name == "key-timeout")
    assert "collecting keys" in row.note()
    assert not result.failed
    assert {call.turns[0].exchange.placement for call in result.run.calls} == {"query"}


def test_a_bot_that_reads_only_the_query_string_has_no_answer_in_the_form_body() -> None:
    """SPEC-NOTES §1: real traffic is form-encoded. ``result: fail`` to every callback is no
    spec error, but nothing was checked: "no answer", not "passed"; the situations are crawled
    in the placement the bot answers, and a note names the one-sided placement."""
    result = check(app_target("bot", query_only(answer_callback)), CheckConfig())
    form, query = _verdicts(result, Placement.FORM), _verdicts(result, Placement.QUERY)
    assert set(form.values()) <= {Verdict.NO_ANSWER}
    assert set(query.values()) == {Verdict.PASSED}
    assert not result.failed
    assert "query placement, never in the form one" in result.placement_note()
    row = next(r for r in result.behaviours if r.name == "speech")
    assert (
        row.note()
        == "no answer (form): the bot answered result 'fail', msg 'call_id is required': nothing was checked"
    )


def test_a_bot_that_answers_no_call_at_all_fails_the_check() -> None:
    result = check(
        app_target("bot", query_only(answer_callback)), CheckConfig(placements=(Placement.FORM,))
    )
    assert set(_verdicts(result).values()) <= {Verdict.NO_ANSWER, Verdict.NOT_REACHED}
    assert result.failed
    assert result.placement_note().startswith("the bot answered no call")
    assert check_to_dict(result)["note"] == result.placement_note()


def test_the_new_behaviours_exercise_what_they_name(example: CheckResult) -> None:
    """Issue 20: the ``parallel_transfer`` result callback both ways (vendor doc 112703:
    ``transfer_status`` success/fail), early media on an outbound call (seed 002
    EarlyMediaAsr), several keys and the end character in one collection (seed 001: dtmf
    ``dtmf_max_numbers``, ``dtmf_end_character``)."""
    rows = {row.name: row.calls[Placement.FORM] for row in example.behaviours}
    for name, status in (
        ("parallel-transfer-success", "success"),
        ("parallel-transfer-fail", "fail"),
    ):
        results = [
            t.callback.content
            for t in rows[name].turns
            if t.callback.kind is CallbackKind.PARALLEL_TRANSFER
        ]
        assert [content["transfer_status"] for content in results] == [status]
    early = rows["outbound-early-media"].turns[0].callback
    assert (
        early.kind is CallbackKind.NORMAL and early.content["current_media_code"] == "early_media"
    )
    keys = {
        name: [
            t.callback.content["dtmf_digits"]
            for t in rows[name].turns
            if t.callback.kind is CallbackKind.DTMF
        ]
        for name in ("keys-multi-digit", "keys-end-character")
    }
    assert keys == {"keys-multi-digit": ["1234"], "keys-end-character": ["12"]}
