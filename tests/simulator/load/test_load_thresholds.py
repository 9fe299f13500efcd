"""Load thresholds: named breaches, and with no threshold given, a failed call fails the run."""

from __future__ import annotations

import pytest

from vcall.simulator.load import LoadStats, Thresholds, check_thresholds


def stats_with(calls: int, failed: int) -> LoadStats:
    stats = LoadStats()
    stats.calls_started = stats.calls_done = calls
    stats.calls_failed = failed
    return stats


def test_with_no_threshold_any_failed_call_is_a_breach() -> None:
    (breach,) = check_thresholds(stats_with(200, 200), Thresholds())
    assert breach.message == (
        "failed calls 200 of 200 is over the limit 0 (no --max-error-rate or --max-violations given)"
    )


def test_with_no_threshold_a_clean_run_passes() -> None:
    assert check_thresholds(stats_with(200, 0), Thresholds()) == []


@pytest.mark.parametrize(
    "thresholds", [Thresholds(max_error_rate=0.5), Thresholds(max_violations=10)]
)
def test_a_failure_threshold_given_decides_alone(thresholds: Thresholds) -> None:
    assert check_thresholds(stats_with(200, 3), thresholds) == []


def test_a_latency_threshold_alone_does_not_let_failed_calls_pass() -> None:
    (breach,) = check_thresholds(stats_with(200, 200), Thresholds(max_p99_ms=1e9))
    assert breach.name == "failed calls"
