"""The replay engine: drives the platform model, delivers its callbacks, checks every answer.

``simulate()`` is the one entry point the CLI calls. It takes scenarios, a target and a config,
streams events to an optional sink while it runs, and returns a :class:`RunResult`. Transport and
clock are injected: tests pass an ``httpx`` transport and get a virtual clock by default.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Callable, Generator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from vcall.simulator.clock import Clock, VirtualClock, WallClock
from vcall.simulator.delivery import Placement, deliver, delivery_findings
from vcall.simulator.expectations import check_expectation
from vcall.simulator.findings import Finding, Severity
from vcall.simulator.model import Callback, CallSession
from vcall.simulator.results import CallResult, RunResult, Turn
from vcall.simulator.scenario import EndReason, Expectation, Scenario, Step
from vcall.simulator.spec import SPEC_NOTES, stage_of
from vcall.simulator.targets import Target
from vcall.simulator.validation import validate_response

ResponseData = dict[str, object] | None
ModelRun = Generator[Callback, ResponseData, None]


@dataclass(frozen=True, slots=True)
class SimulationConfig:
    """Everything ``vcall simulate`` decides about a run (built by the CLI, or by tests)."""

    placement: Placement = Placement.FORM
    timeout_s: float = 10.0
    """Per callback; vcall's choice (the vendor documents no deadline). A timeout is an error."""
    latency_budget_ms: float | None = None
    """Per callback; over budget is a warning."""
    realtime: bool = False
    concurrency: int = 1
    strict: bool = False
    seed: int | None = None
    check_placement: bool = False


@dataclass(frozen=True, slots=True)
class CallStarted:
    index: int
    scenario: Scenario
    call_id: str


@dataclass(frozen=True, slots=True)
class TurnDone:
    index: int
    scenario: Scenario
    turn: Turn


@dataclass(frozen=True, slots=True)
class CallFinished:
    index: int
    result: CallResult


Event = CallStarted | TurnDone | CallFinished
EventSink = Callable[[Event], None]


def _ignore(_event: Event) -> None:
    return None


@dataclass(slots=True)
class RunContext:
    """What every call of one run shares."""

    client: httpx.AsyncClient
    target: Target
    config: SimulationConfig
    sink: EventSink = _ignore
    clock_factory: Callable[[], Clock] = VirtualClock
    rng: random.Random = field(default_factory=random.Random)

    def new_call_id(self) -> str:
        return f"{self.rng.randrange(10**11, 10**12)}^{self.rng.randrange(10**11, 10**12)}"


