"""What an exploration or a check is doing while it runs: plain figures a display reads.

The library updates them as it goes; the CLI reads them from another thread a few times a
second (a live line on a terminal, a plain line every few seconds in a log). Nothing here
prints or waits.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass(slots=True)
class ExploreProgress:
    phase: str = "starting"
    """``crawling``, ``confirming loops and dead ends``, ``shrinking``, ``saving``, ``done``."""
    calls: int = 0
    callbacks: int = 0
    states: int = 0
    frontier: int = 0
    """States of the depth being crawled, waiting to have their moves tried."""
    depth: int = 0
    problems: int = 0
    deadline: float = 0.0
    """``time.perf_counter()`` at which the whole exploration stops (``--max-time``)."""

    def time_left_s(self) -> float:
        return max(0.0, self.deadline - time.perf_counter()) if self.deadline else 0.0


@dataclass(slots=True)
class CheckProgress:
    phase: str = "starting"
    """``finding situations`` (a short crawl), then ``running behaviours``, then ``done``."""
    running: list[str] = field(default_factory=list)
    """The behaviours whose calls are under way."""
    total: int = 0
    """Behaviour calls to run (behaviours reached, times placements)."""
    tally: dict[str, int] = field(default_factory=dict)
    """Verdicts so far: ``passed``, ``failed`` ..."""
    calls: int = 0
    """Calls placed so far (the crawl's included)."""

    def started(self, name: str) -> None:
        self.running.append(name)

    def finished(self, name: str, verdict: str) -> None:
        if name in self.running:
            self.running.remove(name)
        self.tally[verdict] = self.tally.get(verdict, 0) + 1

    @property
    def done(self) -> int:
        return sum(self.tally.values())
