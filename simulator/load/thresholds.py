"""CI thresholds for a load run: ``--max-p99 300ms``, ``--max-error-rate 0.1%``, ``--max-violations 0``."""

from __future__ import annotations

from dataclasses import dataclass

from vcall.simulator.errors import UsageError
from vcall.simulator.load.stats import LoadStats


@dataclass(frozen=True, slots=True)
class Thresholds:
    max_p99_ms: float | None = None
    max_error_rate: float | None = None
    """A fraction: 0.001 is 0.1 %."""
    max_violations: int | None = None

    @property
    def any(self) -> bool:
        return any(
            value is not None
            for value in (self.max_p99_ms, self.max_error_rate, self.max_violations)
        )


@dataclass(frozen=True, slots=True)
class Breach:
    name: str
    limit: str
    actual: str

    @property
    def message(self) -> str:
        return f"{self.name} {self.actual} is over the limit {self.limit}"


def parse_fraction(text: str, *, what: str = "--max-error-rate") -> float:
    """``0.1%`` -> 0.001; ``0.001`` -> 0.001. Must lie in [0, 1]."""
    raw = text.strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise UsageError(f"{what}: {text!r} is not a rate such as 0.1% or 0.001") from None
    if not 0 <= value <= 1:
        raise UsageError(f"{what}: {text!r} is outside 0–100 %")
    return value


def check_thresholds(stats: LoadStats, thresholds: Thresholds) -> list[Breach]:
    """The limits the run went over. Unless ``--max-error-rate`` or ``--max-violations`` says how
    much failure is acceptable, any failed call is one: a run whose calls fail must not pass.
    ``--max-violations`` counts spec violations only, not the fixtures' expectation misses; a
    call that stopped on an exception is always a breach."""
    breaches: list[Breach] = []
    if stats.calls_crashed:  # never allowed: the call was not played out, nothing was checked
        limit = "0 (a call that stops on an exception is never allowed)"
        breaches.append(Breach("calls stopped by an exception", limit, str(stats.calls_crashed)))
    if thresholds.max_error_rate is None and thresholds.max_violations is None:
        breaches.extend(_no_failed_calls(stats))
    p99 = stats.latency.percentile_ms(99)
    if thresholds.max_p99_ms is not None and p99 > thresholds.max_p99_ms:
        breaches.append(Breach("p99 latency", f"{thresholds.max_p99_ms:g} ms", f"{p99:.1f} ms"))
    rate = stats.error_rate
    if thresholds.max_error_rate is not None and rate > thresholds.max_error_rate:
        breaches.append(Breach("error rate", f"{thresholds.max_error_rate:.3%}", f"{rate:.3%}"))
    violations = stats.violation_count
    if thresholds.max_violations is not None and violations > thresholds.max_violations:
        breaches.append(Breach("spec violations", str(thresholds.max_violations), str(violations)))
    return breaches


def _no_failed_calls(stats: LoadStats) -> list[Breach]:
    if not stats.calls_failed:
        return []
    actual = f"{stats.calls_failed} of {stats.calls_done}"
    limit = "0 (no --max-error-rate or --max-violations given)"
    return [Breach("failed calls", limit, actual)]
