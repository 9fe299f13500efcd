"""The log-linear histogram: percentiles within its documented error of the exact ones."""

from __future__ import annotations

import math
import random
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vcall.simulator.load.histogram import SUB_COUNT, Histogram, bucket_bounds, bucket_index

PERCENTS = (0.1, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 100)


def exact_percentile(values: list[int], percent: float) -> int:
    """Nearest rank: the smallest value with at least ``percent`` % of the values at or below
    (in exact arithmetic: ``percent`` has at most a few decimals here)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(Fraction(str(percent)) * len(ordered) / 100))
    return ordered[rank - 1]


def filled(values: list[int]) -> Histogram:
    histogram = Histogram()
    for value in values:
        histogram.record_us(value)
    return histogram


@pytest.mark.parametrize("seed", range(5))
def test_percentiles_of_random_latencies_are_within_1_128_of_the_exact_ones(seed: int) -> None:
    rng = random.Random(seed)
    values = [int(rng.lognormvariate(9, 1.5)) for _ in range(20_000)]  # ~8 ms, long tail
    histogram = filled(values)
    for percent in PERCENTS:
        exact = exact_percentile(values, percent)
        assert abs(histogram.percentile_us(percent) - exact) <= exact / SUB_COUNT, percent


@given(
    st.lists(st.integers(0, 10**9), min_size=1, max_size=300),
    st.integers(1, 1000).map(lambda tenths: tenths / 10),
)
def test_any_percentile_is_within_the_error_bound(values: list[int], percent: float) -> None:
    exact = exact_percentile(values, percent)
    assert abs(filled(values).percentile_us(percent) - exact) <= exact / SUB_COUNT


def test_small_values_are_exact_and_count_min_max_mean_are_exact() -> None:
    values = [5, 1, 127, 64, 3]
    histogram = filled(values)
    assert [histogram.percentile_us(p) for p in (20, 40, 60, 80, 100)] == [1, 3, 5, 64, 127]
    assert (histogram.count, histogram.min_us, histogram.max_us) == (5, 1, 127)
    assert histogram.mean_ms == pytest.approx(sum(values) / 5 / 1000)


def test_every_value_lands_in_the_bucket_whose_bounds_hold_it() -> None:
    for value in [0, 1, 127, 128, 129, 255, 256, 1000, 123_456, 10**9, 2**39]:
        low, high = bucket_bounds(bucket_index(value))
        assert low <= value < high and (high - low) <= max(1, value / SUB_COUNT)


def test_merging_two_histograms_is_recording_both() -> None:
    rng = random.Random(7)
    left = [rng.randrange(10**6) for _ in range(500)]
    right = [rng.randrange(10**3) for _ in range(500)]
    merged = filled(left)
    merged.merge(filled(right))
    both = filled(left + right)
    assert [merged.percentile_us(p) for p in PERCENTS] == [both.percentile_us(p) for p in PERCENTS]
    assert (merged.count, merged.min_us, merged.max_us) == (both.count, both.min_us, both.max_us)


def test_an_empty_histogram_reports_zeros() -> None:
    assert Histogram().summary_ms() == {"p50": 0, "p90": 0, "p95": 0, "p99": 0, "max": 0, "mean": 0}
