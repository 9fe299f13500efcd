"""Aggregated statistics of a load run: histograms per callback kind, counts by rule, slowest turns.

Load runs keep no transcripts: every finished turn is folded in here and dropped, so memory does
not grow with the number of calls.
"""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from vcall.simulator.findings import Severity
from vcall.simulator.load.histogram import Histogram, bucket_index
from vcall.simulator.replay.engine import CALL_CRASHED
from vcall.simulator.replay.results import CallResult, Turn, is_fixture_expectation

SLOWEST_KEPT = 10
TRANSPORT_RULES = frozenset(
    {
        "endpoint-unreachable",
        "endpoint-timeout",
        "body-too-large",
        "http-protocol-error",
        "http-status",
        "body-encoding",
    }
)
UNUSABLE_ANSWER_RULES = frozenset(
    {"body-empty", "body-not-utf8", "body-not-json", "body-not-object", "body-too-deep"}
)
"""An answer came but no envelope can be read from it: the platform has nothing to act on."""
ERROR_RULES = TRANSPORT_RULES | UNUSABLE_ANSWER_RULES | {CALL_CRASHED}
"""Rules that mean the callback got no usable answer (or the call stopped on an exception): they
count as errors (the error rate), not spec violations."""
CRASHES_KEPT = 5
"""Distinct messages of calls that stopped on an exception, kept to be shown."""


_COUNTS = (
    "callbacks",
    "errored_callbacks",
    "calls_started",
    "calls_done",
    "calls_failed",
    "calls_crashed",
)


@dataclass(frozen=True, slots=True, order=True)
class SlowTurn:
    latency_ms: float
    scenario: str = field(compare=False)
    turn: int = field(compare=False)
    kind: str = field(compare=False)
    action: str = field(compare=False)