class CallRunner:
    """Plays one scenario as one call."""

    def __init__(self, ctx: RunContext, scenario: Scenario, index: int) -> None:
        self.ctx = ctx
        self.scenario = scenario
        self.index = index
        self.call_id = ctx.new_call_id()
        self.clock = ctx.clock_factory()
        self.session = CallSession(scenario, call_id=self.call_id, start_epoch_ms=self.clock.epoch_ms())
        self.origin_ms = self.clock.now_ms()
        self.turns: list[Turn] = []
        self.findings: list[Finding] = []
        self.unreachable = False
        self.played = 0
        self.started = time.perf_counter()

    async def run(self) -> CallResult:
        """Play the whole scenario: start, every step, the end."""
        await self.begin()
        for step in self.scenario.steps:
            if self.ended:
                break
            await self.play(step)
        return self.end()

    @property
    def ended(self) -> bool:
        return self.session.state.ended or self.unreachable

    async def begin(self) -> list[Turn]:
        """Start the call (``callin`` for inbound calls) and check the ``answer`` expectations."""
        self.started = time.perf_counter()
        self.ctx.sink(CallStarted(self.index, self.scenario, self.call_id))
        turns = await self._drive(self.session.start(), None)
        if self.scenario.answer is not None:
            self._expect(self.scenario.answer, turns, "answer")
        return turns

    async def play(self, step: Step) -> list[Turn]:
        """Play one caller step; returns the turns it produced (expectation findings attached)."""
        first = len(self.turns)
        turns = await self._drive(self.session.play_step(step), step.index)
        if step.expect is not None:
            self._expect(step.expect, turns, f"step {step.index + 1} ({step.kind}, line {step.line})")
        self.played += 1
        return self.turns[first:]

    def end(self) -> CallResult:
        """Let the call end as the platform would, check how it ended, and return the result."""
        if not self.unreachable:
            for _callback in self.session.finish():
                raise AssertionError("the platform model sent a callback after the last step")
        self._check_ending(self.played)
        result = self._result((time.perf_counter() - self.started) * 1000)
        self.ctx.sink(CallFinished(self.index, result))
        return result

    async def _drive(self, run: ModelRun, step_index: int | None) -> list[Turn]:
        turns: list[Turn] = []
        try:
            callback = next(run)
            while True:
                turn = await self._exchange(callback, step_index)
                turns.append(turn)
                if self.unreachable:
                    run.close()
                    break
                callback = run.send(_model_data(turn))
        except StopIteration:
            pass
        return turns

    async def _exchange(self, callback: Callback, step_index: int | None) -> Turn:
        scheduled = self.origin_ms + callback.at_ms
        await self.clock.sleep_until(scheduled)
        lateness = max(0.0, self.clock.now_ms() - scheduled)
        config = self.ctx.config
        exchange = await deliver(
            self.ctx.client,
            self.ctx.target.url,
            callback.params(),
            placement=config.placement,
            timeout_s=config.timeout_s,
        )
        findings = delivery_findings(exchange, timeout_s=config.timeout_s, latency_budget_ms=config.latency_budget_ms)
        envelope = None
        if exchange.error is None:
            result = validate_response(
                exchange.body,
                stage_of(callback.kind),
                status=exchange.status,
                headers=exchange.headers,
                call_id=callback.call_id,
                request_content=callback.content,
            )
            findings.extend(result.findings)
            envelope = result.envelope
        self.unreachable = self.unreachable or exchange.error == "connect"
        turn = Turn(len(self.turns) + 1, callback, exchange, envelope, tuple(findings), step_index, scheduled, lateness)
        self.turns.append(turn)
        self.ctx.sink(TurnDone(self.index, self.scenario, turn))
        return turn

    def _expect(self, expectation: Expectation, turns: list[Turn], where: str) -> None:
        last = turns[-1] if turns else None
        kind = last.callback.kind if last is not None else None
        findings = check_expectation(expectation, kind, last.envelope if last else None, where)
        if not findings:
            return
        if last is None:
            self.findings.extend(findings)
            return
        self._attach(last, findings)

    def _attach(self, turn: Turn, findings: list[Finding]) -> None:
        position = self.turns.index(turn)
        updated = Turn(
            turn.number,
            turn.callback,
            turn.exchange,
            turn.envelope,
            turn.findings + tuple(findings),
            turn.step_index,
            turn.scheduled_ms,
            turn.lateness_ms,
        )
        self.turns[position] = updated

    def _check_ending(self, played: int) -> None:
        state = self.session.state
        steps = self.scenario.steps
        if self.unreachable:
            self.findings.append(_unreachable_finding(self.ctx.target))
            return
        if played < len(steps):
            self.findings.append(_unplayed_finding(steps[played:], state.end_reason, state.now_ms))
        expected = self.scenario.end
        if expected is not None and state.end_reason is not expected:
            actual = state.end_reason.value if state.end_reason else "still up"
            message = f"the call should end by {expected.value}, but it ended by {actual}"
            self.findings.append(Finding("expect-end", Severity.ERROR, "", message, "fixture", expected.value, actual))

    def _result(self, wall_ms: float) -> CallResult:
        state = self.session.state
        return CallResult(
            scenario=self.scenario,
            call_id=self.call_id,
            turns=tuple(self.turns),
            call_findings=tuple(self.findings),
            end_reason=EndReason.ENDPOINT_FAILED if self.unreachable else state.end_reason,
            duration_ms=int(state.now_ms),
            wall_ms=wall_ms,
            timeline=tuple(self.session.timeline),
            notes=tuple(self.session.notes),
            unreachable=self.unreachable,
        )


