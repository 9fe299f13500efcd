"""What goes wrong between vcall and the endpoint, turn by turn: each problem is a clear finding
on that turn, and the call goes on as the platform would (an unusable answer is ``donothing``)."""

from __future__ import annotations

import asyncio
import types
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from engine_support import (
    ReplacingTransport,
    example_bot_transport,
    kinds,
    replay_one,
    rules,
    scenario,
    turn_rules,
)

from vcall.simulator.findings import Severity
from vcall.simulator.fixture.scenario import EndReason
from vcall.simulator.spec import MAX_RESPONSE_BYTES
from vcall.simulator.transport import httpx_sender

PLAIN_INBOUND = scenario(
    """
name: 快递查询（无期望）
call: {caller: "13800138000", callee: "057126880000"}
media: {welcome.wav: 4s, goodbye.wav: 2s}
steps:
  - wait: playback
  - say: 你好，我想查一下我的快递到哪了
  - wait: playback
  - say: 好的，没有了，谢谢
"""
)
"""Turn 1 callin -> answer, turn 2 "快递" -> play (order status), turn 3 "谢谢" -> hangup."""

Handler = Callable[[httpx.Request], httpx.Response]


def _raise(error: type[httpx.TransportError]) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error("simulated", request=request)

    return handler


def _answer(status: int, body: bytes, content_type: str = "application/json") -> Handler:
    return lambda request: httpx.Response(
        status, content=body, headers={"content-type": content_type}
    )


BROKEN_ANSWERS: dict[str, tuple[Handler, str]] = {
    "timeout": (_raise(httpx.ReadTimeout), "endpoint-timeout"),
    "http 500": (_answer(500, b'{"result": "fail", "msg": "boom", "data": {}}'), "http-status"),
    "not json": (_answer(200, "<html>内部错误</html>".encode(), "text/html"), "body-not-json"),
    "over 1 MiB": (_answer(200, b" " * (MAX_RESPONSE_BYTES + 1)), "body-too-large"),
    "not utf-8": (
        _answer(200, '{"result": "success", "msg": "成功"}'.encode("gbk")),
        "body-not-utf8",
    ),
    "protocol": (_raise(httpx.RemoteProtocolError), "http-protocol-error"),
}


@pytest.mark.parametrize("case", BROKEN_ANSWERS, ids=str)
def test_a_broken_answer_is_a_finding_on_its_turn_and_the_call_goes_on(case: str) -> None:
    handler, rule = BROKEN_ANSWERS[case]
    call = replay_one(PLAIN_INBOUND, ReplacingTransport({2: handler}))
    assert rule in turn_rules(call)[2]
    assert set(turn_rules(call)) == {2}, "only the broken turn has findings"
    finding = next(f for f in call.turns[1].findings if f.rule == rule)
    assert finding.severity is Severity.ERROR and finding.message
    assert kinds(call.turns) == ["callin", "normal", "normal"], "the call went on"
    assert call.turns[2].action == "hangup"
    assert call.end_reason is EndReason.BOT_HANGUP
    assert call.call_findings == () and not call.unreachable


def test_a_broken_answer_is_donothing_so_no_reply_plays_and_the_call_moves_on_at_once() -> None:
    clean = replay_one(PLAIN_INBOUND)
    broken = replay_one(PLAIN_INBOUND, ReplacingTransport({2: _answer(500, b"")}))
    clean_gap = clean.turns[2].callback.at_ms - clean.turns[1].callback.at_ms
    broken_gap = broken.turns[2].callback.at_ms - broken.turns[1].callback.at_ms
    assert broken_gap < clean_gap, "the order-status reply was never played"
    assert clean.turns[2].callback.content["dynamic_id"] == "order"
    assert broken.turns[2].callback.content["dynamic_id"] == "menu", "its dynamic_id was not taken"


def test_an_oversized_body_is_cut_and_said_so() -> None:
    handler = _answer(200, b"x" * (MAX_RESPONSE_BYTES + 10))
    call = replay_one(PLAIN_INBOUND, ReplacingTransport({2: handler}))
    exchange = call.turns[1].exchange
    assert exchange.error == "too-large" and exchange.body_truncated
    assert len(exchange.body) < MAX_RESPONSE_BYTES


