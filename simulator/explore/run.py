"""``explore()``: crawl a bot, find its problems, shrink each, save fixtures. The one entry point
``vcall explore`` calls."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from vcall.simulator.explore.crawler import Crawl, Crawler, Limits
from vcall.simulator.explore.driver import PathDriver, PathRun
from vcall.simulator.explore.graph import ExploreMap, Node
from vcall.simulator.explore.identity import Identity
from vcall.simulator.explore.moves import Move, builtin_lines, until_session_timeout
from vcall.simulator.explore.problems import (
    Caution,
    Problem,
    ProblemKind,
    map_problems,
    merge_repeats,
)
from vcall.simulator.explore.saving import save_path_fixtures, save_problem_fixtures
from vcall.simulator.explore.shrink import MAX_TRIES, shrink
from vcall.simulator.fixture.scenario import CallSettings, EndReason
from vcall.simulator.replay.engine import SimulationConfig, open_client, run_context
from vcall.simulator.replay.targets import Target
from vcall.simulator.replay.wrong_path import WrongPath, wrong_path

NEVER_ENDING = frozenset({ProblemKind.DEAD_END, ProblemKind.LOOP})
SHRINK_SHARE = 0.5
"""Shrinking every problem takes at most this share of ``--max-time`` again, after the crawl."""


@dataclass(frozen=True, slots=True)
class ExploreConfig:
    simulation: SimulationConfig = field(default_factory=SimulationConfig)
    """Placement, per-callback timeout and seed (the clock is always virtual)."""
    limits: Limits = field(default_factory=Limits)
    identity: Identity = Identity.NORMAL
    lines: tuple[str, ...] = ()
    """What the caller says; empty: the built-in bank."""
    settings: CallSettings = field(default_factory=CallSettings)
    shrink: bool = True
    shrink_tries: int = MAX_TRIES
    save_dir: Path | None = None
    save_paths_dir: Path | None = None


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

    @property
    def warnings(self) -> list[Caution]:
        return self.crawl.book.warnings

    def failed(self, strict: bool = False) -> bool:
        """Problems (or a wrong path) fail an exploration; warnings only when ``strict``."""
        return bool(self.problems or self.wrong_path or (strict and self.warnings))

    @property
    def map(self) -> ExploreMap:
        return self.crawl.map

    @property
    def interrupted(self) -> bool:
        return self.crawl.interrupted


async def explore_async(
    target: Target, config: ExploreConfig, client: httpx.AsyncClient | None = None
) -> ExploreResult:
    started = time.perf_counter()
    simulation = _virtual(config.simulation)
    if client is None:
        async with open_client(target, simulation) as http:
            return await _explore(http, target, config, simulation, started)
    return await _explore(client, target, config, simulation, started)


async def _explore(
    http: httpx.AsyncClient,
    target: Target,
    config: ExploreConfig,
    simulation: SimulationConfig,
    started: float,
) -> ExploreResult:
    driver = PathDriver(run_context(http, target, simulation), config.settings, config.identity)
    lines = config.lines or tuple(builtin_lines())
    crawl = await Crawler(driver, lines, config.limits).run()
    problems = list(crawl.book.problems)
    wrong = None if crawl.answered else wrong_path(t.exchange for t in crawl.asked)
    if wrong is not None:  # one line says it all: nothing else is worth reading
        return ExploreResult(target.label, crawl, [], wrong_path=wrong)
    if not crawl.interrupted and (crawl.answered or not crawl.asked):
        found = map_problems(crawl.map, problems)
        problems.extend(await _played_out(driver, found, crawl.map))
    result = ExploreResult(target.label, crawl, problems)
    _mark_problem_states(result)
    if crawl.interrupted:  # Ctrl-C: the map and problems so far, unshrunk, nothing saved
        result.wall_s = time.perf_counter() - started
        return result
    try:
        await _finish(driver, config, result)
    except (KeyboardInterrupt, asyncio.CancelledError):
        crawl.interrupted = True
    result.wall_s = time.perf_counter() - started
    return result


REPEATS = 8
"""How often a loop's move is played again before a loop read off the map counts as one."""


