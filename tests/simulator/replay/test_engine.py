"""The replay engine, in-process and on a virtual clock: fixtures, placement, concurrency,
expectations, call endings, pacing, interruption and ``--check-placement``."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Awaitable, Callable
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from engine_support import (
    SHIPPED_FIXTURES,
    URL,
    RecordingTransport,
    example_bot_transport,
    kinds,
    replay,
    replay_one,
    rules,
    scenario,
    shipped,
    turn_rules,
)

from vcall.simulator.clock import VIRTUAL_EPOCH_MS
from vcall.simulator.example_bot import respond
from vcall.simulator.fixture import persona_of
from vcall.simulator.fixture.loader import load_scenario
from vcall.simulator.fixture.scenario import EndReason, Expectation, Match, MatchKind
from vcall.simulator.replay.engine import (
    PERSONA_NOT_PLAYED,
    CallFinished,
    CallStarted,
    Event,
    SimulationConfig,
    simulate,
)
from vcall.simulator.replay.placement_check import first_callback
from vcall.simulator.replay.targets import Target
from vcall.simulator.spec import CALLBACK_DELIVERY, CallbackKind
from vcall.simulator.transport.sender import Placement

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
ORDER_INQUIRY = "inbound_order_inquiry.yaml"
BARGE_IN = "barge_in_timebreak.yaml"
PLAIN_INBOUND = """
name: 快递查询（无期望）
call: {caller: "13800138000", callee: "057126880000"}
media: {welcome.wav: 4s, goodbye.wav: 2s}
steps:
  - wait: playback
  - say: 你好，我想查一下我的快递到哪了
  - wait: playback
  - say: 好的，没有了，谢谢