def test_a_broken_answer_to_callin_leaves_the_call_unanswered() -> None:
    call = replay_one(PLAIN_INBOUND, ReplacingTransport({1: _answer(500, b"")}))
    assert len(call.turns) == 1
    assert "http-status" in turn_rules(call)[1]
    assert call.end_reason is EndReason.ENDPOINT_FAILED
    assert rules(call.call_findings) == ["scenario-steps-unplayed"]
    assert not call.unreachable, "it answered, badly: not unreachable"


def test_an_endpoint_going_down_mid_call_abandons_the_call_there() -> None:
    call = replay_one(PLAIN_INBOUND, ReplacingTransport({2: _raise(httpx.ConnectError)}))
    assert len(call.turns) == 2
    assert turn_rules(call) == {2: ["endpoint-unreachable"]}
    assert rules(call.call_findings) == ["endpoint-unreachable"]
    assert call.unreachable and call.end_reason is EndReason.ENDPOINT_FAILED


# --- latency ------------------------------------------------------------------------------------


class SlowTransport(httpx.AsyncBaseTransport):
    """The example bot; request number ``slow`` takes ``ms`` on the fake perf counter."""

    def __init__(self, counter: types.SimpleNamespace, slow: int, ms: float) -> None:
        self.inner = example_bot_transport()
        self.counter, self.slow, self.ms = counter, slow, ms
        self.count = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.count += 1
        if self.count == self.slow:
            self.counter.now += self.ms / 1000
        return await self.inner.handle_async_request(request)


@pytest.fixture
def fake_perf_counter(monkeypatch: pytest.MonkeyPatch) -> types.SimpleNamespace:
    """``httpx_sender`` measures latency with this counter: it moves only when a test says so."""
    counter = types.SimpleNamespace(now=100.0)
    monkeypatch.setattr(
        httpx_sender, "time", types.SimpleNamespace(perf_counter=lambda: counter.now)
    )
    return counter


def test_an_answer_over_the_latency_budget_is_a_warning_on_its_turn(
    fake_perf_counter: types.SimpleNamespace,
) -> None:
    transport = SlowTransport(fake_perf_counter, slow=2, ms=450)
    call = replay_one(PLAIN_INBOUND, transport, latency_budget_ms=300)
    assert turn_rules(call) == {2: ["latency-budget"]}
    finding = call.turns[1].findings[0]
    assert finding.severity is Severity.WARNING
    assert (finding.expected, finding.actual) == ("≤ 300 ms", "450 ms")
    assert call.passed and call.failed(strict=True)


def test_without_a_latency_budget_a_slow_answer_is_fine(
    fake_perf_counter: types.SimpleNamespace,
) -> None:
    call = replay_one(PLAIN_INBOUND, SlowTransport(fake_perf_counter, slow=2, ms=5000))
    assert call.findings == ()
    assert call.turns[1].exchange.latency_ms == pytest.approx(5000)


# --- in-process apps ----------------------------------------------------------------------------


def _app_failing_on(number: int, failure: Callable[[], Any]) -> httpx.ASGITransport:
    """The example bot, except that its request number ``number`` runs ``failure``."""
    from vcall.simulator.example_bot import create_app

    bot, seen = create_app(), [0]

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen[0] += 1
        if seen[0] == number:
            await failure()
        await bot(scope, receive, send)

    return httpx.ASGITransport(app=app)  # type: ignore[arg-type]


async def _hang() -> None:
    await asyncio.Event().wait()


async def _crash() -> None:
    raise ZeroDivisionError("division by zero")


def test_an_in_process_app_that_never_answers_times_out_on_that_turn() -> None:
    call = replay_one(PLAIN_INBOUND, _app_failing_on(2, _hang), timeout_s=0.01)
    assert turn_rules(call) == {2: ["endpoint-timeout"]}
    assert call.turns[1].exchange.error == "timeout"
    assert kinds(call.turns) == ["callin", "normal", "normal"]


def test_an_in_process_app_that_raises_is_a_finding_not_a_crash() -> None:
    call = replay_one(PLAIN_INBOUND, _app_failing_on(2, _crash))
    assert turn_rules(call) == {2: ["http-protocol-error"]}
    assert "the app raised ZeroDivisionError: division by zero" in call.turns[1].findings[0].message
    assert call.end_reason is EndReason.BOT_HANGUP
