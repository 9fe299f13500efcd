"""A deliberately broken example bot: the right turns fail with the right rule ids, the rest stay
clean. The breakage is an ASGI middleware around the real example bot that rewrites the ``data``
of chosen answers (by their turn number in the call)."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from engine_support import replay_one, shipped, turn_rules

from vcall.simulator.example_bot import create_app
from vcall.simulator.fixture.scenario import Scenario
from vcall.simulator.replay.results import CallResult

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Corruption = Callable[[dict[str, Any]], None]
"""Rewrites the envelope of one answer in place."""


def broken_bot(corruptions: Mapping[int, Corruption]) -> Callable[..., Awaitable[None]]:
    """The example bot; the answer to turn N of each call goes through ``corruptions[N]``."""
    bot = create_app()
    turns: Counter[str] = Counter()

    async def app(scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await bot(scope, receive, send)  # type: ignore[arg-type]
            return
        body = await _read_all(receive)
        params = dict(parse_qsl(scope["query_string"].decode() + "&" + body.decode()))
        turns[params.get("call_id", "")] += 1
        corrupt = corruptions.get(turns[params.get("call_id", "")])
        answer = await _answer_of(bot, scope, body)
        await _send_answer(send, answer, corrupt)

    return app


async def _read_all(receive: Receive) -> bytes:
    body, more = b"", True
    while more:
        message = await receive()
        body, more = body + message.get("body", b""), bool(message.get("more_body"))
    return body


async def _answer_of(
    bot: Callable[..., Awaitable[None]], scope: dict[str, Any], body: bytes
) -> list[Message]:
    sent: list[Message] = []

    async def replay_request() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    async def keep(message: Message) -> None:
        sent.append(message)

    await bot(scope, replay_request, keep)
    return sent


async def _send_answer(send: Send, answer: list[Message], corrupt: Corruption | None) -> None:
    start, *bodies = answer
    payload = b"".join(message.get("body", b"") for message in bodies)
    if corrupt is not None:
        envelope = json.loads(payload)
        corrupt(envelope)
        payload = json.dumps(envelope, ensure_ascii=False).encode()
    headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
    await send({**start, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


def setting(**values: Any) -> Corruption:
    def corrupt(envelope: dict[str, Any]) -> None:
        envelope["data"].update(values)

    return corrupt


def dropping(key: str) -> Corruption:
    def corrupt(envelope: dict[str, Any]) -> None:
        del envelope["data"][key]

    return corrupt


def without_expectations(scenario: Scenario) -> Scenario:
    """Only the validator speaks: no fixture expectation can fail on a corrupted answer."""
    steps = tuple(dataclasses.replace(step, expect=None) for step in scenario.steps)
    return dataclasses.replace(scenario, steps=steps, answer=None, end=None)


def run_broken(fixture: str, corruptions: Mapping[int, Corruption]) -> CallResult:
    transport = httpx.ASGITransport(app=broken_bot(corruptions))
    return replay_one(without_expectations(shipped(fixture)), transport)


ORDER = "inbound_order_inquiry.yaml"
"""Turn 1 callin -> answer welcome.wav, 2 "快递" -> play (order status), 3 "谢谢" -> hangup."""
DTMF = "dtmf_menu_hash_terminated.yaml"
"""Turn 1 callin, 2 "按键" -> dtmf menu, 3 keys 0# -> dtmf menu, 4 keys 1# -> play, 5 -> hangup."""

BREAKAGES: dict[str, tuple[str, dict[int, Corruption], dict[int, list[str]]]] = {
    "play at callin": (ORDER, {1: setting(action="play")}, {1: ["action-not-allowed-at-stage"]}),
    "mute_time 30000": (ORDER, {2: setting(mute_time=30000)}, {2: ["range-fallback"]}),
    "^ in dynamic_id": (ORDER, {2: setting(dynamic_id="order^2")}, {2: ["forbidden-character"]}),
    "play without action_code": (
        ORDER,
        {2: dropping("action_code")},
        {2: ["action-code-missing", "tts-param-unused"]},  # its $text$ value now has no use
    ),
    "wrong call_id": (
        ORDER,
        {3: setting(call_id="100001616500^100001871490")},
        {3: ["data-call-id-mismatch"]},
    ),
    "dtmf_max_numbers 99": (DTMF, {2: setting(dtmf_max_numbers=99)}, {2: ["value-out-of-range"]}),
}


@pytest.mark.parametrize("case", BREAKAGES, ids=str)
def test_each_breakage_fails_exactly_its_turn_with_its_rule(case: str) -> None:
    fixture, corruptions, expected = BREAKAGES[case]
    call = run_broken(fixture, corruptions)
    assert turn_rules(call) == expected
    assert call.call_findings == ()


def test_several_breakages_in_one_call_each_land_on_their_own_turn() -> None:
    corruptions = {
        1: setting(action="play"),
        2: setting(dtmf_max_numbers=99),
        4: setting(call_id="100001616500^100001871490", dynamic_id="order^2"),
    }
    call = run_broken(DTMF, corruptions)
    assert turn_rules(call) == {
        1: ["action-not-allowed-at-stage"],
        2: ["value-out-of-range"],
        4: ["data-call-id-mismatch", "forbidden-character"],
    }
    assert [turn.failed for turn in call.turns] == [True, True, False, True, False]


def test_a_range_fallback_is_a_warning_the_call_passes_unless_strict() -> None:
    call = run_broken(ORDER, {2: setting(mute_time=30000)})
    assert call.passed and call.failed(strict=True)


def test_the_unbroken_middleware_changes_nothing() -> None:
    call = run_broken(DTMF, {})
    assert call.findings == () and len(call.turns) == 5
