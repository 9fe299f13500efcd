"""A load run's outcome as the library gives it: ``LoadResult.unreachable`` and, on Ctrl-C, the
result of what was done so far (issue 25: library facts, the CLI only renders them)."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Coroutine, Mapping
from pathlib import Path
from typing import Any

import pytest

from vcall.simulator.fixture import load_scenario
from vcall.simulator.load import LoadConfig, LoadResult, LoadRun, LoadStats, run_load_to_outcome
from vcall.simulator.replay import Target
from vcall.simulator.transport import Exchange, Placement

BENCHMARK_CALL = Path(__file__).parents[3] / "benchmarks" / "fixtures" / "ten_turn_call.yaml"
SCENARIOS = [load_scenario(BENCHMARK_CALL)]
NOWHERE = Target("a test sender", "http://bot.test/callback")


class CountingSender:
    """A bot that plays a prompt to every callback, hangs up on 再见, and counts what it got."""

    def __init__(self) -> None:
        self.sent = 0

    async def __call__(
        self, url: str, params: Mapping[str, str], *, placement: Placement, timeout_s: float
    ) -> Exchange:
        self.sent += 1
        await asyncio.sleep(0)
        if params["content_type"] == "callin":
            data = {"action": "answer", "action_code": "welcome.wav"}
        elif "再见" in params["content"]:
            data = {"action": "hangup", "action_code": "goodbye.wav"}
        else:
            data = {"action": "play", "action_code": "reply.wav"}
        body = {"result": "success", "msg": "成功", "data": {**data, "call_id": params["call_id"]}}
        headers = {"content-type": "application/json"}
        answer = json.dumps(body, ensure_ascii=False).encode()
        return Exchange("POST", url, dict(params), placement.value, 200, headers, answer)


def _run(coroutine: Coroutine[Any, Any, LoadResult]) -> LoadResult:
    return asyncio.run(coroutine)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_run_against_nothing_listening_is_unreachable() -> None:
    target = Target("closed", f"http://127.0.0.1:{_closed_port()}/callback")
    config = LoadConfig(calls=3, concurrency=2, realtime=False)
    result = run_load_to_outcome(SCENARIOS, target, config, _run)
    assert result.unreachable and not result.interrupted
    assert result.stats.calls_done == 3


def test_a_run_that_reached_the_bot_is_not_unreachable() -> None:
    config = LoadConfig(calls=3, concurrency=2, realtime=False)
    result = run_load_to_outcome(SCENARIOS, NOWHERE, config, _run, sender=CountingSender())
    assert not result.unreachable and result.stats.callbacks > 3


def test_no_call_done_is_not_unreachable() -> None:
    assert not LoadResult(LoadStats(), LoadConfig(calls=1)).unreachable


def test_ctrl_c_while_a_callback_is_folded_in_gives_the_result_so_far(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fold = LoadStats.record_turn

    def interrupted_at_the_fifth(self: LoadStats, scenario: str, turn: Any) -> None:
        if self.callbacks == 5:
            raise KeyboardInterrupt
        fold(self, scenario, turn)

    monkeypatch.setattr(LoadStats, "record_turn", interrupted_at_the_fifth)
    sender = CountingSender()
    config = LoadConfig(calls=50, concurrency=1, realtime=False)
    result = run_load_to_outcome(SCENARIOS, NOWHERE, config, _run, sender=sender)
    assert result.interrupted and result.stats.callbacks == 5
    assert result.wall_ms > 0 and result.config.calls == 50
    assert sender.sent <= 6, "nothing is sent once Ctrl-C came (nor resent)"


def test_ctrl_c_seen_by_the_progress_display_gives_the_result_so_far() -> None:
    async def stopped_after_three(
        coroutine: Coroutine[Any, Any, LoadResult], holder: list[LoadRun]
    ) -> LoadResult:
        running = asyncio.ensure_future(coroutine)
        while not running.done() and (not holder or holder[0].stats.callbacks < 3):
            await asyncio.sleep(0)
        raise KeyboardInterrupt

    config = LoadConfig(calls=1000, concurrency=1, realtime=False)
    result = run_load_to_outcome(
        SCENARIOS, NOWHERE, config, _run, stopped_after_three, sender=CountingSender()
    )
    assert result.interrupted and 3 <= result.stats.callbacks < 1000


def test_ctrl_c_before_the_run_started_is_raised_as_it_came() -> None:
    async def at_once(
        coroutine: Coroutine[Any, Any, LoadResult], holder: list[LoadRun]
    ) -> LoadResult:
        coroutine.close()
        raise KeyboardInterrupt

    config = LoadConfig(calls=1, realtime=False)
    with pytest.raises(KeyboardInterrupt):
        run_load_to_outcome(SCENARIOS, NOWHERE, config, _run, at_once)
