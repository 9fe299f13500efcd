"""Issue 20: ``vcall check`` must not fail a spec-correct bot. Each bot here answers like the
example bot (spec-correct answers) and refuses what a real receiver may rightly refuse:

- calls of the direction it does not serve (inbound and outbound are separate services, seed 000:
  the inbound service is enabled on its own, 服务开通 / 呼入配置);
- a second ``callin`` with a ``call_id`` it has seen (seed 001: 这通呼叫的唯一ID);
- a callback holding ``@`` (seed 002: @ = : " $ { } ^ * ¥ never appear in SmartCall callbacks);
- a callback whose ``timestamp`` is over 5 minutes old (seed 001: timestamp is 当前时间戳);

or answers with another 2xx than 200 (no seed names a status).
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable, Mapping
from typing import Any

from vcall.simulator.asgi import App, Receive, Scope, Send, read_body
from vcall.simulator.clock import VIRTUAL_EPOCH_MS
from vcall.simulator.example_bot.asgi import parse_callback, read_params
from vcall.simulator.example_bot.dialogue import answer_callback
from vcall.simulator.explore.check import CheckConfig, CheckResult, Verdict, check
from vcall.simulator.fixture.scenario import Direction
from vcall.simulator.replay.engine import SimulationConfig
from vcall.simulator.replay.targets import app_target
from vcall.simulator.spec import CallbackKind

Refusal = tuple[int, str] | None
Gate = Callable[[Mapping[str, str], CallbackKind], Refusal]
"""What a bot refuses: (HTTP status, msg) for a callback it will not answer, else ``None``."""


def gated_bot(gate: Gate, status: int = 200) -> App:
    """A bot answering every callback as the example bot does, except what ``gate`` refuses
    (with ``result: fail``); its answers carry HTTP ``status``."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = await read_body(receive)
        params = read_params(scope.get("query_string", b""), body, "")
        call_id, kind, content = parse_callback(params)
        refused = gate(params, kind)
        if refused is None:
            data = {"call_id": call_id, **answer_callback(kind, content)}
            code, payload = status, {"result": "success", "msg": "成功", "data": data}
        else:
            code, payload = refused[0], {"result": "fail", "msg": refused[1], "data": {}}
        headers = [(b"content-type", b"application/json; charset=utf-8")]
        await send({"type": "http.response.start", "status": code, "headers": headers})
        text = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        await send({"type": "http.response.body", "body": text})

    return app


def inbound_only() -> Gate:
    """Knows the calls that reached it by ``callin``; anything else is a call it never placed."""
    known: set[str] = set()

    def gate(params: Mapping[str, str], kind: CallbackKind) -> Refusal:
        if kind is CallbackKind.CALLIN:
            known.add(params["call_id"])
            return None
        return None if params["call_id"] in known else (404, "unknown call")

    return gate


def outbound_only(params: Mapping[str, str], kind: CallbackKind) -> Refusal:
    return (400, "inbound calls are not served") if kind is CallbackKind.CALLIN else None


def no_second_callin() -> Gate:
    seen: set[str] = set()

    def gate(params: Mapping[str, str], kind: CallbackKind) -> Refusal:
        if kind is not CallbackKind.CALLIN:
            return None
        if params["call_id"] in seen:
            return (409, "duplicate call_id")
        seen.add(params["call_id"])
        return None

    return gate


def no_at_sign(params: Mapping[str, str], kind: CallbackKind) -> Refusal:
    return (400, "forbidden character") if any("@" in v for v in params.values()) else None


def fresh_only(params: Mapping[str, str], kind: CallbackKind) -> Refusal:
    """Anti-replay: a callback stamped over 5 minutes ago is refused."""
    age_ms = time.time() * 1000 - int(params["timestamp"])
    return (403, "stale timestamp") if age_ms > 5 * 60 * 1000 else None


def accept_all(params: Mapping[str, str], kind: CallbackKind) -> Refusal:
    return None


def _check(app: App, **simulation: Any) -> CheckResult:
    only = simulation.pop("only", None)
    config = CheckConfig(SimulationConfig(**simulation), only=only)
    return check(app_target("bot", app), config)


def _assert_no_error(result: CheckResult) -> None:
    errors = {row.name: row.first_error() for row in result.behaviours if row.first_error()}
    assert errors == {}
    verdicts = {row.verdict(p) for row in result.behaviours for p in result.placements}
    assert Verdict.FAILED not in verdicts and Verdict.PASSED in verdicts
    assert not result.failed
    assert all(not call.failed(False) for call in result.run.calls)


def _by_direction(result: CheckResult, direction: Direction) -> set[Verdict]:
    return {
        row.verdict(p)
        for row in result.behaviours
        if row.behaviour.direction is direction
        for p in result.placements
    }