@dataclass(slots=True)
class LoadStats:
    """Folds turns and calls in as they finish."""

    latency: Histogram = field(default_factory=Histogram)
    by_kind: dict[str, Histogram] = field(default_factory=dict)
    lateness: Histogram = field(default_factory=Histogram)
    violations: Counter[str] = field(default_factory=Counter)
    """Spec violations: error findings of the validator (what the platform would reject)."""
    expectations: Counter[str] = field(default_factory=Counter)
    """Fixture expectation misses (``expect``, ``end``, unplayed steps, ...): what the fixture
    expected of the bot it was written for, not the spec; never counted as violations."""
    warnings: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    callbacks: int = 0
    errored_callbacks: int = 0
    calls_started: int = 0
    calls_done: int = 0
    calls_failed: int = 0
    """Calls with a finding of severity error, on any turn or on the call."""
    calls_crashed: int = 0
    """Calls that stopped on an exception (counted in ``calls_failed`` too)."""
    crashes: list[str] = field(default_factory=list)
    """The first few distinct messages of those exceptions."""
    _slowest: list[SlowTurn] = field(default_factory=list)
    _failing: set[int] = field(default_factory=set)
    """Calls under way (by index) that have had a failed turn."""

    @property
    def calls_active(self) -> int:
        return self.calls_started - self.calls_done

    def record_turn(self, scenario: str, turn: Turn) -> None:
        latency = turn.exchange.latency_ms
        kind = str(turn.callback.kind)  # StrEnum: its value, without the slow descriptor
        self.callbacks += 1
        latency_us = int(latency * 1000)
        index = bucket_index(latency_us)  # once for both histograms
        self.latency.record_in(index, latency_us)
        histogram = self.by_kind.get(kind)
        if histogram is None:
            histogram = self.by_kind[kind] = Histogram()
        histogram.record_in(index, latency_us)
        lateness = turn.lateness_ms
        if lateness:
            self.lateness.record_ms(lateness)
        else:  # as fast as possible: never late
            self.lateness.record_in(0, 0)
        if turn.findings:
            self._count_findings(turn)
        if len(self._slowest) < SLOWEST_KEPT or latency > self._slowest[0].latency_ms:
            self._keep_if_slow(SlowTurn(latency, scenario, turn.number, kind, turn.action or "-"))

    def _count_findings(self, turn: Turn) -> None:
        errored = False
        for finding in turn.findings:
            if finding.rule in ERROR_RULES:
                self.errors[finding.rule] += 1
                errored = True
            elif is_fixture_expectation(finding):
                self.expectations[finding.rule] += 1
            elif finding.severity is Severity.ERROR:
                self.violations[finding.rule] += 1
            elif (
                finding.severity is Severity.WARNING
            ):  # information (Content-Type advice) is no doubt
                self.warnings[finding.rule] += 1
        self.errored_callbacks += errored

    def _keep_if_slow(self, slow: SlowTurn) -> None:
        if len(self._slowest) < SLOWEST_KEPT:
            heapq.heappush(self._slowest, slow)
        elif slow.latency_ms > self._slowest[0].latency_ms:
            heapq.heapreplace(self._slowest, slow)

    def turn_failed(self, call_index: int) -> None:
        """A turn of call ``call_index`` (still under way) had a finding of severity error."""
        self._failing.add(call_index)

    def record_call(self, call: CallResult, call_index: int | None = None) -> None:
        """A call is over; it failed if it or one of its turns had an error (load runs keep no
        turns in the ``CallResult``: ``turn_failed`` told)."""
        self.calls_done += 1
        failed_turn = call_index is not None and call_index in self._failing
        if failed_turn:
            self._failing.discard(call_index)
        self.calls_failed += call.failed() or failed_turn
        for finding in call.call_findings:
            if finding.rule == CALL_CRASHED:
                self._crashed(finding.message)
            if finding.rule in ERROR_RULES:
                self.errors[finding.rule] += finding.is_error
            elif is_fixture_expectation(finding):
                self.expectations[finding.rule] += 1
            elif finding.is_error:
                self.violations[finding.rule] += 1

    def _crashed(self, message: str) -> None:
        self.calls_crashed += 1
        if len(self.crashes) < CRASHES_KEPT and message not in self.crashes:
            self.crashes.append(message)

    def merge(self, other: LoadStats) -> None:
        """Fold another run's statistics in (another process's share of the same load)."""
        self.latency.merge(other.latency)
        for kind, histogram in other.by_kind.items():
            self.by_kind.setdefault(kind, Histogram()).merge(histogram)
        self.lateness.merge(other.lateness)
        self.violations.update(other.violations)
        self.expectations.update(other.expectations)
        self.warnings.update(other.warnings)
        self.errors.update(other.errors)
        for name in _COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for slow in other._slowest:
            self._keep_if_slow(slow)
        for message in other.crashes:
            if len(self.crashes) < CRASHES_KEPT and message not in self.crashes:
                self.crashes.append(message)

    def to_wire(self) -> dict[str, Any]:
        """Plain data (lists, dicts, numbers, strings) that :meth:`from_wire` reads back."""
        return {
            "latency": self.latency.to_wire(),
            "by_kind": {kind: h.to_wire() for kind, h in self.by_kind.items()},
            "lateness": self.lateness.to_wire(),
            "violations": dict(self.violations),
            "expectations": dict(self.expectations),
            "warnings": dict(self.warnings),
            "errors": dict(self.errors),
            "counts": {name: getattr(self, name) for name in _COUNTS},
            "slowest": [
                [s.latency_ms, s.scenario, s.turn, s.kind, s.action] for s in self._slowest
            ],
            "crashes": list(self.crashes),
        }

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> LoadStats:
        stats = cls(
            latency=Histogram.from_wire(data["latency"]),
            by_kind={str(k): Histogram.from_wire(h) for k, h in data["by_kind"].items()},
            lateness=Histogram.from_wire(data["lateness"]),
            violations=Counter({str(k): int(v) for k, v in data["violations"].items()}),
            expectations=Counter({str(k): int(v) for k, v in data["expectations"].items()}),
            warnings=Counter({str(k): int(v) for k, v in data["warnings"].items()}),
            errors=Counter({str(k): int(v) for k, v in data["errors"].items()}),
        )
        for name in _COUNTS:
            setattr(stats, name, int(data["counts"][name]))
        for latency, scenario, turn, kind, action in data["slowest"]:
            stats._keep_if_slow(SlowTurn(float(latency), str(scenario), int(turn), kind, action))
        stats.crashes = [str(message) for message in data["crashes"][:CRASHES_KEPT]]
        return stats

    @property
    def slowest(self) -> list[SlowTurn]:
        return sorted(self._slowest, reverse=True)

    @property
    def error_rate(self) -> float:
        return self.errored_callbacks / self.callbacks if self.callbacks else 0.0

    @property
    def violation_count(self) -> int:
        """Spec violations only (not the fixtures' expectation misses)."""
        return sum(self.violations.values())

    @property
    def expectation_count(self) -> int:
        """Fixture expectation misses."""
        return sum(self.expectations.values())
