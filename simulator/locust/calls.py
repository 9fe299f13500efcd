"""The vcall calls of one Locust process: one loop thread, one ``LoadStats``, a run per user class.

Each :class:`UserRun` is a :class:`~vcall.simulator.load.runner.LoadRun` (same scenario order,
same sink folding every turn into vcall's statistics, same transport: the load path's HTTP sender
for URLs) whose calls are started one at a time by Locust users instead of by ``LoadRun.run``.
Its sink also hands each finished turn and call to the hub, where they become Locust request
events: request type = callback kind (``call`` for the call as a whole), name = scenario,
response time = answer latency (the call's wall time), exception = the first error finding.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import gevent.lock
from gevent import monkey

from vcall.simulator.clock import WallClock
from vcall.simulator.errors import UsageError
from vcall.simulator.findings import Finding
from vcall.simulator.fixture.durations import parse_duration
from vcall.simulator.fixture.loader import load_scenarios
from vcall.simulator.load.runner import MAX_CONNECTIONS, LoadConfig, LoadRun, LoadTransport
from vcall.simulator.load.stats import LoadStats
from vcall.simulator.locust.bridge import Inbox, LoopThread
from vcall.simulator.replay.delivery import Placement
from vcall.simulator.replay.engine import CallFinished, Event, RunContext, TurnDone, run_call
from vcall.simulator.replay.results import CallResult
from vcall.simulator.replay.targets import resolve_target

CALL_REQUEST_TYPE = "call"
"""The request type of the one entry per call in Locust's statistics."""


class FindingFailure(Exception):
    """What Locust records as a request's failure: vcall's first error finding on it."""

    def __init__(self, finding: Finding) -> None:
        where = f" at {finding.path}" if finding.path else ""
        super().__init__(f"{finding.rule}{where}: {finding.message}")


def _first_error(findings: Sequence[Finding]) -> Finding | None:
    for finding in findings:
        if finding.is_error:
            return finding
    return None


class UserSettings:
    """What a ``SmartCallUser`` subclass declares, checked: fixtures, target, config."""

    def __init__(self, user_class: type[Any], default_host: str | None = None) -> None:
        name = user_class.__name__
        fixtures = list(getattr(user_class, "fixtures", None) or [])
        if not fixtures:
            raise UsageError(f"{name}: set fixtures = [...] (fixture files, folders or globs)")
        host = getattr(user_class, "host", None) or default_host
        if not host:
            raise UsageError(f"{name}: set host = 'http://.../callback' or pass --host")
        self.scenarios = load_scenarios(fixtures)
        self.target = resolve_target(str(host))
        self.config = LoadConfig(
            concurrency=MAX_CONNECTIONS,
            realtime=bool(getattr(user_class, "realtime", True)),
            placement=Placement(getattr(user_class, "params", "form")),
            timeout_s=parse_duration(str(getattr(user_class, "timeout", "10s")), what="timeout")
            / 1000,
            weights=dict(getattr(user_class, "weights", None) or {}),
            spec_only=bool(getattr(user_class, "spec_only", False)),
        ).checked()


class UserRun(LoadRun):
    """The calls of one user class, started by its users, folded into the process's stats."""

    def __init__(self, calls: ProcessCalls, settings: UserSettings) -> None:
        super().__init__(settings.scenarios, settings.target, settings.config, wall=calls.wall)
        self.calls = calls
        self.stats = calls.stats
        self.transport = LoadTransport(settings.target, self.config, None)
        self.ctx: RunContext | None = None
        self.first_errors: dict[int, Finding] = {}

    async def open(self) -> None:
        send, client = await self.transport.__aenter__()
        self.ctx = self.context(send, client)

    async def close(self) -> None:
        await self.transport.__aexit__(None, None, None)

    async def one_call(self) -> CallResult:
        assert self.ctx is not None
        index = next(self.calls.indexes)
        self.stats.calls_started += 1
        return await run_call(self.ctx, next(self.order), index)

    def sink(self, event: Event) -> None:
        with self.calls.lock:  # the hub may swap the statistics for a report
            super().sink(event)
        report = self.calls.report
        if isinstance(event, TurnDone):
            turn = event.turn
            error = _first_error(turn.findings)
            if error is not None:
                self.first_errors.setdefault(event.index, error)
            exchange = turn.exchange
            report(
                str(turn.callback.kind),
                event.scenario.name,
                exchange.latency_ms,
                len(exchange.body),
                error,
            )
        elif isinstance(event, CallFinished):
            result = event.result
            error = self.first_errors.pop(event.index, None) or _first_error(result.call_findings)
            report(CALL_REQUEST_TYPE, result.scenario.name, result.wall_ms, 0, error)


