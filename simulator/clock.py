"""Clocks. Engine code never reads the wall clock directly: it is given a :class:`Clock`.

:class:`VirtualClock` advances only when asked to sleep, so minutes of simulated silence cost
nothing; :class:`WallClock` paces a call on real time (``--realtime``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Protocol

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")
"""China Standard Time: the platform's wall-clock times (``begin_time``, ``--epoch`` dates)."""


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
"""Where a bare virtual clock's Unix time starts (2025-11-21, a fixed, replayable instant; tests).
A run's calls start at the wall-clock time unless given ``--epoch`` (:func:`parse_epoch`)."""
EPOCH_FORMS = "Unix time in ms (1763700000000) or an ISO date-time (2025-11-21T12:40:00+08:00)"


def wall_epoch_ms() -> int:
    """Unix time now, in milliseconds: where a call's virtual clock starts by default."""
    return int(time.time() * 1000)


def parse_epoch(value: object, what: str) -> int:
    """``--epoch`` / ``call.start_time``: Unix time in ms (or s, 10 digits), or an ISO 8601
    date-time (no zone: Shanghai time, the platform's). ``ValueError`` names ``what``."""
    if isinstance(value, datetime):
        stamp = value if value.tzinfo else value.replace(tzinfo=SHANGHAI)
        return int(stamp.timestamp() * 1000)
    text = str(value).strip()
    if text.isdigit():
        number = int(text)
        return number * 1000 if len(text) <= 10 else number
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{what}: {text!r} is not {EPOCH_FORMS}") from None
    return parse_epoch(parsed, what)


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

    @classmethod
    def factory(cls, epoch_ms: int | None) -> Callable[[], Clock]:
        """One virtual clock per call, its Unix time starting at ``epoch_ms`` (``--epoch``), or
        at the wall-clock time the call starts: ``timestamp`` is the current time (the follow-up page,
        "当前时间戳"), so a bot that refuses stale callbacks accepts vcall's."""
        if epoch_ms is not None:
            fixed = epoch_ms
            return lambda: cls(fixed)
        return lambda: cls(wall_epoch_ms())


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
