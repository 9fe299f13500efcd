"""Blocking time for the SmartCall client and batch runner, injectable so that retries and rate
limits are tested on a virtual clock. (The call engine uses the async `vcall.simulator.clock`.)"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class SyncClock(Protocol):
    """What the SmartCall client and the batch runner need to know about time."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards (for intervals)."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds``."""
        ...

    def utcnow(self) -> datetime:
        """The current wall-clock time, timezone-aware UTC (for request timestamps)."""
        ...


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)

    def utcnow(self) -> datetime:
        return datetime.now(UTC)


class VirtualSyncClock:
    """A clock that only moves when told to. ``sleep`` advances it at once and records the
    request in :attr:`sleeps`, so a test can assert the exact waits asked for."""

    def __init__(self, start: float = 0.0, *, utc_start: datetime | None = None) -> None:
        self._now = start
        self._start = start
        self._utc_start = utc_start or datetime(2024, 5, 1, 8, 0, 0, tzinfo=UTC)
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self._now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        """Move the clock forward without recording a sleep (time spent elsewhere)."""
        self._now += max(seconds, 0.0)

    def utcnow(self) -> datetime:
        return self._utc_start + timedelta(seconds=self._now - self._start)
