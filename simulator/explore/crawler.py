"""Breadth-first crawl of a bot's dialogue on the virtual clock.

From the state the call's start leads to, every move the situation allows is played as a new
call (the path to the state, then the move); each new state reached is crawled in turn, one depth
at a time, up to ``max_depth`` moves, ``max_calls`` calls and ``max_time_s`` seconds. The calls
of one depth run concurrently; their outcomes are folded into the map in a fixed order, so the
same seed gives the same map.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from vcall.simulator.errors import EndpointUnreachableError
from vcall.simulator.explore.driver import PathDriver, PathRun, end_state, usable_data
from vcall.simulator.explore.graph import ExploreMap, Node
from vcall.simulator.explore.moves import HANGUP, Move, Situation, moves_for
from vcall.simulator.explore.problems import ProblemBook, unanswered
from vcall.simulator.fixture.scenario import EndReason
from vcall.simulator.replay.engine import CallRunner
from vcall.simulator.replay.results import Turn


@dataclass(frozen=True, slots=True)
class Limits:
    max_depth: int = 8
    max_calls: int = 5000
    max_time_s: float = 120.0
    concurrency: int = 8


@dataclass(slots=True)
class Crawl:
    """What a crawl found: the map, the problems seen on the way, and why it stopped early."""

    map: ExploreMap
    book: ProblemBook
    calls: int = 0
    stopped: str = ""
    """Empty when every reachable state within ``max_depth`` was crawled; else which bound hit."""
    depth_reached: int = 0
    wall_s: float = 0.0
    interrupted: bool = False
    answered: bool = False
    """Whether any answer of any call was usable (HTTP 2xx, ``result`` ``success``)."""
    asked: tuple[Turn, ...] = ()
    """The turns of the first call that sent the bot anything (what a no-answer problem quotes)."""


class Crawler:
    def __init__(
        self,
        driver: PathDriver,
        lines: Sequence[str],
        limits: Limits,
        enough: Callable[[ExploreMap], bool] | None = None,
    ) -> None:
        """``enough``: asked after each depth; true stops the crawl there (what ``check``
        needs may be found long before the whole dialogue is)."""
        self.driver = driver
        self.lines = tuple(lines)
        self.limits = limits
        self.enough = enough
        self.started = time.perf_counter()
        self.crawl = Crawl(ExploreMap(driver.identity), ProblemBook())

    async def run(self) -> Crawl:
        crawl = self.crawl
        try:
            await self._crawl()
        except (KeyboardInterrupt, asyncio.CancelledError):
            crawl.interrupted = True
            crawl.stopped = "interrupted"
        crawl.wall_s = time.perf_counter() - self.started
        return crawl

    async def _crawl(self) -> None:
        first = await self.driver.run([])
        self.crawl.calls += 1
        if first.result.unreachable:
            raise EndpointUnreachableError(
                f"the endpoint {self.driver.ctx.target.label} could not be reached"
            )
        root = self._fold_root(first)
        await self._crawl_from(root)
        if not self.crawl.answered and self.crawl.asked and not self.crawl.book.problems:
            self.crawl.book.problems.append(unanswered(root, self.crawl.asked))

    async def _crawl_from(self, root: Node) -> None:
        frontier = [root]
        depth = 0
        while frontier and not (self.enough and self.enough(self.crawl.map)):
            if depth >= self.limits.max_depth:
                self.crawl.stopped = self.crawl.stopped or f"--max-depth {self.limits.max_depth}"
                break
            jobs = [(node, move) for node in frontier for move in self._moves(node)]
            calls = [job for job in jobs if job[1] is not HANGUP]
            runs = iter(await self._run_jobs(calls))
            fresh: list[Node] = []
            missed: set[int] = set()
            for node, move in jobs:  # in job order, whatever order the calls finished in
                if move is HANGUP:
                    fresh.extend(self._fold_hangup(node))
                    continue
                run = next(runs)
                if run is None:
                    missed.add(id(node))
                else:
                    fresh.extend(self._fold(node, move, run))
            for node in frontier:
                node.expanded = id(node) not in missed
            if self.crawl.stopped:
                break
            depth += 1
            self.crawl.depth_reached = depth
            frontier = fresh

    def _moves(self, node: Node) -> list[Move]:
        return [] if node.final else moves_for(node.situation, self.lines)

    async def _run_jobs(self, jobs: Sequence[tuple[Node, Move]]) -> list[PathRun | None]:
        """Each job as a call, ``concurrency`` at a time; ``None`` for a call not made (a bound)."""
        runners: list[CallRunner | None] = []
        for node, move in jobs:
            if self._bound_hit():
                runners.append(None)
                continue
            runners.append(self.driver.runner((*node.path, move)))
            self.crawl.calls += 1
        semaphore = asyncio.Semaphore(max(1, self.limits.concurrency))

        async def one(job: tuple[Node, Move], runner: CallRunner | None) -> PathRun | None:
            if runner is None or self.crawl.interrupted:
                return None
            async with semaphore:
                if self.crawl.interrupted:
                    return None
                try:
                    return await self.driver.run((*job[0].path, job[1]), runner)
                except KeyboardInterrupt:  # raised in a call: stop the crawl, keep the map
                    self.crawl.interrupted = True
                    self.crawl.stopped = "interrupted"
                    return None

        return list(await asyncio.gather(*(one(j, r) for j, r in zip(jobs, runners, strict=False))))

    def _bound_hit(self) -> bool:
        limits = self.limits
        if self.crawl.calls >= limits.max_calls:
            self.crawl.stopped = f"--max-calls {limits.max_calls}"
        elif time.perf_counter() - self.started > limits.max_time_s:
            self.crawl.stopped = f"--max-time {limits.max_time_s:g}s"
        return bool(self.crawl.stopped)

    # --- folding a call into the map -------------------------------------------------------

    def _fold_root(self, run: PathRun) -> Node:
        explored = self.crawl.map
        root = explored.add_node(run.root, 0, (), run.root_situation)
        root.visits += 1
        root.via_clean = True
        for turn in run.root_turns:
            errors = [finding for finding in turn.findings if finding.is_error]
            if errors:
                self.crawl.book.note_findings(errors, (), root)
            self.crawl.book.note_warnings(turn.findings, (), root)
        self._note_answered(run)
        return root

    def _note_answered(self, run: PathRun) -> None:
        if run.turns and not self.crawl.asked:
            self.crawl.asked = run.turns
        if any(usable_data(turn) is not None for turn in run.turns):
            self.crawl.answered = True

    def _fold_hangup(self, node: Node) -> list[Node]:
        """The caller hangs up: the platform sends the bot nothing more (SPEC-NOTES §6), so the
        transition is the model's, recorded without placing a call."""
        explored = self.crawl.map
        ended = end_state(EndReason.CALLER_HANGUP)
        target = explored.node(ended)
        fresh = []
        if target is None:
            path = (*node.path, HANGUP)
            target = explored.add_node(ended, len(path), path, Situation(ended=True))
            target.via_clean = True
            fresh.append(target)
        explored.add_edge(node, HANGUP, target, ())
        return fresh

    def _fold(self, node: Node, move: Move, run: PathRun) -> list[Node]:
        """Record every transition of the call; returns the states seen for the first time."""
        explored = self.crawl.map
        self._note_answered(run)
        fresh: list[Node] = []
        source = explored.node(run.root)
        if source is None:  # the start led elsewhere this time (a bot that is not deterministic)
            source = explored.add_node(run.root, 0, (), run.root_situation)
            fresh.append(source)
        source.visits += 1
        path: tuple[Move, ...] = ()
        for outcome in run.outcomes:
            path = (*path, outcome.move)
            target = explored.node(outcome.state)
            if target is None:
                target = explored.add_node(outcome.state, len(path), path, outcome.situation)
                fresh.append(target)
            target.visits += 1
            errors = outcome.errors
            explored.add_edge(source, outcome.move, target, {f.rule for f in errors})
            if errors:
                target.via_error = True
            else:
                target.via_clean = True
            for turn in outcome.turns:
                errors_here = [finding for finding in turn.findings if finding.is_error]
                if errors_here:
                    self.crawl.book.note_findings(errors_here, path, target)
                self.crawl.book.note_warnings(turn.findings, path, target)
            source = target
        return fresh