def _model_data(turn: Turn) -> ResponseData:
    """What the platform acts on: ``data`` of a ``success`` answer; anything else -> donothing."""
    envelope = turn.envelope or {}
    data = turn.data
    if envelope.get("result") != "success" or data is None:
        return None
    return dict(data)


def _unplayed_finding(steps: Sequence[Step], reason: EndReason | None, now_ms: float) -> Finding:
    first = steps[0]
    why = reason.value if reason else "unknown"
    message = (
        f"the call ended ({why}) at {now_ms / 1000:.1f} s before {len(steps)} step(s) were played, "
        f"from step {first.index + 1} ({first.kind}, line {first.line})"
    )
    return Finding("scenario-steps-unplayed", Severity.ERROR, "", message, "fixture")


def _unreachable_finding(target: Target) -> Finding:
    message = f"the endpoint {target.label} could not be reached; the call was abandoned"
    return Finding("endpoint-unreachable", Severity.ERROR, "", message, SPEC_NOTES)


# --- running many calls -------------------------------------------------------------------------


async def run_scenarios(
    scenarios: Sequence[Scenario],
    target: Target,
    config: SimulationConfig,
    *,
    sink: EventSink = _ignore,
    collected: list[CallResult] | None = None,
    client: httpx.AsyncClient | None = None,
) -> RunResult:
    """Run every scenario as one call, ``config.concurrency`` at a time."""
    started = time.perf_counter()
    results: list[CallResult] = [] if collected is None else collected
    async with _client_for(target, config, client) as http:
        ctx = _context(http, target, config, sink)
        semaphore = asyncio.Semaphore(max(1, config.concurrency))

        async def one(index: int, scenario: Scenario) -> None:
            async with semaphore:
                results.append(await CallRunner(ctx, scenario, index).run())

        await asyncio.gather(*(one(i, s) for i, s in enumerate(scenarios)))
    ordered = tuple(sorted(results, key=lambda r: scenarios.index(r.scenario)))
    return RunResult(ordered, (time.perf_counter() - started) * 1000, strict=config.strict)


def _context(http: httpx.AsyncClient, target: Target, config: SimulationConfig, sink: EventSink) -> RunContext:
    if config.realtime:
        wall = WallClock()
        return RunContext(http, target, config, sink, lambda: wall, random.Random(config.seed))
    return RunContext(http, target, config, sink, VirtualClock, random.Random(config.seed))


@asynccontextmanager
async def _client_for(
    target: Target, config: SimulationConfig, client: httpx.AsyncClient | None
) -> AsyncIterator[httpx.AsyncClient]:
    """The caller's client as-is (not closed here), or a new one sized for the run."""
    if client is not None:
        yield client
        return
    limits = httpx.Limits(max_connections=max(10, config.concurrency * 2))
    async with httpx.AsyncClient(
        transport=target.transport, limits=limits, trust_env=not _is_loopback(target.url), timeout=config.timeout_s
    ) as http:
        yield http


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host in ("localhost", "::1") or host.startswith("127.") or host.endswith(".in-process")


def simulate(
    scenarios: Sequence[Scenario], target: Target, config: SimulationConfig, sink: EventSink = _ignore
) -> RunResult:
    """Run the scenarios to completion; Ctrl-C returns what was done so far, marked interrupted."""
    collected: list[CallResult] = []
    started = time.perf_counter()
    try:
        return asyncio.run(run_scenarios(scenarios, target, config, sink=sink, collected=collected))
    except KeyboardInterrupt:
        wall = (time.perf_counter() - started) * 1000
        return RunResult(tuple(collected), wall, strict=config.strict, interrupted=True)