def test_an_inbound_only_bot_passes_and_outbound_is_not_offered() -> None:
    result = _check(gated_bot(inbound_only()), seed=1)
    _assert_no_error(result)
    assert _by_direction(result, Direction.OUTBOUND) == {Verdict.NOT_OFFERED}
    assert Verdict.PASSED in _by_direction(result, Direction.INBOUND)
    note = result.direction_note()
    assert "serves inbound calls only" in note and "HTTP 404" in note
    assert "--inbound-only" in note
    # their calls are left out of the run (its JUnit/JSON reports): no red test case
    names = {call.scenario.name for call in result.run.calls}
    assert not any(name.startswith(("outbound", "no-dynamic-id")) for name in names)


def test_an_outbound_only_bot_passes_and_inbound_is_not_offered() -> None:
    result = _check(gated_bot(outbound_only), seed=1)
    _assert_no_error(result)
    assert _by_direction(result, Direction.INBOUND) == {Verdict.NOT_OFFERED}
    assert _by_direction(result, Direction.OUTBOUND) == {Verdict.PASSED}
    assert "serves outbound calls only" in result.direction_note()
    row = next(r for r in result.behaviours if r.name == "speech")
    assert row.note().startswith("not offered: the bot serves outbound calls only")


def test_only_options_do_not_run_the_other_direction() -> None:
    result = _check(gated_bot(outbound_only), seed=1, only=Direction.OUTBOUND)
    _assert_no_error(result)
    assert _by_direction(result, Direction.INBOUND) == {Verdict.NOT_OFFERED}
    assert {call.scenario.call.direction for call in result.run.calls} == {Direction.OUTBOUND}
    assert "(--outbound-only)" in result.direction_note()
    inbound = _check(gated_bot(accept_all), seed=1, only=Direction.INBOUND)
    assert {call.scenario.call.direction for call in inbound.run.calls} == {Direction.INBOUND}


def test_a_bot_refusing_every_call_or_failing_with_500_is_not_not_offered() -> None:
    """ "Not offered" needs the other direction answered, and a refusal (4xx, or a result other
    than success): a 5xx to every outbound call is a failure."""

    def broken_outbound(params: Mapping[str, str], kind: CallbackKind) -> Refusal:
        return (500, "boom") if params["call_id"] not in calls else None

    calls: set[str] = set()

    def remember(params: Mapping[str, str], kind: CallbackKind) -> Refusal:
        if kind is CallbackKind.CALLIN:
            calls.add(params["call_id"])
        return broken_outbound(params, kind)

    result = _check(gated_bot(remember), seed=1)
    assert result.failed and not result.direction_note()
    assert Verdict.FAILED in _by_direction(result, Direction.OUTBOUND)


def test_a_bot_refusing_a_duplicate_callin_passes_with_a_seed() -> None:
    """Before, ``--seed 3`` built ``Random(3)`` afresh for the crawl and each placement run: 11
    of 31 call ids repeated. One source for the whole check: none does."""
    result = _check(gated_bot(no_second_callin()), seed=3)
    _assert_no_error(result)
    assert _by_direction(result, Direction.INBOUND) <= {Verdict.PASSED}
    ids = [call.call_id for call in result.run.calls]
    assert len(ids) == len(set(ids))


def test_a_bot_refusing_an_at_sign_passes() -> None:
    _assert_no_error(_check(gated_bot(no_at_sign), seed=2))


def test_a_bot_refusing_stale_timestamps_passes_and_a_fixed_old_epoch_shows_why() -> None:
    _assert_no_error(_check(gated_bot(fresh_only), seed=4))
    stale = _check(gated_bot(fresh_only), seed=4, epoch_ms=VIRTUAL_EPOCH_MS)
    assert stale.failed  # every callback refused: the bot answered no call at all


def test_a_bot_answering_201_passes_with_a_warning() -> None:
    result = _check(gated_bot(accept_all, status=201), seed=5)
    _assert_no_error(result)
    findings = [f for call in result.run.calls for f in call.findings if f.rule == "http-status"]
    assert findings and {f.severity.value for f in findings} == {"warning"}
    assert "the platform's handling of 201 is undocumented" in findings[0].message


def test_a_timeout_is_labelled_as_vcalls_budget() -> None:
    """No deadline is documented: a timed-out answer fails on vcall's choice, and says so."""
    import asyncio

    async def slow(scope: Scope, receive: Receive, send: Send) -> None:
        await asyncio.sleep(5)

    config = CheckConfig(SimulationConfig(timeout_s=0.05, seed=1), only=Direction.OUTBOUND)
    result = check(app_target("bot", slow), config)
    row = next(r for r in result.behaviours if r.name == "outbound")
    assert "slow: 0.05 s, vcall's --timeout; the vendor documents none" in row.note()
    default = next(r for r in _check(gated_bot(accept_all), seed=1).behaviours)
    assert default.timeout_s == 10.0 and default.note() == ""
    at_default = dataclasses.replace(row, timeout_s=10.0)
    assert at_default.note() == "slow: 10 s, vcall's default budget; the vendor documents none"
