"""Clocks. Engine code never reads the wall clock directly: it is given a :class:`Clock`.

:class:`VirtualClock` advances only when asked to sleep, so minutes of simulated silence cost
nothing; :class:`WallClock` paces a call on real time (``--realtime``).
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol


class Clock(Protocol):
    def now_ms(self) -> float:
        """Milliseconds on this clock's time line (monotonic)."""
        ...

    def epoch_ms(self) -> int:
        """Unix time in milliseconds, for the timestamps the platform sends."""
        ...

    async def sleep_until(self, deadline_ms: float) -> None:
        """Wait until ``now_ms() >= deadline_ms``."""
        ...


VIRTUAL_EPOCH_MS = 1_763_700_000_000
"""Where a virtual clock's Unix time starts by default (2025-11-21, a fixed, replayable instant)."""


class VirtualClock:
    """A clock that jumps: sleeping moves time forward instantly."""

    def __init__(self, start_epoch_ms: int = VIRTUAL_EPOCH_MS) -> None:
        self._now = 0.0
        self._epoch = start_epoch_ms

    def now_ms(self) -> float:
        return self._now

    def epoch_ms(self) -> int:
        return self._epoch + round(self._now)

    async def sleep_until(self, deadline_ms: float) -> None:
        self._now = max(self._now, deadline_ms)

    def jump_to(self, deadline_ms: float) -> None:
        """``sleep_until`` without a coroutine (the engine's per-callback fast path)."""
        self._now = max(self._now, deadline_ms)

    def advance(self, ms: float) -> None:
        self._now += ms


class WallClock:
    """Real time: ``now_ms`` from a monotonic counter, ``sleep_until`` really waits."""

    def __init__(self) -> None:
        self._origin = time.monotonic()

    def now_ms(self) -> float:
        return (time.monotonic() - self._origin) * 1000.0

    def epoch_ms(self) -> int:
        return int(time.time() * 1000)

    async def sleep_until(self, deadline_ms: float) -> None:
        delay = (deadline_ms - self.now_ms()) / 1000.0
        if delay > 0:
            await asyncio.sleep(delay)