"""


# --- the shipped fixtures -----------------------------------------------------------------------


@pytest.mark.parametrize("path", SHIPPED_FIXTURES, ids=lambda path: path.name)
def test_every_shipped_fixture_passes_cleanly_against_the_example_bot(path: Path) -> None:
    fixture = load_scenario(path)
    call = replay_one(fixture)
    # a persona fixture: the engine alone plays its scripted steps and says so (simulate passes
    # the persona player: tests/simulator/persona/test_persona_fixtures.py)
    assert [f for f in call.findings if f.rule != PERSONA_NOT_PLAYED] == []
    assert call.turns, "every shipped fixture exchanges at least one callback"
    if persona_of(fixture) is not None:  # its end: is the persona's, not checked here
        assert [f.rule for f in call.findings] == [PERSONA_NOT_PLAYED]
    elif fixture.end is not None:
        assert call.end_reason is fixture.end


# --- where the four parameters travel -----------------------------------------------------------


def _sent_params(request: httpx.Request) -> dict[str, str]:
    query = dict(parse_qsl(request.url.query.decode(), keep_blank_values=True))
    form = dict(parse_qsl(request.content.decode(), keep_blank_values=True))
    assert not (query and form), "the parameters travel in one place only"
    return query or form


def test_form_and_query_placement_send_the_bot_the_same_parameters() -> None:
    form, query = RecordingTransport(), RecordingTransport()
    by_form = replay_one(shipped(ORDER_INQUIRY), form, placement=Placement.FORM)
    by_query = replay_one(shipped(ORDER_INQUIRY), query, placement=Placement.QUERY)
    assert [_sent_params(r) for r in form.requests] == [_sent_params(r) for r in query.requests]
    assert [_sent_params(r) for r in form.requests] == [t.callback.params() for t in by_form.turns]
    assert by_form.findings == by_query.findings == ()


def test_form_placement_posts_a_form_body_and_query_placement_an_empty_body() -> None:
    form, query = RecordingTransport(), RecordingTransport()
    replay_one(shipped(ORDER_INQUIRY), form, placement=Placement.FORM)
    replay_one(shipped(ORDER_INQUIRY), query, placement=Placement.QUERY)
    for request in form.requests:
        assert request.method == CALLBACK_DELIVERY.method
        assert request.headers["content-type"].startswith(FORM_CONTENT_TYPE)
        assert request.url.query == b""
    for request in query.requests:
        assert request.method == CALLBACK_DELIVERY.method
        assert request.content == b""
        assert set(dict(parse_qsl(request.url.query.decode()))) == set(CALLBACK_DELIVERY.params)


# --- many calls ---------------------------------------------------------------------------------


class ShufflingTransport(httpx.AsyncBaseTransport):
    """The example bot, yielding to the event loop a call-dependent number of times per request,
    so that concurrent calls finish out of order."""

    def __init__(self) -> None:
        self.inner = example_bot_transport()
        self.call_ids: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        call_id = dict(parse_qsl(request.content.decode()))["call_id"]
        self.call_ids.append(call_id)
        for _ in range(int(call_id[-3:]) % 7):
            await asyncio.sleep(0)
        return await self.inner.handle_async_request(request)


def test_concurrent_calls_run_each_scenario_once_and_keep_fixture_order() -> None:
    fixtures = [load_scenario(path) for path in SHIPPED_FIXTURES]
    transport, events = ShufflingTransport(), list[Event]()
    run = replay(fixtures, transport, sink=events.append, concurrency=4)
    finished = [event.index for event in events if isinstance(event, CallFinished)]
    assert sorted(finished) == list(range(len(fixtures)))
    assert finished != sorted(finished), "the calls should finish out of order for this test"
    assert [call.scenario for call in run.calls] == fixtures
    assert len({call.call_id for call in run.calls}) == len(fixtures)
    assert sorted(transport.call_ids) == sorted(c.call_id for c in run.calls for _ in c.turns)
    assert run.passed == len(fixtures) and not run.interrupted


def test_concurrency_bounds_the_calls_under_way() -> None:
    fixtures = [load_scenario(path) for path in SHIPPED_FIXTURES]
    under_way, most = set[int](), [0]

    def sink(event: Event) -> None:
        if isinstance(event, CallStarted):
            under_way.add(event.index)
            most[0] = max(most[0], len(under_way))
        elif isinstance(event, CallFinished):
            under_way.remove(event.index)

    replay(fixtures, ShufflingTransport(), sink=sink, concurrency=3)
    assert most[0] == 3


def test_the_same_seed_gives_the_same_call_ids_and_a_different_seed_others() -> None:
    fixtures = [shipped(ORDER_INQUIRY), shipped(BARGE_IN)]
    first = [call.call_id for call in replay(fixtures, seed=11).calls]
    assert first == [call.call_id for call in replay(fixtures, seed=11).calls]
    assert first != [call.call_id for call in replay(fixtures, seed=12).calls]


# --- expectations -------------------------------------------------------------------------------


def test_a_mismatch_is_attached_to_the_matched_turn_with_expected_and_actual() -> None:
    text = PLAIN_INBOUND.replace(
        "  - say: 你好，我想查一下我的快递到哪了\n",
        "  - say: 你好，我想查一下我的快递到哪了\n    expect: {action: hangup, dynamic_id: order}\n",
    )
    call = replay_one(scenario(text))
    assert turn_rules(call) == {2: ["expect-mismatch"]}
    finding = call.turns[1].findings[0]
    assert finding.path == "data.action"
    assert (finding.expected, finding.actual) == ("equal 'hangup'", "'play'")
    assert "step 2 (say, line" in finding.message
    assert call.failed()


def test_callback_picks_the_last_callback_of_that_kind_in_the_step() -> None:
    fixture = shipped(BARGE_IN)
    expect = _expect_action("play", CallbackKind.TIMEBREAK)
    steps = (dataclasses.replace(fixture.steps[0], expect=expect), *fixture.steps[1:])
    call = replay_one(dataclasses.replace(fixture, steps=steps))
    assert kinds(call.turns[1:3]) == ["timebreak", "normal"]
    assert turn_rules(call) == {2: ["expect-mismatch"]}, "the timebreak turn, not the step's last"


def test_without_callback_the_step_s_last_callback_is_checked() -> None:
    fixture = shipped(BARGE_IN)
    steps = (
        dataclasses.replace(fixture.steps[0], expect=_expect_action("break")),
        *fixture.steps[1:],
    )
    call = replay_one(dataclasses.replace(fixture, steps=steps))
    assert turn_rules(call) == {3: ["expect-mismatch"]}
    assert call.turns[2].findings[0].actual == "'play'"


def test_a_callback_kind_the_step_never_sent_is_an_expect_callback_finding() -> None:
    text = PLAIN_INBOUND.replace(
        "  - say: 你好，我想查一下我的快递到哪了\n",
        "  - say: 你好，我想查一下我的快递到哪了\n    expect: {callback: mute}\n",
    )
    call = replay_one(scenario(text))
    assert turn_rules(call) == {2: ["expect-callback"]}
    finding = call.turns[1].findings[0]
    assert (finding.expected, finding.actual) == ("mute", "normal")


def _expect_action(action: str, callback: CallbackKind | None = None) -> Expectation:
    return Expectation(callback=callback, matches=(Match("data.action", MatchKind.EQUALS, action),))


# --- how calls end ------------------------------------------------------------------------------


def test_steps_left_after_the_bot_hung_up_are_unplayed_steps() -> None:
    more = "  - wait: playback\n  - say: 对了，还有一个问题\n  - press: '1'\n"
    call = replay_one(scenario(PLAIN_INBOUND + more))
    assert call.end_reason is EndReason.BOT_HANGUP
    assert rules(call.call_findings) == ["scenario-steps-unplayed"]
    message = call.call_findings[0].message
    assert "before 2 step(s) were played, from step 6 (say, line 11)" in message
    assert call.failed()


def test_an_end_other_than_the_expected_one_is_an_expect_end_finding() -> None:
    fixture = dataclasses.replace(shipped(ORDER_INQUIRY), end=EndReason.TRANSFER)
    call = replay_one(fixture)
    assert rules(call.call_findings) == ["expect-end"]
    finding = call.call_findings[0]
    assert (finding.expected, finding.actual) == ("transfer", "bot_hangup")


def test_an_endpoint_that_is_down_abandons_the_call_and_the_run_after_one_turn() -> None:
    attempts = []

    def refuse(request: httpx.Request) -> httpx.Response:
        attempts.append(request)
        raise httpx.ConnectError("Connection refused", request=request)

    fixtures = [shipped(ORDER_INQUIRY), shipped(BARGE_IN)]
    run = replay(fixtures, httpx.MockTransport(refuse))
    assert run.unreachable and run.failed == 1 and len(attempts) == 1, "no further call starts"
    (call,) = run.calls
    assert [turn_rules(call)] == [{1: ["endpoint-unreachable"]}], "no expectation noise"
    assert rules(call.call_findings) == ["endpoint-unreachable"]
    assert call.end_reason is EndReason.ENDPOINT_FAILED


# --- pacing -------------------------------------------------------------------------------------


class FakeWallClock:
    """A wall clock that records every sleep and arrives ``overshoot_ms`` late each time."""

    def __init__(self, overshoot_ms: float = 0.0) -> None:
        self.now = 0.0
        self.overshoot_ms = overshoot_ms
        self.sleeps: list[float] = []

    def now_ms(self) -> float:
        return self.now

    def epoch_ms(self) -> int:
        return VIRTUAL_EPOCH_MS + round(self.now)

    async def sleep_until(self, deadline_ms: float) -> None:
        self.sleeps.append(deadline_ms - self.now)
        self.now = max(self.now, deadline_ms) + self.overshoot_ms


def test_realtime_sleeps_until_each_callback_s_offset_and_records_lateness() -> None:
    clock = FakeWallClock(overshoot_ms=3)
    call = replay_one(shipped(ORDER_INQUIRY), realtime=True, clock_factory=lambda: clock)
    offsets = [turn.callback.at_ms for turn in call.turns]
    assert offsets[0] == 0 and offsets == sorted(set(offsets)) and len(offsets) == 3
    expected = [offsets[0]] + [b - a - 3 for a, b in pairwise(offsets)]
    assert clock.sleeps == pytest.approx(expected)
    assert [turn.scheduled_ms for turn in call.turns] == offsets
    assert [turn.lateness_ms for turn in call.turns] == [3, 3, 3]


def test_a_shared_wall_clock_paces_each_call_from_its_own_start() -> None:
    clock = FakeWallClock()
    run = replay([shipped(ORDER_INQUIRY)] * 2, realtime=True, clock_factory=lambda: clock)
    second = run.calls[1]
    start = run.calls[0].turns[-1].callback.at_ms
    assert [turn.scheduled_ms for turn in second.turns] == [
        start + t.callback.at_ms for t in second.turns
    ]
    assert second.turns[0].callback.timestamp_ms == VIRTUAL_EPOCH_MS + start


# --- interruption -------------------------------------------------------------------------------


class InterruptingTransport(httpx.AsyncBaseTransport):
    """The example bot until request number ``at``, which raises ``KeyboardInterrupt``."""

    def __init__(self, at: int) -> None:
        self.inner = example_bot_transport()
        self.at = at
        self.count = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.count += 1
        if self.count == self.at:
            raise KeyboardInterrupt
        await asyncio.sleep(0)
        return await self.inner.handle_async_request(request)


@pytest.mark.parametrize("concurrency", [1, 3])
def test_an_interrupted_run_returns_the_calls_completed_so_far(concurrency: int) -> None:
    fixtures = [load_scenario(path) for path in SHIPPED_FIXTURES]
    transport = InterruptingTransport(at=9)
    run = simulate(fixtures, _target(transport), SimulationConfig(seed=7, concurrency=concurrency))
    assert run.interrupted
    assert 0 < len(run.calls) < len(fixtures)
    assert all(call.passed for call in run.calls)
    assert transport.count <= 9 + concurrency, "no call starts after the interruption"
    positions = [fixtures.index(call.scenario) for call in run.calls]
    assert positions == sorted(positions)


def test_an_uninterrupted_run_is_not_marked_interrupted() -> None:
    run = simulate(
        [shipped(ORDER_INQUIRY)], _target(InterruptingTransport(at=0)), SimulationConfig()
    )
    assert not run.interrupted and run.passed == 1


def _target(transport: httpx.AsyncBaseTransport) -> Target:
    return Target("test bot", URL, transport)


# --- --check-placement --------------------------------------------------------------------------


def _one_sided_app(source: str) -> httpx.ASGITransport:
    """The example bot's logic, reading the parameters only from ``source`` (query or form)."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        body, more = b"", True
        while more:
            message = await receive()
            body, more = body + message.get("body", b""), message.get("more_body", False)
        query = scope["query_string"] if source == "query" else b""
        status, envelope = respond(query, body if source == "form" else b"", FORM_CONTENT_TYPE)
        payload = json.dumps(envelope, ensure_ascii=False).encode()
        headers = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})

    return httpx.ASGITransport(app=app)  # type: ignore[arg-type]


