"""Hand-built run results for the report tests (no engine involved).

The sample run has three calls:

1. ``order``: four turns; turn 2 has an error and a warning, turn 3 only a warning. Fails.
2. ``quiet``: one turn with only a warning. Passes, except with ``--strict``.
3. ``down``: the endpoint is unreachable; one turn with a connect error and a call-level error.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from vcall.simulator.findings import Finding, Severity
from vcall.simulator.fixture.scenario import EndReason, Scenario
from vcall.simulator.model import Callback, ModelNote
from vcall.simulator.replay.results import CallResult, PlacementReport, RunResult, Turn
from vcall.simulator.spec import SPEC_NOTES, CallbackKind
from vcall.simulator.transport.sender import Exchange

URL = "http://127.0.0.1:8000/callback"
START_MS = 1_700_000_000_000

MISMATCH = Finding(
    "expect-mismatch",
    Severity.ERROR,
    "data.action",
    "step 1 (say): data.action should equal 'play', got 'hangup'",
    "fixture",
    "equal 'play'",
    "'hangup'",
)
SLOW = Finding(
    "latency-budget",
    Severity.WARNING,
    "",
    "answered in 900 ms, over the latency budget of 800 ms",
    SPEC_NOTES,
)
UNREACHABLE = Finding(
    "endpoint-unreachable", Severity.ERROR, "", f"could not connect to {URL}: refused", SPEC_NOTES
)
UNPLAYED = Finding(
    "steps-unplayed", Severity.ERROR, "", "2 steps were not played: the call had ended", "fixture"
)


def callback(
    kind: CallbackKind, call_id: str, at_ms: int, step: int | None, **content: str | int
) -> Callback:
    return Callback(kind, call_id, at_ms, START_MS + at_ms, content, step)


def answer(action: str, **data: Any) -> dict[str, Any]:
    return {"result": True, "msg": "成功", "data": {"action": action, **data}}


def turn(
    number: int,
    cb: Callback,
    envelope: dict[str, Any] | None,
    findings: tuple[Finding, ...] = (),
    latency_ms: float = 12.5,
    **exchange: Any,
) -> Turn:
    body = json.dumps(envelope, ensure_ascii=False).encode() if envelope is not None else b""
    fields: dict[str, Any] = {"status": 200, "body": body, "latency_ms": latency_ms} | exchange
    sent = Exchange("POST", URL, cb.params(), "form", **fields)
    return Turn(number, cb, sent, envelope, findings, cb.step_index)


def scenario(name: str, file: str) -> Scenario:
    return Scenario(name=name, steps=(), file=file)


def order_call() -> CallResult:
    cid = "116001838019^104122371019"
    turns = (
        turn(
            1,
            callback(
                CallbackKind.CALLIN, cid, 0, None, caller="13800138000", callee="057126880000"
            ),
            answer("answer", action_code="welcome.wav"),
        ),
        turn(
            2,
            callback(CallbackKind.NORMAL, cid, 6_200, 0, asr_result="你好，我想查一下我的快递"),
            answer("hangup", action_code="goodbye.wav"),
            (MISMATCH, SLOW),
            latency_ms=900.0,
        ),
        turn(
            3,
            callback(CallbackKind.MUTE, cid, 12_000, 1),
            answer("play", action_code="again.wav"),
            (SLOW,),
            latency_ms=850.0,
        ),
        turn(4, callback(CallbackKind.DTMF, cid, 15_000, 2, dtmf_digits="1#"), answer("play")),
    )
    notes = (ModelNote(6_300, 0, "action_code queued after welcome.wav"),)
    return CallResult(
        scenario("快递查询：问候、提问", "fixtures/inbound_order_inquiry.yaml"),
        cid,
        turns,
        (),
        EndReason.BOT_HANGUP,
        17_000,
        48.25,
        notes=notes,
    )


def quiet_call() -> CallResult:
    cid = "quiet-1"
    turns = (
        turn(
            1,
            callback(CallbackKind.CALLIN, cid, 0, None),
            answer("answer"),
            (SLOW,),
            latency_ms=820.0,
        ),
    )
    return CallResult(
        scenario("无人应答", "fixtures/silence_reprompt_hangup.yaml"),
        cid,
        turns,
        (),
        EndReason.SESSION_TIMEOUT,
        300_000,
        5.0,
    )


def down_call() -> CallResult:
    cid = "down-1"
    failed = turn(
        1,
        callback(CallbackKind.CALLIN, cid, 0, None),
        None,
        (UNREACHABLE,),
        latency_ms=1.0,
        status=None,
        error="connect",
        error_detail="All connection attempts failed",
    )
    return CallResult(
        scenario("转人工", ""),
        cid,
        (failed,),
        (UNPLAYED,),
        EndReason.ENDPOINT_FAILED,
        0,
        2.0,
        unreachable=True,
    )


def sample_run(*, strict: bool = False, placement: PlacementReport | None = None) -> RunResult:
    return RunResult(
        (order_call(), quiet_call(), down_call()), 1_234.0, strict=strict, placement=placement
    )


def one_sided_placement() -> PlacementReport:
    form = order_call().turns[0].exchange
    query = replace(form, placement="query", status=400, body=b"missing call_id")
    return PlacementReport(form, query, form_ok=True, query_ok=False)
