"""What a Locust worker sends the master, read and checked: nothing Locust-specific is imported.

A worker's ``vcall_stats`` message is the plain data of its ``LoadStats`` share. The master
folds every share into the run's verdict, so a share no real worker can send (a negative count,
a histogram whose buckets disagree with its count, a failed-call count above the calls done)
must not be merged: ``-5`` failed calls would turn a failing run into a passing one.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from vcall.simulator.load.histogram import Histogram
from vcall.simulator.load.stats import LoadStats

_COUNTS = ("callbacks", "errored_callbacks", "calls_started", "calls_done", "calls_failed")


def read_worker_stats(data: Any) -> LoadStats:
    """The statistics a worker sent; ``ValueError`` (saying what is wrong) when the message is
    malformed or holds what no worker can count."""
    if not isinstance(data, dict):
        raise ValueError(f"expected an object, got {type(data).__name__}")
    try:
        stats = LoadStats.from_wire(data)
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as error:
        raise ValueError(f"malformed statistics ({type(error).__name__}: {error})") from None
    problem = stats_problem(stats)
    if problem:
        raise ValueError(problem)
    return stats


def stats_problem(stats: LoadStats) -> str:
    """What no worker can have counted, or ``""``."""
    for name in _COUNTS:
        if getattr(stats, name) < 0:
            return f"{name} is negative ({getattr(stats, name)})"
    if stats.errored_callbacks > stats.callbacks:
        return "more errored callbacks than callbacks"
    if stats.calls_failed > stats.calls_done:
        return "more failed calls than calls done"
    for label, counter in (
        ("violations", stats.violations),
        ("warnings", stats.warnings),
        ("errors", stats.errors),
    ):
        problem = _counter_problem(label, counter)
        if problem:
            return problem
    histograms = {"latency": stats.latency, "lateness": stats.lateness}
    histograms.update({f"latency of {kind}": h for kind, h in stats.by_kind.items()})
    for label, histogram in histograms.items():
        problem = _histogram_problem(label, histogram)
        if problem:
            return problem
    if stats.latency.count != stats.callbacks:
        return "the latency histogram does not count every callback"
    if any(not math.isfinite(s.latency_ms) or s.latency_ms < 0 for s in stats.slowest):
        return "a slowest turn has a negative or non-finite latency"
    return ""


def _counter_problem(label: str, counter: Counter[str]) -> str:
    negative = [key for key, count in counter.items() if count < 0]
    return f"{label}: {negative[0]!r} has a negative count" if negative else ""


def _histogram_problem(label: str, histogram: Histogram) -> str:
    wire = histogram.to_wire()
    buckets: list[list[int]] = wire["buckets"]  # type: ignore[assignment]
    counts = [count for _index, count in buckets]
    if any(count < 0 for count in counts) or histogram.count < 0 or histogram.total_us < 0:
        return f"{label}: a negative count or total"
    if sum(counts) != histogram.count:
        return f"{label}: its buckets hold {sum(counts)}, its count says {histogram.count}"
    if histogram.count and not 0 <= histogram.min_us <= histogram.max_us:
        return f"{label}: min and max are out of order"
    return ""
