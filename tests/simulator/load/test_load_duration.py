"""``--duration`` holds: no call starts after it, calls under way at it are cut (virtual clock)."""

from __future__ import annotations

import asyncio

from stepping_clock import SteppingClock
from test_load_runner import BENCHMARK_CALL, NOWHERE, ReferenceSender

from vcall.simulator.fixture.loader import load_scenario
from vcall.simulator.load import LoadConfig, LoadResult, run_load


def run_for(config: LoadConfig) -> tuple[LoadResult, SteppingClock]:
    wall = SteppingClock()

    async def main() -> LoadResult:
        driver = asyncio.ensure_future(wall.drive())
        try:
            scenarios = [load_scenario(BENCHMARK_CALL)]
            return await run_load(scenarios, NOWHERE, config, wall=wall, sender=ReferenceSender())
        finally:
            driver.cancel()

    return asyncio.run(main()), wall


def call_length_ms() -> float:
    result, wall = run_for(LoadConfig(calls=1, concurrency=1, realtime=True))
    assert result.stats.calls_done == 1
    return wall.now_ms()


def test_calls_under_way_when_the_duration_runs_out_are_cut_then() -> None:
    length = call_length_ms()
    assert length > 10_000, "a realtime call of the benchmark fixture lasts longer than the run"
    result, wall = run_for(LoadConfig(duration_ms=5_000, concurrency=3, realtime=True))
    assert wall.now_ms() == 5_000, "the run ends at the duration, not when a call ends"
    stats = result.stats
    assert (stats.calls_started, stats.calls_done, result.cut_at_deadline) == (3, 0, 3)
    assert 3 <= stats.callbacks < 3 * 11, "the turns the cut calls had played are counted"


def test_no_call_waiting_for_a_free_slot_starts_after_the_duration() -> None:
    length = call_length_ms()
    duration = int(length * 1.5)  # the first calls end at `length`; their successors are cut
    result, wall = run_for(LoadConfig(duration_ms=duration, concurrency=2, realtime=True))
    assert wall.now_ms() == duration
    stats = result.stats
    assert (stats.calls_started, stats.calls_done, result.cut_at_deadline) == (4, 2, 2)


def test_a_call_due_at_the_rate_after_the_duration_is_not_waited_for() -> None:
    config = LoadConfig(duration_ms=2_500, rate=1, concurrency=10, realtime=True)
    result, wall = run_for(config)
    assert wall.now_ms() == 2_500, "not 3,000: the call due then is never started"
    assert (result.stats.calls_started, result.cut_at_deadline) == (3, 3)
