"""Result objects: what counts as failed, with and without --strict."""

from __future__ import annotations

from typing import Any

import pytest

from vcall.simulator.findings import Finding, Severity
from vcall.simulator.fixture.scenario import EndReason, Scenario
from vcall.simulator.model import Callback
from vcall.simulator.replay.results import CallResult, PlacementReport, RunResult, Turn
from vcall.simulator.spec import CallbackKind
from vcall.simulator.transport.sender import Exchange

ERROR = Finding("expect-mismatch", Severity.ERROR, "data.action", "wrong action", "fixture")
WARNING = Finding("latency-budget", Severity.WARNING, "", "slow", "SPEC-NOTES.md")


def exchange(**fields: Any) -> Exchange:
    base: dict[str, Any] = {
        "method": "POST",
        "url": "http://bot.test/cb",
        "params": {"call_id": "c"},
    }
    return Exchange(**(base | {"placement": "form"} | fields))


def turn(envelope: dict[str, Any] | None, *findings: Finding) -> Turn:
    callback = Callback(CallbackKind.NORMAL, "c", 0, 0, {}, 0)
    return Turn(1, callback, exchange(status=200), envelope, findings, 0)


def call(
    *findings: Finding, call_findings: tuple[Finding, ...] = (), unreachable: bool = False
) -> CallResult:
    turns = (turn({"data": {"action": "play"}}, *findings),)
    scenario = Scenario("x", ())
    return CallResult(
        scenario, "c", turns, call_findings, EndReason.BOT_HANGUP, 0, 0.0, unreachable=unreachable
    )


def test_body_text_decodes_leniently_and_marks_a_cut() -> None:
    assert exchange(body="成功".encode()).body_text == "成功"
    assert exchange(body=b"\xff ok").body_text == "\ufffd ok"
    assert exchange(body=b"abc", body_truncated=True).body_text == "abc …(cut)"


@pytest.mark.parametrize(
    ("envelope", "data", "action"),
    [
        ({"data": {"action": "play"}}, {"action": "play"}, "play"),
        ({"data": {"action": 3}}, {"action": 3}, None),
        ({"data": "play"}, None, None),
        ({"result": True}, None, None),
        (None, None, None),
    ],
)
def test_turn_data_and_action_tolerate_any_envelope(envelope: Any, data: Any, action: Any) -> None:
    assert (turn(envelope).data, turn(envelope).action) == (data, action)


def test_a_turn_fails_only_on_errors() -> None:
    assert turn(None, ERROR).failed
    assert not turn(None, WARNING).failed


def test_call_findings_are_the_turns_then_the_call_level_ones() -> None:
    result = call(WARNING, call_findings=(ERROR,))
    assert result.findings == (WARNING, ERROR)
    assert (result.count(Severity.ERROR), result.count(Severity.WARNING)) == (1, 1)


@pytest.mark.parametrize(
    ("findings", "failed", "strict_failed"),
    [
        ((), False, False),
        ((WARNING,), False, True),
        ((ERROR,), True, True),
        ((WARNING, ERROR), True, True),
    ],
)
def test_call_failed_with_and_without_strict(
    findings: tuple[Finding, ...], failed: bool, strict_failed: bool
) -> None:
    result = call(*findings)
    assert (result.failed(), result.failed(strict=True), result.passed) == (
        failed,
        strict_failed,
        not failed,
    )


def test_run_counts_follow_its_strictness() -> None:
    calls = (call(), call(WARNING), call(ERROR))
    assert (RunResult(calls, 0.0).passed, RunResult(calls, 0.0).failed) == (2, 1)
    assert (
        RunResult(calls, 0.0, strict=True).passed,
        RunResult(calls, 0.0, strict=True).failed,
    ) == (1, 2)


def test_run_is_unreachable_when_any_call_was() -> None:
    assert not RunResult((call(),), 0.0).unreachable
    assert RunResult((call(), call(unreachable=True)), 0.0).unreachable


@pytest.mark.parametrize(
    ("form_ok", "query_ok", "works"),
    [
        (True, True, None),
        (True, False, "form body"),
        (False, True, "query string"),
    ],
)
def test_placement_warns_only_when_one_sided(
    form_ok: bool, query_ok: bool, works: str | None
) -> None:
    findings = PlacementReport(exchange(), exchange(placement="query"), form_ok, query_ok).findings
    if works is None:
        assert findings == ()
        return
    (finding,) = findings
    assert (finding.rule, finding.severity) == ("placement-one-sided", Severity.WARNING)
    assert f"only in the {works}" in finding.message


def test_placement_rejected_both_ways_is_an_error_that_fails_the_run() -> None:
    report = PlacementReport(exchange(), exchange(placement="query"), False, False)
    (finding,) = report.findings
    assert (finding.rule, finding.severity) == ("placement-both-rejected", Severity.ERROR)
    assert "neither" in finding.message
    assert RunResult((), 0.0, placement=report).placement_failed
    one_sided = PlacementReport(exchange(), exchange(placement="query"), True, False)
    assert not RunResult((), 0.0, placement=one_sided).placement_failed
    assert RunResult((), 0.0, strict=True, placement=one_sided).placement_failed
