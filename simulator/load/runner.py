"""``vcall load``: many concurrent, complete, validated calls, folded into statistics as they go.

Every call is a full simulated call on the same platform model and validator as ``simulate``;
only the bookkeeping differs: turns go to :class:`LoadStats` and are dropped, so a run of a million
calls holds no transcripts. The run is bounded by construction (calls, duration, concurrency and
rate all have limits), and a Ctrl-C returns the statistics gathered so far.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import itertools
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from vcall.simulator.clock import Clock, VirtualClock, WallClock
from vcall.simulator.errors import UsageError
from vcall.simulator.fixture import Scenario
from vcall.simulator.load.ramp import Ramp
from vcall.simulator.load.series import SeriesRow, TimeSeries
from vcall.simulator.load.stats import LoadStats
from vcall.simulator.replay import (
    CallFinished,
    CallIds,
    Event,
    RunContext,
    SimulationConfig,
    Target,
    TurnDone,
    run_call,
)
from vcall.simulator.spec import SMARTCALL_QPS_LIMIT
from vcall.simulator.transport import Placement, Sender

MAX_CALLS = 1_000_000
MAX_DURATION_MS = 24 * 3_600_000
MAX_CONCURRENCY = 20_000
MAX_RATE = float(SMARTCALL_QPS_LIMIT)
"""New calls per second: the platform's own SmartCall limit."""
DEFAULT_CALLS = 100
MAX_CONNECTIONS = 1000
"""Keep-alive connections to a network target; more concurrent calls share them."""


@dataclass(frozen=True, slots=True)
class LoadConfig:
    calls: int | None = None
    duration_ms: int | None = None
    concurrency: int = 10
    rate: float | None = None
    """New calls started per second; ``None``: as fast as concurrency allows."""
    realtime: bool = True
    """Pace each call on the wall clock (realistic); False: each call's callbacks back to back."""
    placement: Placement = Placement.FORM
    timeout_s: float = 10.0
    weights: Mapping[str, int] = field(default_factory=dict)
    """Relative weight per scenario (by file stem or name); absent: 1."""
    seed: int | None = None
    epoch_ms: int | None = None
    """``--epoch``: where every call's virtual clock starts (``--no-realtime``); ``None``: now."""
    ramp: Ramp | None = None
    """``--ramp``: the arrival rate over time (instead of ``rate``)."""
    spec_only: bool = False
    """``--spec-only``: the fixtures' expectations (``expect``, ``end``) are not checked, as in
    ``simulate --spec-only``: they are what the fixture expected of the bot it was written for."""

    def checked(self) -> LoadConfig:
        """Reject unbounded or out-of-range settings; fill the default call count."""
        _check_range("--calls", self.calls, 1, MAX_CALLS)
        _check_range("--duration", self.duration_ms, 1, MAX_DURATION_MS)
        _check_range("--concurrency", self.concurrency, 1, MAX_CONCURRENCY)
        if self.rate is not None and not 0 < self.rate <= MAX_RATE:
            raise UsageError(
                f"--rate {self.rate:g}/s is outside (0, {MAX_RATE:g}] (the platform's SmartCall limit)"
            )
        if self.ramp is not None:
            return self._checked_ramp(self.ramp)
        if self.calls is None and self.duration_ms is None:
            return _replace(self, calls=DEFAULT_CALLS)
        return self

    def _checked_ramp(self, ramp: Ramp) -> LoadConfig:
        """A ramp ends the run at its last point unless ``--calls`` or ``--duration`` is given."""
        if self.rate is not None:
            raise UsageError("give either --rate or --ramp, not both")
        if self.calls is None and self.duration_ms is None:
            if ramp.end_ms <= 0:
                raise UsageError("--ramp with one point needs --duration or --calls")
            return _replace(self, duration_ms=int(ramp.end_ms))
        return self


def _check_range(name: str, value: int | None, low: int, high: int) -> None:
    if value is not None and not low <= value <= high:
        raise UsageError(f"{name} {value} is outside {low}–{high}")


def _replace(config: LoadConfig, **changes: object) -> LoadConfig:
    import dataclasses

    return dataclasses.replace(config, **changes)  # type: ignore[arg-type]


@dataclass(slots=True)
class LoadResult:
    stats: LoadStats
    config: LoadConfig
    wall_ms: float = 0.0
    interrupted: bool = False
    cut_at_deadline: int = 0
    """Calls still running when ``--duration`` ran out (cancelled, turns so far counted)."""
    series: list[SeriesRow] = field(default_factory=list)
    """The run per interval (``--report-csv``, the HTML load report)."""

    @property
    def callbacks_per_s(self) -> float:
        return self.stats.callbacks / (self.wall_ms / 1000) if self.wall_ms > 0 else 0.0

    @property
    def unreachable(self) -> bool:
        """The endpoint was never reached: every call's first callback found nothing listening
        and the call was abandoned (each counts an ``endpoint-unreachable`` for its turn and one
        for the call)."""
        stats = self.stats
        calls = stats.calls_done
        refused = stats.errors.get("endpoint-unreachable", 0)
        return calls > 0 and stats.callbacks == calls and refused == 2 * calls


