"""Playing out a loop or dead end only as far as needed, the time budget over every phase, and
the same problems whatever the concurrency."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from menu_bot import PLANTED, menu_bot, play

from vcall.simulator.asgi import App, Receive, Scope, Send, read_body
from vcall.simulator.dialogue_map.moves import Move, MoveKind
from vcall.simulator.example_bot.asgi import parse_callback, read_params
from vcall.simulator.explore.crawler import Limits
from vcall.simulator.explore.driver import (
    MAX_PERIOD,
    PERIODS,
    PathDriver,
    is_periodic,
    periods_needed,
)
from vcall.simulator.explore.problems import ProblemKind
from vcall.simulator.explore.progress import ExploreProgress
from vcall.simulator.explore.run import ExploreConfig, ExploreResult, explore
from vcall.simulator.fixture.scenario import CallSettings, EndReason, Wait
from vcall.simulator.replay.engine import SimulationConfig, open_client, run_context
from vcall.simulator.replay.targets import app_target
from vcall.simulator.spec import CallbackKind

GREETING = {"action": "answer", "action_code": "welcome.wav", "dynamic_id": "start"}
GOODBYE = {"action": "hangup", "action_code": "bye.wav"}
LINES = ("查话费", "转人工")
STILL_THERE = "您好，您还在吗？"
NEVER_ENDING = {ProblemKind.DEAD_END, ProblemKind.LOOP}


def silence_counter(hang_up_at: int | None, text: str = STILL_THERE) -> App:
    """A bot that answers every silence alike, counting them per call (the caller never hears
    the count), and hangs up at the ``hang_up_at``-th (never, if ``None``)."""
    silences: dict[str, int] = {}

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = await read_body(receive)
        call_id, kind, _ = parse_callback(read_params(scope.get("query_string", b""), body, ""))
        if kind is CallbackKind.CALLIN:
            data: dict[str, Any] = GREETING
        elif kind is CallbackKind.MUTE:
            silences[call_id] = silences.get(call_id, 0) + 1
            ended = hang_up_at is not None and silences[call_id] >= hang_up_at
            data = GOODBYE if ended else play(text, "ask")
        else:
            data = play(text, "ask")
        envelope = {"result": "success", "msg": "ok", "data": {"call_id": call_id, **data}}
        headers = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        payload = json.dumps(envelope, ensure_ascii=False).encode()
        await send({"type": "http.response.body", "body": payload})

    return app


def _explore(app: App, **limits: Any) -> ExploreResult:
    config = ExploreConfig(lines=LINES, limits=Limits(**limits))
    return explore(app_target("bot", app), config)


def test_a_bot_that_hangs_up_at_the_fifth_silence_is_not_a_loop() -> None:
    result = _explore(silence_counter(hang_up_at=5))
    kinds = {problem.kind for problem in result.problems}
    assert not NEVER_ENDING & kinds, kinds


def test_a_bot_that_never_hangs_up_is_a_dead_end_found_without_waiting_out_the_hour() -> None:
    progress = ExploreProgress()
    config = ExploreConfig(lines=LINES)
    result = explore(app_target("bot", silence_counter(hang_up_at=None)), config, progress)
    assert NEVER_ENDING & {problem.kind for problem in result.problems}
    # waited out, the hour's session timeout is ~330 mute callbacks per play-out; the play-outs
    # stop after PERIODS identical answers instead
    assert progress.callbacks < 400, progress.callbacks


def test_the_play_out_stops_once_periodic_but_sees_the_bot_end_the_call() -> None:
    async def plays(hang_up_at: int | None) -> tuple[EndReason | None, int]:
        target = app_target("bot", silence_counter(hang_up_at))
        async with open_client(target, SimulationConfig()) as http:
            driver = PathDriver(run_context(http, target, SimulationConfig()), CallSettings())
            wait = Move(MoveKind.SILENCE, "wait", (Wait(),))
            ended = await driver.plays_on((wait,), time.perf_counter() + 30)
            return ended, driver.callbacks

    ended, callbacks = asyncio.run(plays(hang_up_at=9))
    assert ended is EndReason.BOT_HANGUP  # the 9th silence, before PERIODS of them
    ended, callbacks = asyncio.run(plays(hang_up_at=None))
    assert ended is None  # taken as never ending
    assert PERIODS <= callbacks <= PERIODS + 3, callbacks


def test_a_cycle_repeated_for_the_periods_needed_is_periodic() -> None:
    assert is_periodic(["a"] * PERIODS, PERIODS)
    assert not is_periodic(["a"] * (PERIODS - 1), PERIODS)
    assert is_periodic(["x", "y", *["a", "b"] * PERIODS], PERIODS)
    assert not is_periodic(["a", "b"] * PERIODS + ["c"], PERIODS)
    cycle = [str(i) for i in range(MAX_PERIOD + 1)]
    assert not is_periodic(cycle * PERIODS, PERIODS)  # longer than any cycle looked for


def test_a_counter_the_bot_shows_raises_the_periods_needed() -> None:
    assert periods_needed(0) == PERIODS
    assert periods_needed(30) == 32
    # says it hangs up after 15 reminders and does at the 12th silence: more silences than
    # PERIODS, fewer than the number it showed
    said = "您还在吗？提醒15次后将挂机。"
    result = _explore(silence_counter(hang_up_at=PERIODS + 2, text=said))
    kinds = {problem.kind for problem in result.problems}
    assert not NEVER_ENDING & kinds, kinds
    # the same bot, saying nothing of its count, is taken for one that never ends the call
    result = _explore(silence_counter(hang_up_at=PERIODS + 2))
    assert NEVER_ENDING & {problem.kind for problem in result.problems}


def test_the_same_problems_are_found_one_call_at_a_time_and_eight() -> None:
    def found(concurrency: int) -> list[tuple[str, str]]:
        config = ExploreConfig(limits=Limits(max_depth=4, concurrency=concurrency))
        result = explore(app_target("menu", menu_bot(PLANTED, keys="1234")), config)
        return [(problem.kind.value, problem.title) for problem in result.problems]

    one = found(1)
    assert one and one == found(8)
    assert {kind for kind, _ in one} >= {"http-error", "spec-error", "dead-end"}


def test_max_time_bounds_the_whole_exploration_against_a_slow_bot() -> None:
    async def slow(scope: Scope, receive: Receive, send: Send) -> None:
        await asyncio.sleep(0.05)
        await menu_bot(PLANTED)(scope, receive, send)

    started = time.perf_counter()
    config = ExploreConfig(limits=Limits(max_time_s=1.0, concurrency=2))
    result = explore(app_target("slow", slow), config)
    wall = time.perf_counter() - started
    assert result.crawl.stopped.startswith("--max-time")
    assert wall < 2.0, wall  # the budget, plus one callback's time to cancel


def test_running_out_of_memory_stops_the_crawl_with_the_map_so_far(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    played = [0]
    run = PathDriver.run

    async def failing(self: PathDriver, moves: Any, runner: Any = None) -> Any:
        played[0] += 1
        if played[0] > 30:
            raise MemoryError
        return await run(self, moves, runner)

    monkeypatch.setattr(PathDriver, "run", failing)
    result = explore(app_target("menu", menu_bot(PLANTED)), ExploreConfig())
    assert result.crawl.stopped == "out of memory"
    assert len(result.map.nodes) >= 3
    assert not result.interrupted
    assert result.out_of_memory  # the command exits 1 on it: a partial map is never a pass
    from vcall.cli.commands.explore import _exit_code
    from vcall.cli.exit_codes import ExitCode

    assert _exit_code(result) is ExitCode.FAILED
