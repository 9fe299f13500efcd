"""Accepted calls, played in the background by the engine, as ``vcall simulate`` plays them.

The API answers with the CallId at once (as the platform does); the call itself runs in an
asyncio task: a :class:`CallRunner` drives the platform model, delivers the callbacks to the
target and checks every answer. Results are kept, and the JSON report (when asked for) is
rewritten atomically after each call.
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
from vcall.simulator.fixture.scenario import Scenario
from vcall.simulator.replay.engine import CallRunner, RunContext, SimulationConfig
from vcall.simulator.replay.results import CallResult, RunResult
from vcall.simulator.replay.targets import Target
from vcall.simulator.reports import write_json_report


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
        """Stop the calls under way (they are not recorded) and close the HTTP client."""
        for task in self._tasks:
            task.cancel()
        await self.drain()
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
        try:
            write_json_report(self.run_result(), self.report_json)
        except OSError as error:
            raise UsageError(f"cannot write report {self.report_json}: {error}") from None

    async def _play(self, runner: CallRunner, abandon_script: bool) -> None:
        try:
            self.results.append(await play(runner, abandon_script=abandon_script))
            self.write_report()
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
                self._rng,
            )
        return self._context


def _callback_client(target: Target, config: SimulationConfig) -> httpx.AsyncClient:
    host = urlsplit(target.url).hostname or ""
    loopback = host in ("localhost", "::1") or host.startswith("127.") or target.in_process
    return httpx.AsyncClient(
        transport=target.transport, timeout=config.timeout_s, trust_env=not loopback
    )