def scenario_cycle(scenarios: Sequence[Scenario], weights: Mapping[str, int]) -> Iterator[Scenario]:
    """Scenarios in a repeating, smoothly interleaved order honouring their weights."""
    if not scenarios:
        raise UsageError("no scenarios to run")
    weighted = [(s, max(0, weights.get(_key(s), weights.get(s.name, 1)))) for s in scenarios]
    unknown = set(weights) - {_key(s) for s in scenarios} - {s.name for s in scenarios}
    if unknown:
        raise UsageError(f"--weight names no loaded fixture: {', '.join(sorted(unknown))}")
    total = sum(weight for _, weight in weighted)
    if total == 0:
        raise UsageError("every scenario has weight 0")
    return itertools.cycle(_smooth_order(weighted, total))


def _key(scenario: Scenario) -> str:
    return Path(scenario.file).stem if scenario.file else scenario.name


def _smooth_order(weighted: list[tuple[Scenario, int]], total: int) -> list[Scenario]:
    """Nginx-style smooth weighted round robin over one period of ``total`` picks."""
    current = [0] * len(weighted)
    order: list[Scenario] = []
    for _ in range(total):
        for index, (_, weight) in enumerate(weighted):
            current[index] += weight
        best = max(range(len(weighted)), key=current.__getitem__)
        current[best] -= total
        order.append(weighted[best][0])
    return order


