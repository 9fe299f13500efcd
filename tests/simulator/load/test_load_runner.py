"""Load runs in process: complete validated calls folded into statistics, under their limits."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

import pytest

from vcall.simulator.clock import VirtualClock
from vcall.simulator.fixture.loader import load_scenario, load_scenarios
from vcall.simulator.load import LoadConfig, LoadResult, LoadRun, run_load
from vcall.simulator.replay.engine import CallFinished, Event
from vcall.simulator.replay.results import CallResult
from vcall.simulator.replay.targets import EXAMPLE_BOT, Target, resolve_target
from vcall.simulator.transport.sender import Exchange, Placement

SHIPPED = Path(str(resources.files("vcall.fixtures")))
ORDER = SHIPPED / "inbound_order_inquiry.yaml"
BENCHMARK_CALL = Path(__file__).parents[3] / "benchmarks" / "fixtures" / "ten_turn_call.yaml"
NOWHERE = Target("a test sender", "http://bot.test/callback")


class ReferenceSender:
    """Answers like ``benchmarks/reference_endpoint.py`` (answer, play, hangup on 再见) after a
    turn of the event loop; tracks how many callbacks are in flight at once."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.most_in_flight = 0
        self.sent = 0

    async def __call__(
        self, url: str, params: Mapping[str, str], *, placement: Placement, timeout_s: float
    ) -> Exchange:
        self.sent += 1
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        await asyncio.sleep(0)
        self.in_flight -= 1
        return Exchange("POST", url, dict(params), placement.value, 200, _JSON, _answer(params))


_JSON = {"content-type": "application/json"}


def _answer(params: Mapping[str, str]) -> bytes:
    if params["content_type"] == "callin":
        data = {"action": "answer", "action_code": "welcome.wav"}
    elif "再见" in params["content"]:
        data = {"action": "hangup", "action_code": "goodbye.wav"}
    else:
        data = {"action": "play", "action_code": "reply.wav"}
    envelope = {"result": "success", "msg": "成功", "data": {**data, "call_id": params["call_id"]}}
    return json.dumps(envelope, ensure_ascii=False).encode()


class RecordingWallClock(VirtualClock):
    """A virtual wall clock that remembers every deadline it was asked to sleep until."""

    def __init__(self) -> None:
        super().__init__()
        self.deadlines: list[float] = []

    async def sleep_until(self, deadline_ms: float) -> None:
        self.deadlines.append(deadline_ms)
        await super().sleep_until(deadline_ms)


def load(config: LoadConfig, **options: object) -> LoadResult:
    scenarios = [load_scenario(BENCHMARK_CALL)]
    return asyncio.run(run_load(scenarios, NOWHERE, config, **options))  # type: ignore[arg-type]


def test_a_small_run_against_the_example_bot_is_complete_and_clean() -> None:
    scenarios = load_scenarios([str(ORDER), str(SHIPPED / "transfer_to_agent.yaml")])
    config = LoadConfig(calls=12, concurrency=4, realtime=False, seed=3)
    result = asyncio.run(run_load(scenarios, resolve_target(EXAMPLE_BOT), config))
    stats = result.stats
    assert (stats.calls_started, stats.calls_done, stats.calls_failed) == (12, 12, 0)
    assert stats.callbacks > 24 and stats.latency.count == stats.callbacks
    assert not stats.errors and not stats.violations and stats.error_rate == 0
    assert set(stats.by_kind) >= {"callin", "normal"}
    assert sum(h.count for h in stats.by_kind.values()) == stats.callbacks
    assert stats.lateness.max_us == 0, "no pacing on the virtual clock"
    assert result.callbacks_per_s > 0 and not result.interrupted


def test_every_callback_goes_through_the_sender_and_every_answer_is_checked() -> None:
    sender = ReferenceSender()
    result = load(LoadConfig(calls=5, concurrency=5, realtime=False), sender=sender)
    assert sender.sent == result.stats.callbacks == 5 * 11
    assert result.stats.calls_done == 5 and not result.stats.violations


def test_no_more_calls_run_at_once_than_the_concurrency() -> None:
    sender = ReferenceSender()
    load(LoadConfig(calls=20, concurrency=3, realtime=False), sender=sender)
    assert sender.most_in_flight == 3


def test_new_calls_start_at_the_rate_on_the_wall_clock() -> None:
    wall = RecordingWallClock()
    load(
        LoadConfig(calls=5, concurrency=5, rate=4, realtime=False),
        sender=ReferenceSender(),
        wall=wall,
    )
    assert wall.deadlines == [0, 250, 500, 750, 1000]
    assert wall.now_ms() == 1000


def test_an_unreachable_endpoint_fails_every_call_with_errors_not_violations() -> None:
    class Refused(ReferenceSender):
        async def __call__(
            self, url: str, params: Mapping[str, str], *, placement: Placement, timeout_s: float
        ) -> Exchange:
            return Exchange("POST", url, dict(params), placement.value, error="connect")

    stats = load(LoadConfig(calls=3, concurrency=2, realtime=False), sender=Refused()).stats
    assert (stats.calls_done, stats.calls_failed, stats.callbacks) == (3, 3, 3)
    assert stats.errors["endpoint-unreachable"] == 3 + 3, "each callin, and each abandoned call"
    assert stats.error_rate == 1.0 and not stats.violations


def test_a_load_run_keeps_no_transcript_or_timeline(monkeypatch: pytest.MonkeyPatch) -> None:
    finished: list[CallResult] = []
    fold = LoadRun.sink

    def sink(self: LoadRun, event: Event) -> None:
        if isinstance(event, CallFinished):
            finished.append(event.result)
        fold(self, event)

    monkeypatch.setattr(LoadRun, "sink", sink)
    load(LoadConfig(calls=2, concurrency=2, realtime=False), sender=ReferenceSender())
    assert len(finished) == 2
    assert all(result.turns == () and result.timeline == () for result in finished)


class Garbled(ReferenceSender):
    """Answers 200 with a body no envelope can be read from."""

    async def __call__(
        self, url: str, params: Mapping[str, str], *, placement: Placement, timeout_s: float
    ) -> Exchange:
        return Exchange("POST", url, dict(params), placement.value, 200, _JSON, b"\xff\xfe\x00")


def test_undecodable_answers_are_errors_and_fail_their_calls() -> None:
    stats = load(LoadConfig(calls=3, concurrency=2, realtime=False), sender=Garbled()).stats
    assert stats.errors["body-not-utf8"] == stats.callbacks > 0
    assert stats.error_rate == 1.0 and not any(
        rule.startswith("body-") for rule in stats.violations
    )
    assert stats.calls_failed == 3


def test_a_call_with_a_failed_turn_is_a_failed_call() -> None:
    class NoActionCode(ReferenceSender):
        async def __call__(
            self, url: str, params: Mapping[str, str], *, placement: Placement, timeout_s: float
        ) -> Exchange:
            exchange = await super().__call__(url, params, placement=placement, timeout_s=timeout_s)
            if params["content_type"] != "normal":
                return exchange
            body = json.loads(exchange.body)
            del body["data"]["action_code"]  # play with nothing to play: a spec violation
            return Exchange(
                "POST", url, dict(params), placement.value, 200, _JSON, json.dumps(body).encode()
            )

    stats = load(LoadConfig(calls=4, concurrency=2, realtime=False), sender=NoActionCode()).stats
    assert stats.violations["action-code-missing"] > 0 and stats.error_rate == 0
    assert (stats.calls_done, stats.calls_failed) == (4, 4)