def test_check_placement_reports_an_endpoint_that_reads_only_the_query_string() -> None:
    run = replay(
        shipped(ORDER_INQUIRY),
        _one_sided_app("query"),
        placement=Placement.QUERY,
        check_placement=True,
    )
    report = run.placement
    assert report is not None
    assert (report.form_ok, report.query_ok) == (False, True)
    assert (report.form.status, report.query.status) == (400, 200)
    assert rules(report.findings) == ["placement-one-sided"]
    assert "only in the query string" in report.findings[0].message
    assert run.passed == 1 and not run.placement_failed


def test_check_placement_reports_an_endpoint_that_reads_only_the_form_body() -> None:
    run = replay(shipped(ORDER_INQUIRY), _one_sided_app("form"), check_placement=True)
    report = run.placement
    assert report is not None
    assert (report.form_ok, report.query_ok) == (True, False)
    assert "only in the form body" in report.findings[0].message
    assert "data-call-id-missing" not in rules(report.form_findings)


def test_a_one_sided_endpoint_fails_the_run_only_when_strict() -> None:
    run = replay(shipped(ORDER_INQUIRY), _one_sided_app("form"), check_placement=True, strict=True)
    assert run.placement_failed and run.failed == 0


def test_the_example_bot_takes_the_first_callback_both_ways_on_throwaway_calls() -> None:
    recording = RecordingTransport()
    run = replay(shipped(ORDER_INQUIRY), recording, check_placement=True)
    report = run.placement
    assert report is not None
    assert (report.form_ok, report.query_ok) == (True, True) and report.findings == ()
    form_call, query_call = (_sent_params(r) for r in recording.requests[:2])
    assert form_call["content_type"] == query_call["content_type"] == "callin"
    assert form_call["content"] == query_call["content"]
    throwaway = {form_call["call_id"], query_call["call_id"]}
    assert len(throwaway) == 2 and run.calls[0].call_id not in throwaway
    assert len(recording.requests) == 2 + len(run.calls[0].turns)


def test_without_check_placement_there_is_no_report_and_no_extra_request() -> None:
    recording = RecordingTransport()
    run = replay(shipped(ORDER_INQUIRY), recording)
    assert run.placement is None
    assert len(recording.requests) == len(run.calls[0].turns)


def test_an_outbound_call_s_first_callback_comes_from_its_steps() -> None:
    callback = first_callback(shipped("outbound_survey_early_media.yaml"), "1^2", VIRTUAL_EPOCH_MS)
    assert callback is not None
    assert callback.kind is CallbackKind.NORMAL
    assert callback.content["current_media_code"] == "early_media"


def test_no_placement_report_when_no_scenario_sends_a_callback() -> None:
    silent = scenario(
        "name: 未接通即挂断\ncall: {direction: outbound, smartcall: {VoiceCode: a.wav}}\nsteps: [hangup]\n"
    )
    assert first_callback(silent, "1^2", VIRTUAL_EPOCH_MS) is None
    assert replay(silent, check_placement=True).placement is None