class LoadRun:
    """One load run: launches calls under the limits and folds their turns into ``stats``."""

    def __init__(
        self, scenarios: Sequence[Scenario], target: Target, config: LoadConfig, *, wall: Clock
    ) -> None:
        self.config = config.checked()
        self.target = target
        self.wall = wall
        self.stats = LoadStats()
        self.series = TimeSeries(self.stats)
        self.order = scenario_cycle(scenarios, self.config.weights)
        self.tasks: set[asyncio.Task[object]] = set()
        self.started_ms = 0.0
        self.cut = 0

    def sink(self, event: Event) -> None:
        if isinstance(event, TurnDone):
            turn = event.turn
            self.stats.record_turn(event.scenario.name, turn)
            if turn.findings and turn.failed:  # most turns have none
                self.stats.turn_failed(event.index)
        elif isinstance(event, CallFinished):
            self.stats.record_call(event.result, event.index)

    def context(self, sender: Sender, client: httpx.AsyncClient) -> RunContext:
        config = self.config
        sim = SimulationConfig(
            placement=config.placement,
            timeout_s=config.timeout_s,
            realtime=config.realtime,
            epoch_ms=config.epoch_ms,
            spec_only=config.spec_only,
        )
        clocks: Callable[[], Clock] = (
            (lambda: self.wall) if config.realtime else VirtualClock.factory(config.epoch_ms)
        )
        ids = CallIds(config.seed)
        return RunContext(
            client, self.target, sim, self.sink, clocks, ids, sender=sender, retain_turns=False
        )

    async def run(self, ctx: RunContext) -> None:
        self.started_ms = self.wall.now_ms()
        sampler = asyncio.ensure_future(self._sample())
        try:
            semaphore = asyncio.Semaphore(self.config.concurrency)
            for index in itertools.count():
                if not await self._may_launch(index, semaphore):
                    break
                self._launch(ctx, index, semaphore)
            await self._drain()
        finally:
            sampler.cancel()
            self.series.sample(self.wall.now_ms() - self.started_ms)

    async def _sample(self) -> None:
        """Close one interval of the time series each ``INTERVAL_MS`` of the wall clock."""
        series = self.series
        while not series.full:
            wait_ms = self.started_ms + series.next_sample_ms() - self.wall.now_ms()
            await asyncio.sleep(max(wait_ms, 0) / 1000)
            series.sample(self.wall.now_ms() - self.started_ms)

    async def _may_launch(self, index: int, semaphore: asyncio.Semaphore) -> bool:
        config = self.config
        if config.calls is not None and index >= config.calls:
            return False
        due: float | None = None
        if config.rate is not None:
            due = index * 1000 / config.rate
        elif config.ramp is not None:
            due = config.ramp.start_ms(index)
            if due is None:
                return False
        if due is not None:
            if config.duration_ms is not None and due >= config.duration_ms:
                return False  # due after the end (a timer may wake a little early: not started)
            await self.wall.sleep_until(self.started_ms + due)
        if self._past_deadline():
            return False
        if semaphore.locked() and config.duration_ms is not None:
            # every slot busy: a slot may free only after the deadline, which ends the run
            waiter = asyncio.ensure_future(semaphore.acquire())
            if not await self._before_deadline(waiter):
                return False
        else:
            await semaphore.acquire()
        if self._past_deadline():
            semaphore.release()
            return False
        return True

    async def _before_deadline(self, waiter: asyncio.Future[Any]) -> bool:
        """Wait for ``waiter`` until ``--duration`` runs out on the wall clock; True if it came.

        ``waiter`` is cancelled (and awaited) if the deadline comes first.
        """
        deadline_ms = self.started_ms + (self.config.duration_ms or 0)
        deadline: asyncio.Future[Any] = asyncio.ensure_future(self.wall.sleep_until(deadline_ms))
        try:
            await asyncio.wait({waiter, deadline}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            deadline.cancel()
        if waiter.done() and not waiter.cancelled():
            return True
        waiter.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await waiter
        return False

    def _past_deadline(self) -> bool:
        duration = self.config.duration_ms
        return duration is not None and self.wall.now_ms() - self.started_ms >= duration

    def _launch(self, ctx: RunContext, index: int, semaphore: asyncio.Semaphore) -> None:
        self.stats.calls_started += 1
        task: asyncio.Task[object] = asyncio.ensure_future(run_call(ctx, next(self.order), index))

        def done(finished: asyncio.Future[object]) -> None:
            semaphore.release()
            self.tasks.discard(task)

        task.add_done_callback(done)
        self.tasks.add(task)

    async def _drain(self) -> None:
        duration = self.config.duration_ms
        if duration is None:
            await asyncio.gather(*self.tasks, return_exceptions=True)
            return
        gathered = asyncio.gather(*self.tasks, return_exceptions=True)
        if self.tasks and not self._past_deadline():
            await self._before_deadline(asyncio.shield(gathered))
        self.cut = len(self.tasks)
        for task in list(self.tasks):
            task.cancel()
        await gathered


async def run_load(
    scenarios: Sequence[Scenario],
    target: Target,
    config: LoadConfig,
    *,
    wall: Clock | None = None,
    sender: Sender | None = None,
    holder: list[LoadRun] | None = None,
) -> LoadResult:
    """Run the load; ``holder`` receives the live run (for a progress display and Ctrl-C)."""
    load = LoadRun(scenarios, target, config, wall=wall or WallClock())
    if holder is not None:
        holder.append(load)
    started = time.perf_counter()
    with _collector_for_load():
        async with LoadTransport(target, load.config, sender) as (send, client):
            await load.run(load.context(send, client))
    wall_ms = (time.perf_counter() - started) * 1000
    return LoadResult(
        load.stats, load.config, wall_ms, cut_at_deadline=load.cut, series=load.series.rows
    )


LOAD_GC_THRESHOLDS = (50_000, 20, 100)
"""The garbage collector's thresholds while a load run runs (Python's defaults: 700, 10, 10)."""


@contextlib.contextmanager
def _collector_for_load() -> Iterator[None]:
    """The garbage collector tuned for a load run, as it was again after it.

    Ten thousand calls under way hold about a million objects; with the default thresholds the
    collector walks through them all every few seconds, a pause of 100 ms and more that makes
    every callback due meanwhile late (measured: lateness p99 68 ms, max 290 ms). What a run
    allocates is nearly all freed by reference counting, so young collections every 50,000
    allocations instead of 700 are enough, and the objects from before the run (modules,
    fixtures) are frozen out of every collection.
    """
    thresholds = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(*LOAD_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


class LoadTransport:
    """URL targets go through :class:`HttpSender` (the fast path); in-process apps through httpx."""

    def __init__(self, target: Target, config: LoadConfig, sender: Sender | None) -> None:
        self.target = target
        self.config = config
        self.sender = sender
        self.client = httpx.AsyncClient(
            transport=target.transport, timeout=config.timeout_s, trust_env=False
        )
        self.closer: Callable[[], object] | None = None

    async def __aenter__(self) -> tuple[Sender, httpx.AsyncClient]:
        if self.sender is not None or self.target.in_process:
            from vcall.simulator.transport import HttpxSender

            await self.client.__aenter__()  # an in-process ASGI app's lifespan starts here
            return self.sender or HttpxSender(self.client), self.client
        from vcall.simulator.transport import HttpSender

        fast = HttpSender(connections=min(self.config.concurrency, MAX_CONNECTIONS))
        self.closer = fast.close
        return fast, self.client

    async def __aexit__(self, *exc: object) -> None:
        if self.closer is not None:
            await self.closer()  # type: ignore[misc]
        await self.client.__aexit__(None, None, None)  # closes it (and ends a lifespan)