async def _played_out(
    driver: PathDriver, problems: list[Problem], explored: ExploreMap
) -> list[Problem]:
    """Keep a loop or dead end read off the map only if playing it out confirms it.

    The map tells states apart by what the bot answers. A bot that keeps state the caller does
    not hear (a counter per ``call_id``: "say it again" twice, then goodbye) answers the same
    twice and then ends the call: its "loop" is none. Each never-ending problem is played on
    until the session timeout, as its fixture would, once silent and once repeating the move
    that led into each of its states ``REPEATS`` times; if the bot ends the call, it is dropped.
    """
    kept: list[Problem] = []
    by_id = explored.by_id()
    for problem in problems:
        if problem.kind not in NEVER_ENDING or await _never_ends(driver, problem, by_id):
            kept.append(problem)
    return kept


async def _never_ends(driver: PathDriver, problem: Problem, by_id: dict[str, Node]) -> bool:
    tries: list[tuple[Move, ...]] = []
    for state in problem.states:
        node = by_id.get(state)
        if node is None:
            continue
        wait = until_session_timeout(node.situation)
        tries.append((*node.path, wait))
        if node.path:
            tries.append((*node.path, *[node.path[-1]] * REPEATS, wait))
    for path in tries[: 2 * MAX_PLAYED_OUT]:
        run = await driver.run(path)
        if run.result.end_reason not in (EndReason.SESSION_TIMEOUT, None):
            return False
    return True


MAX_PLAYED_OUT = 3
"""States of one problem played out (two calls each) before it is taken as confirmed."""


def _mark_problem_states(result: ExploreResult) -> None:
    by_id = result.map.by_id()
    for problem in result.problems:
        for state in problem.states:
            if state in by_id:
                by_id[state].problem = True


async def _finish(driver: PathDriver, config: ExploreConfig, result: ExploreResult) -> None:
    """Shrink each problem, replay it once more (what its fixture records), save fixtures."""
    deadline = time.perf_counter() + config.limits.max_time_s * SHRINK_SHARE
    runs = []
    for problem in result.problems:
        if config.shrink and problem.kind is not ProblemKind.DEAF:
            await _shrink(driver, problem, config.shrink_tries, deadline)
        runs.append(await driver.run(_replayed(problem, result.map)))
    result.problems, kept = merge_repeats(result.problems, runs, result.map)
    result.runs = dict(enumerate(kept))
    _mark_problem_states(result)
    if config.save_dir is not None:
        result.saved = save_problem_fixtures(config.save_dir, result)
    if config.save_paths_dir is not None:
        runs = [await driver.run(node.path) for node in result.map.nodes.values()]
        result.saved_paths = save_path_fixtures(config.save_paths_dir, result, runs)


async def _shrink(driver: PathDriver, problem: Problem, tries: int, deadline: float) -> None:
    async def holds(path: tuple[Move, ...]) -> bool:
        return problem.reproduced_by(await driver.run(path))

    def out_of_time() -> bool:
        return time.perf_counter() > deadline

    smaller = await shrink(problem.path, holds, tries, out_of_time)
    problem.shrunk = smaller != problem.path
    problem.path = smaller


def _replayed(problem: Problem, explored: ExploreMap) -> tuple[Move, ...]:
    """The moves a fixture for the problem plays: a never-ending state is waited out."""
    if problem.kind not in NEVER_ENDING:
        return problem.path
    node = explored.by_id()[problem.state]
    return (*problem.path, until_session_timeout(node.situation))


def explore(target: Target, config: ExploreConfig) -> ExploreResult:
    """Run an exploration to completion; Ctrl-C stops it and returns the map so far."""
    outcome: list[ExploreResult] = []

    async def main() -> None:
        outcome.append(await explore_async(target, config))

    asyncio.run(main())
    return outcome[0]


def _virtual(config: SimulationConfig) -> SimulationConfig:
    return dataclasses.replace(config, realtime=False, check_placement=False)


__all__: Sequence[str] = ("ExploreConfig", "ExploreResult", "explore", "explore_async")
