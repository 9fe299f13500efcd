"""The load run over time: per interval (1 s), calls started, callbacks, p50/p99 and errors.

``--report-csv`` writes it; the HTML load report draws it. Sampled by a task that wakes once per
interval and compares the run's :class:`LoadStats` with the previous sample (counters, and the
latency histogram's buckets), so recording a turn costs nothing extra.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from vcall.simulator.atomic import write_atomic
from vcall.simulator.load.stats import LoadStats

INTERVAL_MS = 1000
MAX_ROWS = 100_000
"""More than 24 h of 1 s intervals (``--duration`` is at most 24 h)."""
CSV_COLUMNS = (
    "t_s",
    "seconds",
    "calls_started",
    "callbacks",
    "callbacks_per_s",
    "p50_ms",
    "p99_ms",
    "errors",
    "violations",
    "expectation_misses",
)


@dataclass(frozen=True, slots=True)
class SeriesRow:
    t_s: float
    """When the interval ended, seconds from the start of the run."""
    seconds: float
    calls_started: int
    callbacks: int
    p50_ms: float
    p99_ms: float
    errors: int
    """Callbacks without a usable answer (timeouts, refused, bad HTTP) in the interval."""
    violations: int
    """Spec violations in the interval."""
    expectation_misses: int = 0
    """Fixture expectation misses in the interval (not spec violations)."""

    @property
    def callbacks_per_s(self) -> float:
        return self.callbacks / self.seconds if self.seconds > 0 else 0.0

    def csv_cells(self) -> list[str]:
        return [
            f"{self.t_s:.3f}",
            f"{self.seconds:.3f}",
            str(self.calls_started),
            str(self.callbacks),
            f"{self.callbacks_per_s:.1f}",
            f"{self.p50_ms:.3f}",
            f"{self.p99_ms:.3f}",
            str(self.errors),
            str(self.violations),
            str(self.expectation_misses),
        ]


class TimeSeries:
    """Rows of a run's figures per interval, taken by :meth:`sample`."""

    def __init__(self, stats: LoadStats, interval_ms: float = INTERVAL_MS) -> None:
        self.stats = stats
        self.interval_ms = interval_ms
        self.rows: list[SeriesRow] = []
        self._last_ms = 0.0
        self._last = self._counters()
        self._buckets = stats.latency.bucket_counts()

    def _counters(self) -> tuple[int, int, int, int, int]:
        stats = self.stats
        return (
            stats.calls_started,
            stats.callbacks,
            stats.errored_callbacks,
            stats.violation_count,
            stats.expectation_count,
        )

    @property
    def full(self) -> bool:
        return len(self.rows) >= MAX_ROWS

    def next_sample_ms(self) -> float:
        return self._last_ms + self.interval_ms

    def sample(self, now_ms: float) -> None:
        """Close the interval from the previous sample to ``now_ms`` (ms since the start)."""
        if self.full or now_ms <= self._last_ms:
            return
        counters = self._counters()
        started, callbacks, errors, violations, misses = (
            now - before for now, before in zip(counters, self._last, strict=True)
        )
        p50, p99 = self.stats.latency.percentiles_since(self._buckets, (50, 99))
        seconds = (now_ms - self._last_ms) / 1000
        self.rows.append(
            SeriesRow(
                now_ms / 1000, seconds, started, callbacks, p50, p99, errors, violations, misses
            )
        )
        self._last_ms, self._last = now_ms, counters
        self._buckets = self.stats.latency.bucket_counts()


def series_csv(rows: list[SeriesRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(row.csv_cells() for row in rows)
    return buffer.getvalue()


def write_series_csv(rows: list[SeriesRow], path: str | Path) -> None:
    write_atomic(path, series_csv(rows))
