"""The time series of a load run: per-interval figures from the run's statistics, as CSV."""

from __future__ import annotations

import csv
import io
import random

from vcall.simulator.load import Histogram, LoadStats
from vcall.simulator.load.series import CSV_COLUMNS, TimeSeries, series_csv


def _record(stats: LoadStats, latencies_ms: list[float], *, errored: int = 0) -> None:
    for latency in latencies_ms:
        stats.latency.record_ms(latency)
        stats.callbacks += 1
    stats.errored_callbacks += errored


def test_each_row_holds_only_its_own_interval() -> None:
    stats = LoadStats()
    series = TimeSeries(stats)
    stats.calls_started += 3
    _record(stats, [10.0] * 99 + [500.0])
    series.sample(1000)
    stats.calls_started += 1
    _record(stats, [2.0, 3.0, 4.0], errored=1)
    stats.violations["action-unknown"] += 2
    series.sample(1500)
    first, second = series.rows
    assert (first.t_s, first.seconds, first.calls_started, first.callbacks) == (1.0, 1.0, 3, 100)
    assert abs(first.p50_ms - 10.0) < 0.1 and abs(first.p99_ms - 10.0) < 0.1
    assert (second.seconds, second.callbacks, second.errors, second.violations) == (0.5, 3, 1, 2)
    assert second.callbacks_per_s == 6.0
    assert abs(second.p50_ms - 3.0) < 0.05 and abs(second.p99_ms - 4.0) < 0.05


def test_interval_percentiles_equal_a_histogram_of_just_those_values() -> None:
    rng = random.Random(3)
    stats = LoadStats()
    series = TimeSeries(stats)
    _record(stats, [rng.uniform(1, 50) for _ in range(500)])
    series.sample(1000)
    later = [rng.uniform(100, 900) for _ in range(777)]
    _record(stats, later)
    series.sample(2000)
    alone = Histogram()
    for value in later:
        alone.record_ms(value)
    row = series.rows[1]
    # the same bucket; the whole-run histogram clamps to its exact min/max, a difference cannot
    assert abs(row.p50_ms - alone.percentile_ms(50)) <= alone.percentile_ms(50) / 128
    assert abs(row.p99_ms - alone.percentile_ms(99)) <= alone.percentile_ms(99) / 128


def test_no_new_time_makes_no_row_and_an_empty_interval_is_zeros() -> None:
    stats = LoadStats()
    series = TimeSeries(stats)
    series.sample(0)
    assert series.rows == []
    series.sample(1000)
    row = series.rows[0]
    assert (row.callbacks, row.p50_ms, row.p99_ms, row.callbacks_per_s) == (0, 0.0, 0.0, 0.0)
    assert series.next_sample_ms() == 2000


def test_csv_has_a_header_and_one_line_per_interval() -> None:
    stats = LoadStats()
    series = TimeSeries(stats)
    _record(stats, [5.0, 7.0])
    series.sample(1000)
    series.sample(2000)
    rows = list(csv.reader(io.StringIO(series_csv(series.rows))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[1][:5] == ["1.000", "1.000", "0", "2", "2.0"]
    assert rows[2][3] == "0"