class ProcessCalls:
    """Every vcall call of this Locust process; created on first use, on the hub."""

    def __init__(self, environment: Any) -> None:
        self.environment = environment
        self.wall = WallClock()
        self.stats = LoadStats()
        self.indexes = itertools.count()
        self.inbox = Inbox()
        self.thread = LoopThread(self.inbox)
        self.runs: dict[type[Any], UserRun] = {}
        self._setting_up = gevent.lock.Semaphore()
        self.lock = monkey.get_original("_thread", "allocate_lock")()
        """Held while a turn is folded into ``stats`` (loop thread) or ``stats`` is swapped."""
        self._fire = environment.events.request.fire

    def run_for(self, user_class: type[Any]) -> UserRun:
        """The class's run, opened once (opening waits: the other users wait for it too)."""
        with self._setting_up:
            run = self.runs.get(user_class)
            if run is None:
                run = UserRun(self, UserSettings(user_class))
                self.thread.call(run.open)
                self.runs[user_class] = run
            return run

    def play(self, user_class: type[Any]) -> CallResult | None:
        """One whole call; blocks the calling greenlet only. ``None``: cancelled (stopping)."""
        run = self.runs.get(user_class) or self.run_for(user_class)
        result: CallResult | None = self.thread.call(run.one_call)
        return result

    def report(
        self, kind: str, name: str, latency_ms: float, length: int, error: Finding | None
    ) -> None:
        """On the loop thread: one request for Locust's statistics, fired on the hub."""
        self.inbox.put(self._fire_request, kind, name, latency_ms, length, error)

    def _fire_request(
        self, kind: str, name: str, latency_ms: float, length: int, error: Finding | None
    ) -> None:
        self._fire(
            request_type=kind,
            name=name,
            response_time=latency_ms,
            response_length=length,
            exception=FindingFailure(error) if error is not None else None,
            context={},
        )

    def settle(self) -> LoadStats:
        """Stop the calls under way; every turn so far is in the stats and fired to Locust."""
        self.thread.settle()
        return self.stats

    def take_stats(self) -> LoadStats:
        """The statistics since the last take, swapped for fresh ones (no waiting: a report
        in progress is never cut short by a greenlet switch)."""
        with self.lock:
            taken = self.stats
            self.stats = LoadStats()
            # calls under way with a failed turn stay failing in the next share
            self.stats._failing, taken._failing = taken._failing, set()
            for run in self.runs.values():
                run.stats = self.stats
        return taken

    def reset(self) -> None:
        """Fresh statistics for a new test (the loop is idle: after ``settle``)."""
        self.stats = LoadStats()
        for run in self.runs.values():
            run.stats = self.stats
            run.first_errors.clear()

    def close(self) -> None:
        """Close the connections and stop the loop thread (Locust is quitting)."""
        for run in self.runs.values():
            self.thread.call(run.close)
        self.runs.clear()
        self.thread.stop()
        _PROCESS.pop("calls", None)


_PROCESS: dict[str, ProcessCalls] = {}
_CREATING = gevent.lock.Semaphore()


def process_calls(environment: Any) -> ProcessCalls:
    """This process's :class:`ProcessCalls`, made on first use (once: making it waits for the
    loop thread to start, and the other users wait for the same one)."""
    calls = _PROCESS.get("calls")
    if calls is not None:
        return calls
    with _CREATING:
        calls = _PROCESS.get("calls")
        if calls is None:
            calls = _PROCESS["calls"] = ProcessCalls(environment)
        return calls


def existing_calls() -> ProcessCalls | None:
    return _PROCESS.get("calls")


def check_user_classes(user_classes: Sequence[type[Any]], host: str | None) -> None:
    """Load and check every vcall user class's fixtures and target now (one-line errors).

    ``host``: Locust's ``--host``, or (on a worker, which learns it only when the test starts) a
    placeholder that only stands in for a missing one.
    """
    for user_class in user_classes:
        UserSettings(user_class, host)


__all__ = [
    "CALL_REQUEST_TYPE",
    "FindingFailure",
    "ProcessCalls",
    "UserRun",
    "check_user_classes",
    "existing_calls",
    "process_calls",
]
