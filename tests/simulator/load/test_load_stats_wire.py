"""``LoadStats`` as plain data and merged: what a Locust worker sends and its master adds up."""

from __future__ import annotations

import asyncio
import json
import random

import pytest
from test_load_runner import NOWHERE, ORDER, ReferenceSender

from vcall.simulator.clock import VirtualClock
from vcall.simulator.fixture.loader import load_scenario
from vcall.simulator.load import Histogram, LoadConfig, LoadStats, run_load


def _stats(calls: int, seed: int) -> LoadStats:
    config = LoadConfig(calls=calls, concurrency=3, realtime=False, seed=seed)
    result = asyncio.run(
        run_load(
            [load_scenario(ORDER)], NOWHERE, config, wall=VirtualClock(), sender=ReferenceSender()
        )
    )
    return result.stats


def _figures(stats: LoadStats) -> dict[str, object]:
    return {
        "callbacks": stats.callbacks,
        "calls": (stats.calls_started, stats.calls_done, stats.calls_failed),
        "p50": stats.latency.percentile_us(50),
        "p99": stats.latency.percentile_us(99),
        "max": stats.latency.max_us,
        "total": stats.latency.total_us,
        "kinds": {k: (h.count, h.percentile_us(90)) for k, h in stats.by_kind.items()},
        "violations": dict(stats.violations),
        "slowest": [(s.latency_ms, s.scenario, s.turn) for s in stats.slowest],
    }


def test_stats_survive_plain_data_and_json() -> None:
    stats = _stats(5, seed=1)
    stats.violations["action-unknown"] += 2
    wire = json.loads(json.dumps(stats.to_wire()))
    assert _figures(LoadStats.from_wire(wire)) == _figures(stats)


def test_merging_two_shares_equals_one_histogram_of_all_values() -> None:
    rng = random.Random(7)
    values = [rng.uniform(0.05, 900.0) for _ in range(2000)]
    whole, first, second = Histogram(), Histogram(), Histogram()
    for index, value in enumerate(values):
        whole.record_ms(value)
        (first if index % 2 else second).record_ms(value)
    first.merge(Histogram.from_wire(second.to_wire()))
    for percent in (0, 50, 90, 99, 99.9, 100):
        assert first.percentile_us(percent) == whole.percentile_us(percent)
    assert (first.count, first.total_us, first.min_us, first.max_us) == (
        whole.count,
        whole.total_us,
        whole.min_us,
        whole.max_us,
    )


def test_merged_stats_add_counts_and_keep_the_slowest_of_both() -> None:
    first, second = _stats(4, seed=1), _stats(6, seed=2)
    second.errors["endpoint-timeout"] += 3
    expected_slowest = sorted(first.slowest + second.slowest, reverse=True)[:10]
    merged = LoadStats()
    merged.merge(first)
    merged.merge(LoadStats.from_wire(second.to_wire()))
    assert merged.callbacks == first.callbacks + second.callbacks
    assert merged.calls_done == 10
    assert merged.errors["endpoint-timeout"] == 3
    callins = first.by_kind["callin"].count + second.by_kind["callin"].count
    assert merged.by_kind["callin"].count == callins == 10
    assert [s.latency_ms for s in merged.slowest] == [s.latency_ms for s in expected_slowest]


def test_a_bucket_out_of_range_is_refused() -> None:
    wire = Histogram().to_wire()
    wire["buckets"] = [[10**9, 1]]
    with pytest.raises(ValueError, match="out of range"):
        Histogram.from_wire(wire)


def test_information_is_not_counted_as_a_warning() -> None:
    """Content-Type advice (severity info) is no doubt about the answer: load's warnings count
    only warnings (issue 20: one info line a run at most)."""
    from types import SimpleNamespace

    from vcall.simulator.findings import Finding, Severity

    stats = LoadStats()
    info = Finding("content-type-not-json", Severity.INFO, "", "advice", "vcall")
    warning = Finding("range-fallback", Severity.WARNING, "data.mute_time", "fallback", "001")
    stats._count_findings(SimpleNamespace(findings=(info, warning)))  # type: ignore[arg-type]
    assert dict(stats.warnings) == {"range-fallback": 1}
    assert not stats.violations and not stats.errors
