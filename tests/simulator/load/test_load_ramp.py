"""``--ramp``: when each call of a piecewise-linear arrival rate is due, and the run it makes."""

from __future__ import annotations

import asyncio

import pytest
from test_load_runner import NOWHERE, ORDER, ReferenceSender

from vcall.simulator.clock import VirtualClock
from vcall.simulator.errors import UsageError
from vcall.simulator.fixture.loader import load_scenario
from vcall.simulator.load import LoadConfig, run_load
from vcall.simulator.load.ramp import parse_ramp


def test_a_linear_ramp_then_a_plateau_starts_calls_as_the_integral_of_its_rate() -> None:
    ramp = parse_ramp("0:10/s,5m:200/s,10m:200/s")
    assert ramp.end_ms == 600_000
    assert ramp.rate_at(150_000) == pytest.approx(105)
    assert ramp.start_ms(0) == 0
    assert ramp.start_ms(1) == pytest.approx(99.7, abs=0.1)  # 10/s, already rising
    assert ramp.start_ms(31_500) == pytest.approx(300_000)  # (10 + 200) / 2 * 300 s
    assert ramp.start_ms(31_700) == pytest.approx(301_000)  # then 200/s
    assert ramp.start_ms(91_500) == pytest.approx(600_000)


def test_a_constant_rate_spaces_calls_like_rate_does() -> None:
    ramp = parse_ramp("0:20/s,1m:20/s")
    assert [ramp.start_ms(n) for n in range(4)] == pytest.approx([0, 50, 100, 150])


def test_two_points_at_one_time_make_a_step() -> None:
    ramp = parse_ramp("0:1/s, 2s:1/s, 2s:10/s")
    assert [ramp.start_ms(n) for n in range(5)] == pytest.approx([0, 1000, 2000, 2100, 2200])


def test_a_rate_falling_to_zero_starts_no_more_calls() -> None:
    ramp = parse_ramp("0:10/s,2s:0/s")
    assert ramp.start_ms(9) is not None
    assert ramp.start_ms(10) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "at least one TIME:RATE point"),
        ("0:10/s,fast", "point 2 'fast': expected TIME:RATE"),
        ("1m:10/s", "the first point is at 0"),
        ("0:10/s,2m:20/s,1m:30/s", "point 3: times must not go backwards"),
        ("0:10/s,1m:5000/s", "point 2: 5000/s is outside 0–1000/s"),
        ("0:10/s,10:20/s", "point 2: '10' is not a duration"),
    ],
)
def test_a_bad_ramp_says_which_point_and_why(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_ramp(text)


def test_a_ramp_sets_the_duration_and_excludes_rate() -> None:
    ramp = parse_ramp("0:10/s,30s:10/s")
    assert LoadConfig(ramp=ramp).checked().duration_ms == 30_000
    assert LoadConfig(ramp=ramp, calls=5).checked().duration_ms is None
    with pytest.raises(UsageError, match="either --rate or --ramp"):
        LoadConfig(ramp=ramp, rate=5).checked()
    with pytest.raises(UsageError, match="one point needs --duration"):
        LoadConfig(ramp=parse_ramp("0:10/s")).checked()


def test_a_run_on_a_ramp_starts_the_calls_it_makes_due() -> None:
    ramp = parse_ramp("0:10/s,2s:10/s,2s:100/s,3s:100/s")  # 20 calls, then 100 in the last second
    config = LoadConfig(ramp=ramp, calls=120, concurrency=500, realtime=False)
    wall = VirtualClock()
    result = asyncio.run(
        run_load([load_scenario(ORDER)], NOWHERE, config, wall=wall, sender=ReferenceSender())
    )
    assert result.stats.calls_done == 120
    assert wall.now_ms() == pytest.approx(2990)  # the last call was due at 2.99 s


class EarlyClock(VirtualClock):
    """Wakes half a millisecond before the deadline, as event-loop timers may."""

    async def sleep_until(self, deadline_ms: float) -> None:
        await super().sleep_until(deadline_ms - 0.5)


def test_a_call_due_at_the_end_of_the_ramp_is_not_started() -> None:
    config = LoadConfig(ramp=parse_ramp("0:10/s,1s:10/s"), concurrency=50, realtime=False)
    result = asyncio.run(
        run_load(
            [load_scenario(ORDER)], NOWHERE, config, wall=EarlyClock(), sender=ReferenceSender()
        )
    )
    assert result.stats.calls_started == 10  # at 0, 100, ..., 900 ms; not the one due at 1 s
