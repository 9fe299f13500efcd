"""``explore()``: crawl a bot, find its problems, shrink each, save fixtures. The one entry point
``vcall explore`` calls.

``--max-time`` bounds all of it: the crawl has ``CRAWL_SHARE`` of it, the play-outs, shrinking,
replays and saving the rest; a call still under way at the end is abandoned (never resent).
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from vcall.simulator.dialogue_map import (
    ExploreMap,
    Identity,
    Move,
    Node,
    PathRun,
    builtin_lines,
    say_move,
    until_session_timeout,
)
from vcall.simulator.explore.crawler import Crawler, Limits
from vcall.simulator.explore.driver import PathDriver
from vcall.simulator.explore.problems import (
    Problem,
    ProblemKind,
    map_problems,
    merge_repeats,
)
from vcall.simulator.explore.progress import ExploreProgress
from vcall.simulator.explore.result import OUT_OF_MEMORY, ExploreResult
from vcall.simulator.explore.saving import save_path_fixtures, save_problem_fixtures
from vcall.simulator.explore.shrink import MAX_TRIES, shrink
from vcall.simulator.explore.transport import open_transport, run_fast
from vcall.simulator.fixture import CallSettings, EndReason
from vcall.simulator.properties import (
    Property,
    PropertyOutcome,
    Verdict,
    check_explored,
    extra_lines,
    fixture_path,
    save_property_fixtures,
)
from vcall.simulator.replay import SimulationConfig, Target, find_wrong_path, run_context
from vcall.simulator.transport import Sender

NEVER_ENDING = frozenset({ProblemKind.DEAD_END, ProblemKind.LOOP})
CRAWL_SHARE = 0.7
"""The crawl stops at this share of ``--max-time``; the rest is for confirming, shrinking and
saving what it found."""


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
    asr_robustness: int = 0
    """``--asr-robustness K``: replay each speech transition under K ASR variants (0: not)."""
    min_robustness: float | None = None
    properties: tuple[Property, ...] = ()
    """Dialogue properties checked over the map (``simulator/properties``)."""


async def explore_async(
    target: Target,
    config: ExploreConfig,
    client: httpx.AsyncClient | None = None,
    progress: ExploreProgress | None = None,
) -> ExploreResult:
    """``progress``: updated as the exploration goes (what a live display shows)."""
    started = time.perf_counter()
    progress = progress or ExploreProgress()
    progress.deadline = started + config.limits.max_time_s
    simulation = _virtual(config.simulation)
    if client is not None:
        return await _explore(client, None, target, config, simulation, progress)
    async with open_transport(target, simulation, config.limits.concurrency) as (http, sender):
        return await _explore(http, sender, target, config, simulation, progress)


async def _explore(
    http: httpx.AsyncClient,
    sender: Sender | None,
    target: Target,
    config: ExploreConfig,
    simulation: SimulationConfig,
    progress: ExploreProgress,
) -> ExploreResult:
    ctx = run_context(http, target, simulation, sender=sender)
    driver = PathDriver(ctx, config.settings, config.identity)
    driver.progress = progress
    lines = config.lines or tuple(builtin_lines())
    lines = (*lines, *(line for line in extra_lines(config.properties) if line not in lines))
    deadline = progress.deadline
    started = deadline - config.limits.max_time_s
    crawl_deadline = started + config.limits.max_time_s * CRAWL_SHARE
    progress.phase = "crawling"
    crawler = Crawler(driver, lines, config.limits, deadline=crawl_deadline, progress=progress)
    crawl = await crawler.run()
    problems = list(crawl.book.problems)
    wrong = None if crawl.answered else find_wrong_path(t.exchange for t in crawl.asked)
    if wrong is not None:  # one line says it all: nothing else is worth reading
        progress.phase = "done"
        result = ExploreResult(target.label, crawl, [], wrong_path=wrong)
        result.wall_s = time.perf_counter() - started
        return result
    result = ExploreResult(target.label, crawl, problems)
    cut = crawl.interrupted or crawl.stopped == OUT_OF_MEMORY
    try:
        if not cut and (crawl.answered or not crawl.asked):
            progress.phase = "confirming loops and dead ends"
            found = map_problems(crawl.map, problems)
            problems.extend(await _played_out(driver, found, crawl.map, deadline))
        _mark_problem_states(result)
        progress.problems = len(problems)
        if cut:  # Ctrl-C, no memory left: the map and problems so far, unshrunk
            _save_found(config, result)
        else:
            await _finish(driver, config, result, deadline, progress)
            await _check_properties(driver, config, result, lines, deadline, progress)
    except (KeyboardInterrupt, asyncio.CancelledError):
        crawl.interrupted = True
        _mark_problem_states(result)
        _save_found(config, result)
    except MemoryError:
        crawl.stopped = OUT_OF_MEMORY
        _mark_problem_states(result)
        _save_found(config, result)
    if config.properties and not result.properties:  # cut short before they were checked
        why = f"not checked: the exploration was cut short ({crawl.stopped or 'interrupted'})"
        result.properties = [
            PropertyOutcome(prop, Verdict.NOT_CHECKED, reason=why) for prop in config.properties
        ]
    progress.phase = "done"
    result.wall_s = time.perf_counter() - started
    return result


REPEATS = 8
"""How often a loop's move is played again before a loop read off the map counts as one."""


