"""A virtual wall clock for concurrent tasks: sleepers really wait, and time jumps to the earliest
deadline once the event loop has run out of other work (``drive`` runs beside the code under test).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools

from vcall.simulator.clock import VirtualClock

IDLE_TURNS = 50
"""Loop turns without a wake-up after which the loop counts as idle (nothing here does I/O)."""


class SteppingClock(VirtualClock):
    def __init__(self) -> None:
        super().__init__()
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    async def sleep_until(self, deadline_ms: float) -> None:
        if deadline_ms <= self.now_ms():
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (deadline_ms, next(self._order), future))
        await future

    async def drive(self) -> None:
        """Forever: let the loop go idle, then wake the earliest sleepers at their deadline."""
        while True:
            for _ in range(IDLE_TURNS):
                await asyncio.sleep(0)
            while self._sleepers and self._sleepers[0][2].done():
                heapq.heappop(self._sleepers)  # its sleeper was cancelled
            if not self._sleepers:
                continue
            deadline_ms = self._sleepers[0][0]
            self.advance(deadline_ms - self.now_ms())
            while self._sleepers and self._sleepers[0][0] <= deadline_ms:
                _, _, future = heapq.heappop(self._sleepers)
                if not future.done():
                    future.set_result(None)
