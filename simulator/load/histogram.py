"""A log-linear latency histogram (HDR-style): bounded memory, ~0.8 % relative error, O(1) record.

Values are recorded in microseconds. Below 128 µs every value has its own bucket; above, each
power of two is split into 128 equal buckets, so a percentile is never off by more than 1/128 of
its value. Exact count, sum, min and max are kept besides.
"""

from __future__ import annotations

from collections.abc import Iterable

SUB_BITS = 7
SUB_COUNT = 1 << SUB_BITS
MAX_VALUE_US = 1 << 40
"""About 12.7 days: larger values are clamped (a latency is bounded by the timeout anyway)."""
_BUCKETS = SUB_COUNT + (MAX_VALUE_US.bit_length() - SUB_BITS) * SUB_COUNT


def bucket_index(value_us: int) -> int:
    if value_us < SUB_COUNT:
        return max(value_us, 0)
    value_us = min(value_us, MAX_VALUE_US - 1)
    shift = value_us.bit_length() - SUB_BITS - 1
    return SUB_COUNT + shift * SUB_COUNT + ((value_us >> shift) - SUB_COUNT)


def bucket_bounds(index: int) -> tuple[int, int]:
    """The values ``[low, high)`` that land in bucket ``index``."""
    if index < SUB_COUNT:
        return index, index + 1
    shift, sub = divmod(index - SUB_COUNT, SUB_COUNT)
    low = (SUB_COUNT + sub) << shift
    return low, low + (1 << shift)


class Histogram:
    __slots__ = ("_counts", "count", "max_us", "min_us", "total_us")

    def __init__(self) -> None:
        self._counts = [0] * _BUCKETS
        self.count = 0
        self.total_us = 0
        self.min_us = 0
        self.max_us = 0

    def record_ms(self, value_ms: float) -> None:
        self.record_us(int(value_ms * 1000))

    def record_us(self, value_us: int) -> None:
        self.record_in(bucket_index(value_us), value_us)

    def record_in(self, index: int, value_us: int) -> None:
        """Record ``value_us`` whose :func:`bucket_index` is ``index`` (computed once for all
        the histograms a value goes to)."""
        self._counts[index] += 1
        if not self.count or value_us < self.min_us:
            self.min_us = value_us
        if value_us > self.max_us:
            self.max_us = value_us
        self.count += 1
        self.total_us += value_us

    def merge(self, other: Histogram) -> None:
        for index, count in enumerate(other._counts):
            if count:
                self._counts[index] += count
        if other.count and (not self.count or other.min_us < self.min_us):
            self.min_us = other.min_us
        self.max_us = max(self.max_us, other.max_us)
        self.count += other.count
        self.total_us += other.total_us

    def bucket_counts(self) -> list[int]:
        """A copy of the bucket counts, to compare a later state with (:meth:`percentiles_since`)."""
        return self._counts.copy()

    def percentiles_since(self, earlier: list[int], percents: Iterable[float]) -> list[float]:
        """Percentiles (ms) of the values recorded since ``earlier`` was taken (0 when none).

        Each is the midpoint of its bucket: within 1/128 of the true value, like the others.
        """
        wanted = sorted(percents)
        new = [now - before for now, before in zip(self._counts, earlier, strict=True)]
        total = sum(new)
        if not total:
            return [0.0 for _ in wanted]
        ranks = [max(1, round(p / 100 * total + 0.4999999)) for p in wanted]
        found: list[float] = []
        seen = 0
        for index, count in enumerate(new):
            if not count:
                continue
            seen += count
            while len(found) < len(ranks) and seen >= ranks[len(found)]:
                low, high = bucket_bounds(index)
                found.append((low + high - 1) // 2 / 1000)
        return found

    def to_wire(self) -> dict[str, object]:
        """Plain data (for another process): the non-empty buckets and the exact figures."""
        buckets = [[index, count] for index, count in enumerate(self._counts) if count]
        return {
            "buckets": buckets,
            "count": self.count,
            "total_us": self.total_us,
            "min_us": self.min_us,
            "max_us": self.max_us,
        }

    @classmethod
    def from_wire(cls, data: dict[str, object]) -> Histogram:
        """The histogram :meth:`to_wire` described; out-of-range buckets are an error."""
        histogram = cls()
        for index, count in data["buckets"]:  # type: ignore[attr-defined]
            if not 0 <= index < _BUCKETS:
                raise ValueError(f"histogram bucket {index} is out of range")
            histogram._counts[index] = int(count)
        histogram.count = int(data["count"])  # type: ignore[call-overload]
        histogram.total_us = int(data["total_us"])  # type: ignore[call-overload]
        histogram.min_us = int(data["min_us"])  # type: ignore[call-overload]
        histogram.max_us = int(data["max_us"])  # type: ignore[call-overload]
        return histogram

    def percentile_us(self, percent: float) -> int:
        """The value at ``percent`` (0–100): the midpoint of its bucket, clamped to [min, max]."""
        if not self.count:
            return 0
        rank = max(1, round(percent / 100 * self.count + 0.4999999))
        seen = 0
        for index, count in enumerate(self._counts):
            seen += count
            if seen >= rank:
                low, high = bucket_bounds(index)
                return min(max((low + high - 1) // 2, self.min_us), self.max_us)
        return self.max_us

    def percentile_ms(self, percent: float) -> float:
        return self.percentile_us(percent) / 1000

    @property
    def mean_ms(self) -> float:
        return self.total_us / self.count / 1000 if self.count else 0.0

    @property
    def max_ms(self) -> float:
        return self.max_us / 1000

    def summary_ms(self, percents: Iterable[float] = (50, 90, 95, 99)) -> dict[str, float]:
        values = {f"p{p:g}": round(self.percentile_ms(p), 3) for p in percents}
        values["max"] = round(self.max_ms, 3)
        values["mean"] = round(self.mean_ms, 3)
        return values