async def _played_out(
    driver: PathDriver, problems: list[Problem], explored: ExploreMap, deadline: float
) -> list[Problem]:
    """Keep a loop or dead end read off the map only if playing it out confirms it.

    The map tells states apart by what the bot answers. A bot that keeps state the caller does
    not hear (a counter per ``call_id``: "say it again" twice, then goodbye) answers the same
    twice and then ends the call: its "loop" is none. Each never-ending problem is played on
    (``PathDriver.plays_on``: silent, until the answers have gone round one cycle for
    ``PERIODS`` periods or more, or the session timeout), once from each of its states and
    once repeating the move that led there ``REPEATS`` times; if the bot ends the call, it is
    dropped. One left unconfirmed when ``--max-time`` runs out is kept (the map shows it).
    """
    kept: list[Problem] = []
    by_id = explored.by_id()
    for problem in problems:
        if problem.kind not in NEVER_ENDING or await _never_ends(driver, problem, by_id, deadline):
            kept.append(problem)
    return kept


async def _never_ends(
    driver: PathDriver, problem: Problem, by_id: dict[str, Node], deadline: float
) -> bool:
    tries: list[tuple[Move, ...]] = []
    for state in problem.states:
        node = by_id.get(state)
        if node is None:
            continue
        tries.append(node.path)
        if node.path:
            tries.append((*node.path, *[node.path[-1]] * REPEATS))
    for path in tries[: 2 * MAX_PLAYED_OUT]:
        if time.perf_counter() >= deadline:
            break
        try:
            async with asyncio.timeout(max(0.0, deadline - time.perf_counter())):
                ended = await driver.plays_on(path, deadline)
        except TimeoutError:
            break
        if ended not in (EndReason.SESSION_TIMEOUT, None):
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


async def _finish(
    driver: PathDriver,
    config: ExploreConfig,
    result: ExploreResult,
    deadline: float,
    progress: ExploreProgress,
) -> None:
    """Shrink each problem, replay it once more (what its fixture records; a never-ending one
    only for ``--save``), save the fixtures. Each part stops at ``deadline``: what was not
    replayed in time is not saved (the report lists what was)."""
    if config.shrink:
        progress.phase = "shrinking"
        for problem in result.problems:
            if problem.kind is not ProblemKind.DEAF and time.perf_counter() < deadline:
                await _shrink(driver, problem, config.shrink_tries, deadline)
    progress.phase = "replaying" if config.save_dir is None else "saving"
    saving = config.save_dir is not None
    paths = {  # a never-ending one is waited out to the session timeout only for its fixture
        index: _replayed(problem, result.map) if saving else problem.path
        for index, problem in enumerate(result.problems)
    }
    runs = await _runs(driver, paths, config.limits.concurrency, deadline)
    _merge(result, runs)
    if config.save_dir is not None:
        result.saved = save_problem_fixtures(config.save_dir, result)
    if config.save_paths_dir is not None:
        progress.phase = "saving"
        nodes = list(result.map.nodes.values())
        paths = {index: node.path for index, node in enumerate(nodes)}
        runs = await _runs(driver, paths, config.limits.concurrency, deadline)
        if len(runs) == len(nodes):
            replayed = [runs[index] for index in range(len(nodes))]
            result.saved_paths = save_path_fixtures(config.save_paths_dir, result, replayed)
    if config.asr_robustness > 0:
        progress.phase = "replaying under ASR variants"
        await asr_robustness(driver, config, result, deadline)


