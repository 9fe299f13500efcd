"""Breadth-first crawl of a bot's dialogue on the virtual clock.

From the state the call's start leads to, every move the situation allows is played as a new
call (the path to the state, then the move); each new state reached is crawled in turn, one depth
at a time, up to ``max_depth`` moves, ``max_calls`` calls and ``max_time_s`` seconds. The calls
of one depth run concurrently; their outcomes are folded into the map in a fixed order, so the
same seed gives the same map.

Memory stays bounded whatever the bot answers: a call is reduced to its :class:`Digest` (states,
situations, error findings: no answer bodies) as soon as it ends, and only a few calls with
errors are kept whole (what ``--save`` writes for a problem when the exploration is cut short).
A call still under way at the deadline is abandoned (never resent).
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from vcall.simulator.dialogue_map import (
    HANGUP,
    ExploreMap,
    Move,
    Node,
    PathRun,
    Situation,
    StateKey,
    end_state,
    moves_for,
    usable_data,
)
from vcall.simulator.errors import EndpointUnreachableError
from vcall.simulator.explore.driver import PathDriver
from vcall.simulator.explore.problems import ProblemBook, unanswered
from vcall.simulator.explore.progress import ExploreProgress
from vcall.simulator.findings import Finding
from vcall.simulator.fixture import EndReason
from vcall.simulator.replay import CallRunner, Turn


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
    problem_runs: dict[int, PathRun] = field(default_factory=dict)
    """The call that found a problem, by ``id(problem)`` (a few: see ``KEPT_RUNS``)."""


KEPT_RUNS = 32
"""Calls with errors kept whole per depth until folded (the rest keep their findings only)."""


@dataclass(frozen=True, slots=True)
class Turned:
    """One move of a call as the map needs it: where it led and the findings of each answer."""

    move: Move
    state: StateKey
    situation: Situation
    findings: tuple[tuple[Finding, ...], ...]
    answer: dict[str, Any] | None = None
    """The answer that led to ``state`` (``graph.kept_answer``: small, no call id)."""

    @property
    def errors(self) -> tuple[tuple[Finding, ...], ...]:
        return tuple(_errors(found) for found in self.findings)


@dataclass(frozen=True, slots=True)
class Digest:
    """A call reduced to what the crawl folds into the map (no answer bodies)."""

    root: StateKey
    root_situation: Situation
    root_findings: tuple[tuple[Finding, ...], ...]
    outcomes: tuple[Turned, ...]
    answered: bool
    turns: tuple[Turn, ...]
    """Every turn, kept only while the crawl has not seen a call that sent anything."""
    run: PathRun | None
    """The whole call, kept for a call with errors (a problem's fixture), a few per depth."""
    root_answer: dict[str, Any] | None = None

    @classmethod
    def of(cls, run: PathRun, keep_turns: bool, keep_run: bool) -> Digest:
        outcomes = tuple(
            Turned(o.move, o.state, o.situation, tuple(t.findings for t in o.turns), o.answer)
            for o in run.outcomes
        )
        turns = (*run.root_turns, *(t for o in run.outcomes for t in o.turns))
        answered = any(usable_data(turn) is not None for turn in turns)
        erred = any(_errors(turn.findings) for turn in turns)
        kept = None
        if keep_run and erred:  # a lean call's result has no turns: its fixture needs them
            kept = run if run.result.turns else _with_turns(run, turns)
        return cls(
            run.root,
            run.root_situation,
            tuple(t.findings for t in run.root_turns),
            outcomes,
            answered,
            turns if keep_turns else (),
            kept,
            run.root_answer,
        )


def _with_turns(run: PathRun, turns: tuple[Turn, ...]) -> PathRun:
    return dataclasses.replace(run, result=dataclasses.replace(run.result, turns=turns))


def _errors(findings: Sequence[Finding]) -> tuple[Finding, ...]:
    return tuple(finding for finding in findings if finding.is_error)


class Crawler:
    def __init__(
        self,
        driver: PathDriver,
        lines: Sequence[str],
        limits: Limits,
        enough: Callable[[ExploreMap], bool] | None = None,
        *,
        deadline: float | None = None,
        progress: ExploreProgress | None = None,
    ) -> None:
        """``enough``: asked after each depth; true stops the crawl there (what ``check``
        needs may be found long before the whole dialogue is). ``deadline``
        (``time.perf_counter()``): when the crawl stops, calls under way included (default:
        ``max_time_s`` from now)."""
        self.driver = driver
        self.lines = tuple(lines)
        self.limits = limits
        self.enough = enough
        self.started = time.perf_counter()
        self.deadline = deadline if deadline is not None else self.started + limits.max_time_s
        self.progress = progress or ExploreProgress()
        self.crawl = Crawl(ExploreMap(driver.identity), ProblemBook())

    async def run(self) -> Crawl:
        crawl = self.crawl
        try:
            await self._crawl()
        except (KeyboardInterrupt, asyncio.CancelledError):
            crawl.interrupted = True
            crawl.stopped = "interrupted"
        except MemoryError:  # what was found is kept; the calls' answers were let go
            crawl.stopped = "out of memory"  # (run.OUT_OF_MEMORY)
        crawl.wall_s = time.perf_counter() - self.started
        return crawl

    async def _crawl(self) -> None:
        try:
            async with asyncio.timeout(max(0.0, self.deadline - time.perf_counter())):
                first = await self.driver.run([])
        except TimeoutError:  # not even the call's start in time: an empty map
            self.crawl.stopped = self._time_bound()
            return
        self.crawl.calls += 1
        self._show()
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
            self.progress.frontier = len(frontier)
            self.progress.depth = depth + 1
            done: list[Digest | None] = [None] * len(calls)
            try:
                await self._run_jobs(calls, done)
            finally:  # interrupted too: the calls that finished are in the map
                fresh = self._fold_depth(frontier, jobs, done)
            if self.crawl.stopped:
                break
            depth += 1
            self.crawl.depth_reached = depth
            frontier = fresh

    def _fold_depth(
        self,
        frontier: Sequence[Node],
        jobs: Sequence[tuple[Node, Move]],
        done: Sequence[Digest | None],
    ) -> list[Node]:
        """Fold a depth's calls in job order, whatever order they finished in; a state with a
        call not made (or cut short) is not expanded."""
        runs = iter(done)
        fresh: list[Node] = []
        missed: set[int] = set()
        for node, move in jobs:
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
        self._show()
        return fresh

    def _moves(self, node: Node) -> list[Move]:
        return [] if node.final else moves_for(node.situation, self.lines)

    async def _run_jobs(self, jobs: Sequence[tuple[Node, Move]], done: list[Digest | None]) -> None:
        """Each job as a call, ``concurrency`` at a time, its digest in ``done`` as it ends;
        ``None`` stays for a call not made or cut short (a bound, Ctrl-C)."""
        runners: list[CallRunner | None] = []
        for node, move in jobs:
            if self._bound_hit():
                runners.append(None)
                continue
            runners.append(self.driver.runner((*node.path, move), lean=True))
            self.crawl.calls += 1
        semaphore = asyncio.Semaphore(max(1, self.limits.concurrency))
        kept = [0]

        async def one(index: int, runner: CallRunner | None) -> None:
            done[index] = await call(jobs[index], runner)

        async def call(job: tuple[Node, Move], runner: CallRunner | None) -> Digest | None:
            if runner is None or self.crawl.interrupted:
                return None
            async with semaphore:
                if self.crawl.interrupted:
                    return None
                try:
                    async with asyncio.timeout(max(0.0, self.deadline - time.perf_counter())):
                        run = await self.driver.run((*job[0].path, job[1]), runner)
                except TimeoutError:  # the deadline: the call is abandoned, never resent
                    self.crawl.stopped = self.crawl.stopped or self._time_bound()
                    return None
                except KeyboardInterrupt:  # raised in a call: stop the crawl, keep the map
                    self.crawl.interrupted = True
                    self.crawl.stopped = "interrupted"
                    return None
            digest = Digest.of(run, not self.crawl.asked, kept[0] < KEPT_RUNS)
            kept[0] += digest.run is not None
            self._show()
            return digest

        await asyncio.gather(*(one(index, runner) for index, runner in enumerate(runners)))

    def _bound_hit(self) -> bool:
        limits = self.limits
        if self.crawl.calls >= limits.max_calls:
            self.crawl.stopped = f"--max-calls {limits.max_calls}"
        elif time.perf_counter() > self.deadline:
            self.crawl.stopped = self._time_bound()
        return bool(self.crawl.stopped)

    def _time_bound(self) -> str:
        return f"--max-time {self.limits.max_time_s:g}s"

    def _show(self) -> None:
        progress = self.progress
        progress.calls = self.driver.calls
        progress.callbacks = self.driver.callbacks
        progress.states = len(self.crawl.map.nodes)
        progress.problems = len(self.crawl.book.problems)

    # --- folding a call into the map -------------------------------------------------------

    def _fold_root(self, run: PathRun) -> Node:
        explored = self.crawl.map
        digest = Digest.of(run, True, True)
        root = explored.add_node(run.root, 0, (), run.root_situation, run.root_answer)
        root.visits += 1
        root.via_clean = True
        for found in digest.root_findings:
            errors = _errors(found)
            if errors:
                self._note(errors, (), root, digest)
            self.crawl.book.note_warnings(found, (), root)
        self._note_answered(digest)
        return root

    def _note_answered(self, digest: Digest) -> None:
        if digest.turns and not self.crawl.asked:
            self.crawl.asked = digest.turns
        if digest.answered:
            self.crawl.answered = True

    def _note(
        self, errors: Sequence[Finding], path: tuple[Move, ...], node: Node, digest: Digest
    ) -> None:
        book = self.crawl.book
        known = len(book.problems)
        book.note_findings(errors, path, node)
        if digest.run is not None:
            for problem in book.problems[known:]:
                self.crawl.problem_runs[id(problem)] = digest.run

    def _fold_hangup(self, node: Node) -> list[Node]:
        """The caller hangs up: the platform sends the bot nothing more (docs/platform.md §6), so the
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

    def _fold(self, node: Node, move: Move, run: Digest) -> list[Node]:
        """Record every transition of the call; returns the states seen for the first time."""
        explored = self.crawl.map
        self._note_answered(run)
        fresh: list[Node] = []
        source = explored.node(run.root)
        if source is None:  # the start led elsewhere this time (a bot that is not deterministic)
            source = explored.add_node(run.root, 0, (), run.root_situation, run.root_answer)
            fresh.append(source)
        source.visits += 1
        path: tuple[Move, ...] = ()
        for outcome in run.outcomes:
            path = (*path, outcome.move)
            target = explored.node(outcome.state)
            if target is None:
                target = explored.add_node(
                    outcome.state, len(path), path, outcome.situation, outcome.answer
                )
                fresh.append(target)
            target.visits += 1
            errors = [finding for each in outcome.errors for finding in each]
            explored.add_edge(source, outcome.move, target, {f.rule for f in errors})
            if errors:
                target.via_error = True
            else:
                target.via_clean = True
            for found in outcome.findings:
                errors_here = _errors(found)
                if errors_here:
                    self._note(errors_here, path, target, run)
                self.crawl.book.note_warnings(found, path, target)
            source = target
        return fresh
