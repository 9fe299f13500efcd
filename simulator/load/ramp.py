"""Load shapes: ``--ramp 0:10/s,5m:200/s,10m:200/s``, the arrival rate of new calls over time.

A ramp is a list of ``TIME:RATE`` points, the first at 0. Between two points the rate changes
linearly (a ramp); two points at the same time make a step. After the last point the rate stays
at the last rate (the run ends at the last point unless ``--duration`` says otherwise). Call
``n`` (from 0) starts when the number of calls due so far, the integral of the rate, reaches
``n``: the first at 0, then ever closer together as the rate grows.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass

from vcall.simulator.errors import UsageError
from vcall.simulator.fixture import parse_duration
from vcall.simulator.spec import SMARTCALL_QPS_LIMIT

MAX_POINTS = 1000
_POINT = re.compile(r"\s*([^:,\s]+)\s*:\s*([0-9]*\.?[0-9]+)\s*(?:/s)?\s*")


@dataclass(frozen=True, slots=True)
class RampPoint:
    at_ms: float
    rate: float
    """New calls per second at ``at_ms``."""


@dataclass(frozen=True, slots=True)
class _Segment:
    start_ms: float
    end_ms: float
    rate_start: float
    rate_end: float
    calls_before: float
    """Calls due before the segment starts."""

    @property
    def calls(self) -> float:
        return (self.rate_start + self.rate_end) / 2 * (self.end_ms - self.start_ms) / 1000


class Ramp:
    """A piecewise-linear arrival rate; :meth:`start_ms` says when each call is due."""

    def __init__(self, points: list[RampPoint]) -> None:
        if not points:
            raise UsageError("--ramp: give at least one TIME:RATE point, e.g. 0:10/s,5m:200/s")
        self.points = tuple(points)
        self._segments: list[_Segment] = []
        due = 0.0
        for first, second in itertools.pairwise(points):
            segment = _Segment(first.at_ms, second.at_ms, first.rate, second.rate, due)
            self._segments.append(segment)
            due += segment.calls
        self._calls_in_points = due

    @property
    def end_ms(self) -> float:
        return self.points[-1].at_ms

    def rate_at(self, at_ms: float) -> float:
        """The arrival rate (calls/s) at ``at_ms``."""
        for segment in self._segments:
            if segment.start_ms <= at_ms < segment.end_ms:
                fraction = (at_ms - segment.start_ms) / (segment.end_ms - segment.start_ms)
                return segment.rate_start + (segment.rate_end - segment.rate_start) * fraction
        return self.points[-1].rate

    def start_ms(self, index: int) -> float | None:
        """When call ``index`` (0-based) is due; ``None``: never (the rate stays 0)."""
        for segment in self._segments:
            if segment.calls_before + segment.calls > index:
                return _within(segment, index - segment.calls_before)
        last = self.points[-1]
        if last.rate <= 0:
            return None
        return last.at_ms + (index - self._calls_in_points) / last.rate * 1000


def _within(segment: _Segment, calls: float) -> float:
    """The time in ``segment`` by which ``calls`` of its calls are due (solves the quadratic)."""
    seconds = (segment.end_ms - segment.start_ms) / 1000
    slope = (segment.rate_end - segment.rate_start) / seconds if seconds else 0.0
    start = segment.rate_start
    # calls = start * t + slope / 2 * t**2, in the form that stays exact when slope is 0
    root = math.sqrt(max(start * start + 2 * slope * calls, 0.0))
    if start + root <= 0:
        return segment.start_ms
    return segment.start_ms + 2 * calls / (start + root) * 1000


def parse_ramp(text: str) -> Ramp:
    """``0:10/s,5m:200/s,10m:200/s`` -> a :class:`Ramp` (times ascending, rates within limits)."""
    points: list[RampPoint] = []
    parts = [part for part in text.split(",") if part.strip()]
    if len(parts) > MAX_POINTS:
        raise UsageError(f"--ramp: more than {MAX_POINTS} points")
    for number, part in enumerate(parts, 1):
        match = _POINT.fullmatch(part)
        if match is None:
            raise UsageError(
                f"--ramp point {number} {part.strip()!r}: expected TIME:RATE such as 5m:200/s"
            )
        when, rate = match.groups()
        at_ms = float(parse_duration(when, what=f"--ramp point {number}"))
        _check_point(number, at_ms, float(rate), points)
        points.append(RampPoint(at_ms, float(rate)))
    return Ramp(points)


def _check_point(number: int, at_ms: float, rate: float, before: list[RampPoint]) -> None:
    if not 0 <= rate <= SMARTCALL_QPS_LIMIT:
        raise UsageError(
            f"--ramp point {number}: {rate:g}/s is outside 0–{SMARTCALL_QPS_LIMIT}/s "
            "(the platform's SmartCall limit)"
        )
    if before and at_ms < before[-1].at_ms:
        raise UsageError(f"--ramp point {number}: times must not go backwards")
    if not before and at_ms != 0:
        raise UsageError("--ramp: the first point is at 0 (e.g. 0:10/s)")