async def _check_properties(
    driver: PathDriver,
    config: ExploreConfig,
    result: ExploreResult,
    lines: Sequence[str],
    deadline: float,
    progress: ExploreProgress,
) -> None:
    if not config.properties:
        return
    progress.phase = "checking properties"
    started = time.perf_counter()

    async def play(paths: dict[int, tuple[Move, ...]]) -> dict[int, PathRun]:
        return await _runs(driver, paths, config.limits.concurrency, deadline)

    async def shrinker(
        path: tuple[Move, ...], holds: Callable[[tuple[Move, ...]], Awaitable[bool]]
    ) -> tuple[Move, ...]:
        return await shrink(
            path, holds, config.shrink_tries, lambda: time.perf_counter() > deadline
        )

    outcomes, runs = await check_explored(
        result.map,
        config.properties,
        lines,
        result.crawl.stopped,
        play,
        shrinker if config.shrink else None,
    )
    result.properties, result.property_runs = outcomes, runs
    result.property_wall_s = time.perf_counter() - started
    if config.save_dir is not None:
        paths = {i: fixture_path(o, result.map) for i, o in enumerate(outcomes) if o.violated}
        wanted = {index: path for index, path in paths.items() if path is not None}
        saved = await play(wanted)
        result.property_saved = save_property_fixtures(
            config.save_dir, outcomes, saved, result.target
        )


async def _runs(
    driver: PathDriver, paths: dict[int, tuple[Move, ...]], concurrency: int, deadline: float
) -> dict[int, PathRun]:
    """Each path played as a call, ``concurrency`` at a time, those done by ``deadline``."""
    semaphore = asyncio.Semaphore(max(1, concurrency))
    done: dict[int, PathRun] = {}
    runners = {index: driver.runner(path) for index, path in paths.items()}  # ids in order

    async def one(index: int) -> None:
        async with semaphore:
            if time.perf_counter() >= deadline:
                return
            try:
                async with asyncio.timeout(max(0.0, deadline - time.perf_counter())):
                    done[index] = await driver.run(paths[index], runners[index])
            except TimeoutError:
                return

    await asyncio.gather(*(one(index) for index in paths))
    return done


async def asr_robustness(
    driver: PathDriver, config: ExploreConfig, result: ExploreResult, deadline: float
) -> None:
    """``--asr-robustness K`` (``asr_robustness``, on ``vcall.simulator.speech``'s ASR model);
    ``--save``: a fixture per break."""
    from vcall.simulator.explore.asr_robustness import measure
    from vcall.simulator.explore.asr_saving import save_broken_variants

    async def play(paths: dict[int, tuple[Move, ...]]) -> dict[int, PathRun]:
        return await _runs(driver, paths, config.limits.concurrency, deadline)

    seed = config.simulation.seed or 0
    result.robustness = await measure(result.map, config.asr_robustness, seed, play)
    result.min_robustness = config.min_robustness
    if config.save_dir is None:
        return
    broken = [(t, b) for t in result.robustness.transitions for b in t.broken]
    runs = await play({i: (*t.path, say_move(t.words)) for i, (t, _b) in enumerate(broken)})
    found = [(t, b, runs[i]) for i, (t, b) in enumerate(broken) if i in runs]
    result.saved.extend(save_broken_variants(config.save_dir, result.target, found))


def _merge(result: ExploreResult, runs: dict[int, PathRun]) -> None:
    """Problems that are one bug made one (``merge_repeats``), those replayed in time; the
    rest kept as found, without a run (not saved)."""
    replayed = [index for index in range(len(result.problems)) if index in runs]
    merged, kept = merge_repeats(
        [result.problems[i] for i in replayed], [runs[i] for i in replayed], result.map
    )
    rest = [p for i, p in enumerate(result.problems) if i not in runs]
    result.problems[:] = [*merged, *rest]
    result.runs = dict(enumerate(kept))
    _mark_problem_states(result)


def _save_found(config: ExploreConfig, result: ExploreResult) -> None:
    """Cut short: the problems whose call the crawl kept are saved as found (unshrunk)."""
    if config.save_dir is None:
        return
    for index, problem in enumerate(result.problems):
        run = result.crawl.problem_runs.get(id(problem))
        if run is not None:
            result.runs[index] = run
    result.saved = save_problem_fixtures(config.save_dir, result)


async def _shrink(driver: PathDriver, problem: Problem, tries: int, deadline: float) -> None:
    async def holds(path: tuple[Move, ...]) -> bool:
        try:  # a call still under way at the deadline is abandoned: the smaller path unproven
            async with asyncio.timeout(max(0.0, deadline - time.perf_counter())):
                return problem.reproduced_by(await driver.run(path))
        except TimeoutError:
            return False

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


def explore(
    target: Target, config: ExploreConfig, progress: ExploreProgress | None = None
) -> ExploreResult:
    """Run an exploration to completion; Ctrl-C stops it and returns the map so far."""
    outcome: list[ExploreResult] = []

    async def main() -> None:
        outcome.append(await explore_async(target, config, progress=progress))

    run_fast(main())
    return outcome[0]


def _virtual(config: SimulationConfig) -> SimulationConfig:
    return dataclasses.replace(config, realtime=False, check_placement=False)


__all__: Sequence[str] = ("ExploreConfig", "ExploreResult", "explore", "explore_async")
