"""What ``explore()`` returns: the crawl, the problems found (shrunk), their replays, the fixtures
saved. Its own module so that saving (``saving.py``) and the run (``run.py``) both stand on it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from vcall.simulator.dialogue_map import ExploreMap, PathRun
from vcall.simulator.explore.crawler import Crawl
from vcall.simulator.explore.problems import Caution, Problem
from vcall.simulator.replay import WrongPath

if TYPE_CHECKING:  # a type only: the face's ExploreResult stays light to import
    from vcall.simulator.explore.asr_robustness import Robustness
    from vcall.simulator.properties import PropertyOutcome

OUT_OF_MEMORY = "out of memory"
"""Why a crawl stopped early when memory ran out (``Crawl.stopped``)."""


@dataclass(slots=True)
class ExploreResult:
    target: str
    crawl: Crawl
    problems: list[Problem]
    runs: dict[int, PathRun] = field(default_factory=dict)
    """The replay of each problem's (shrunk) path, by its index in ``problems``."""
    saved: list[Path] = field(default_factory=list)
    saved_paths: list[Path] = field(default_factory=list)
    wall_s: float = 0.0
    wrong_path: WrongPath | None = None
    """Every callback got HTTP 404/405: the one thing to say (the problems are left empty)."""
    robustness: Robustness | None = None
    """``--asr-robustness``: how the bot's routes stand up to ASR variants."""
    min_robustness: float | None = None
    properties: list[PropertyOutcome] = field(default_factory=list)
    property_runs: dict[int, PathRun] = field(default_factory=dict)
    """The call that shows each violated property, by its index in ``properties``."""
    property_saved: list[Path] = field(default_factory=list)
    property_wall_s: float = 0.0
    """The time checking the properties took (after the crawl)."""

    @property
    def warnings(self) -> list[Caution]:
        return self.crawl.book.warnings

    @property
    def out_of_memory(self) -> bool:
        """The crawl ran out of memory: what it found is kept, but the map is partial."""
        return self.crawl.stopped == OUT_OF_MEMORY

    def failed(self, strict: bool = False) -> bool:
        """Problems (or a wrong path, or a violated property) fail an exploration; warnings only
        when ``strict``."""
        violated = any(outcome.violated for outcome in self.properties)
        return bool(
            self.problems
            or self.wrong_path
            or violated
            or (strict and self.warnings)
            or self.fragile
        )

    @property
    def fragile(self) -> bool:
        """``--min-robustness``: the routing score is below it."""
        wanted, measured = self.min_robustness, self.robustness
        return wanted is not None and measured is not None and measured.score < wanted

    @property
    def map(self) -> ExploreMap:
        return self.crawl.map

    @property
    def interrupted(self) -> bool:
        return self.crawl.interrupted
