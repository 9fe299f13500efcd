"""Accepted calls, played in the background by the engine, as ``vcall simulate`` plays them.

The API answers with the CallId at once (as the platform does); the call itself runs in an
asyncio task: a :class:`CallRunner` drives the platform model, delivers the callbacks to the
target and checks every answer. Results are kept, and the JSON report (when asked for) is
rewritten atomically at most once every :data:`REPORT_INTERVAL_S` while calls finish (rewriting
it after every call is quadratic: a flood of calls would starve the event loop), and once more
when the emulator stops.
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from vcall.simulator.clock import Clock
from vcall.simulator.emulator.events import EmulatorProblem, EmulatorSink
from vcall.simulator.errors import UsageError
from vcall.simulator.fixture import Scenario
from vcall.simulator.replay import (
    CallIds,
    CallResult,
    CallRunner,
    RunContext,
    RunResult,
    SimulationConfig,
    Target,
)
from vcall.simulator.reports import write_json_report

REPORT_INTERVAL_S = 1.0
"""vcall's choice: the shortest time between two rewrites of the JSON report."""
REPORT_SHARE = 0.1
"""vcall's choice: rewriting the report takes at most this share of the time (a report of
thousands of calls takes a while to write: the next waits ten times as long)."""


async def play(runner: CallRunner, *, abandon_script: bool) -> CallResult:
    """Play every step until the call ends. With ``abandon_script`` the steps left when the
    call ended are dropped rather than reported as unplayed."""
    await runner.begin()
    for step in runner.scenario.steps:
        if runner.ended:
            break
        await runner.play(step)
    if abandon_script and runner.ended:
        kept = runner.scenario.steps[: runner.played]
        runner.scenario = dataclasses.replace(runner.scenario, steps=kept)
    return runner.end()


class CallPlayer:
    """Starts calls, keeps their results, tells waiters when calls finish."""

    def __init__(
        self,
        target: Target,
        simulation: SimulationConfig,
        *,
        sink: EmulatorSink,
        clock_factory: Callable[[], Clock],
        rng: random.Random,
        report_json: Path | None = None,
        client: httpx.AsyncClient | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.target = target
        self.simulation = simulation
        self.report_json = report_json
        self.results: list[CallResult] = []
        self.started = 0
        self.finished = 0
        self._sink = sink
        self._clock_factory = clock_factory
        self._rng = rng
        self._client = client
        self._owns_client = client is None
        self._context: RunContext | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._changed: asyncio.Condition | None = None
        self._wall_start = time.perf_counter()
        self._monotonic = monotonic
        self._last_report: float | None = None
        self._report_gap = REPORT_INTERVAL_S
        self._report_pending: asyncio.TimerHandle | None = None
        self.reports_written = 0

    def start(self, scenario: Scenario, *, abandon_script: bool) -> str:
        """Start playing ``scenario`` in the background; returns its CallId at once."""
        runner = CallRunner(self._run_context(), scenario, self.started)
        self.started += 1
        task = asyncio.get_running_loop().create_task(self._play(runner, abandon_script))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return runner.call_id

    async def wait_finished(self, count: int) -> None:
        """Return once ``count`` calls have finished (played, or given up with a problem)."""
        changed = self._condition()
        async with changed:
            await changed.wait_for(lambda: self.finished >= count)

    async def drain(self) -> None:
        """Wait for every call under way."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def aclose(self) -> None:
        """Stop the calls under way (they are not recorded), write the report of the calls
        played, and close the HTTP client."""
        for task in self._tasks:
            task.cancel()
        await self.drain()
        self.flush_report()
        if self._client is not None and self._owns_client:
            await self._client.aclose()
            self._client = None
            self._context = None

    def run_result(self) -> RunResult:
        wall_ms = (time.perf_counter() - self._wall_start) * 1000
        return RunResult(tuple(self.results), wall_ms, strict=self.simulation.strict)

    def write_report(self) -> None:
        """Write the JSON report of the calls so far (atomically); UsageError when impossible."""
        if self.report_json is None:
            return
        began = time.perf_counter()
        try:
            write_json_report(self.run_result(), self.report_json)
        except OSError as error:
            raise UsageError(f"cannot write report {self.report_json}: {error}") from None
        self.reports_written += 1
        took = time.perf_counter() - began
        self._report_gap = max(REPORT_INTERVAL_S, took / REPORT_SHARE)
        self._last_report = self._monotonic()

    def flush_report(self) -> None:
        """Write the report now if calls finished since it was last written."""
        if self._report_pending is not None:
            self._report_pending.cancel()
            self._report_pending = None
            self._write_reported()

    def _report_soon(self) -> None:
        """Write the report now, or once :data:`REPORT_INTERVAL_S` (or ten times the last
        write's duration) has passed since the last write; calls finishing meanwhile are all in
        that one write."""
        if self.report_json is None or self._report_pending is not None:
            return
        since = None if self._last_report is None else self._monotonic() - self._last_report
        if since is None or since >= self._report_gap:
            self._write_reported()
            return
        loop = asyncio.get_running_loop()
        self._report_pending = loop.call_later(self._report_gap - since, self._scheduled_write)

    def _scheduled_write(self) -> None:
        self._report_pending = None
        self._write_reported()

    def _write_reported(self) -> None:
        try:
            self.write_report()
        except UsageError as error:
            self._sink(EmulatorProblem(str(error)))

    async def _play(self, runner: CallRunner, abandon_script: bool) -> None:
        try:
            self.results.append(await play(runner, abandon_script=abandon_script))
            self._report_soon()
        except asyncio.CancelledError:
            raise
        except UsageError as error:
            self._sink(EmulatorProblem(str(error)))
        except Exception as error:  # a model bug must not take the API down: report it
            detail = f"{type(error).__name__}: {error}"
            self._sink(EmulatorProblem(f"call {runner.call_id} could not be played: {detail}"))
        finally:
            await self._count_finished()

    async def _count_finished(self) -> None:
        self.finished += 1
        changed = self._condition()
        async with changed:
            changed.notify_all()

    def _condition(self) -> asyncio.Condition:
        if self._changed is None:
            self._changed = asyncio.Condition()
        return self._changed

    def _run_context(self) -> RunContext:
        if self._context is None:
            if self._client is None:
                self._client = _callback_client(self.target, self.simulation)
            self._context = RunContext(
                self._client,
                self.target,
                self.simulation,
                self._sink,
                self._clock_factory,
                CallIds(rng=self._rng),
            )
        return self._context


def _callback_client(target: Target, config: SimulationConfig) -> httpx.AsyncClient:
    host = urlsplit(target.url).hostname or ""
    loopback = host in ("localhost", "::1") or host.startswith("127.") or target.in_process
    return httpx.AsyncClient(
        transport=target.transport, timeout=config.timeout_s, trust_env=not loopback
    )
