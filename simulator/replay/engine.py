"""The replay engine: drives the platform model, delivers its callbacks, checks every answer.

``simulate()`` is the one entry point the CLI calls. It takes scenarios, a target and a config,
streams events to an optional sink while it runs, and returns a :class:`RunResult`. Transport and
clock are injected: tests pass an ``httpx`` transport and get a virtual clock by default.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from vcall.simulator.clock import Clock, VirtualClock, WallClock
from vcall.simulator.findings import Finding, Severity
from vcall.simulator.fixture import EndReason, Expectation, React, Scenario, Step, persona_of
from vcall.simulator.model import Callback, CallSession, CallState
from vcall.simulator.replay.answers import validate_answer
from vcall.simulator.replay.call_ids import CallIds
from vcall.simulator.replay.delivery import delivery_findings
from vcall.simulator.replay.expectations import check_expectation
from vcall.simulator.replay.placement_check import check_placement
from vcall.simulator.replay.reactive import FIXTURE_FLOW_RULES, Captures, play_reactive
from vcall.simulator.replay.results import CallResult, Observed, PlacementReport, RunResult, Turn
from vcall.simulator.replay.targets import Target
from vcall.simulator.spec import CALLBACK_DELIVERY, SPEC_NOTES, BeginTime
from vcall.simulator.transport import Exchange, HttpxSender, Placement, Sender

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
    spec_only: bool = False
    """Check the answers against the spec only: the fixtures' expectations (``answer``,
    ``expect``, ``end``) are not checked, and steps the call ended before are not a failure."""
    begin_time: BeginTime | None = None
    """How ``begin_time`` is written in every call, over the fixtures' choice (``--begin-time``)."""
    epoch_ms: int | None = None
    """Where every call's Unix time starts (``--epoch``: byte-identical runs), over the fixtures'
    ``call.start_time``; ``None``: the fixture's, else the wall-clock time the call starts."""


@dataclass(frozen=True, slots=True)
class CallStarted:
    index: int
    scenario: Scenario
    call_id: str


@dataclass(slots=True)  # one per callback: not frozen, a third of the cost to build
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
PersonaPlayer = Callable[["RunContext", Scenario, int], Awaitable["CallResult"]]
"""Plays a fixture with a ``persona:`` block as one call and judges its goal (given by
``vcall.simulator.persona``, a feature above the engine: ``vcall simulate`` passes it)."""
PERSONA_NOT_PLAYED = "persona-not-played"
EXPECT_END = "expect-end"


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
    ids: CallIds = field(default_factory=CallIds)
    """The run's call ids (shared by every context of one run: ids never repeat)."""
    sender: Sender | None = None
    """How callbacks travel; ``None``: through ``client`` (httpx)."""
    retain_turns: bool = True
    """False for load runs: turns go to the sink and are not kept in the ``CallResult``, and
    the model keeps no timeline."""
    persona_player: PersonaPlayer | None = None
    """Plays the fixtures with a ``persona:`` block; ``None``: their scripted steps only."""

    def __post_init__(self) -> None:
        if self.sender is None:
            self.sender = HttpxSender(self.client)

    def new_call_id(self) -> str:
        return self.ids()

    def send(self, callback: Callback, placement: Placement | None = None) -> Awaitable[Exchange]:
        """Deliver one callback (with ``config.placement`` unless told otherwise); the awaitable
        never raises.

        A network sender keeps its own deadline: its awaitable is returned as it is (no extra
        coroutine for every callback of a load run). An in-process app gets the deadline httpx
        gives a network endpoint, and an exception it raises becomes a failed exchange on that
        turn instead of ending the run.
        """
        assert self.sender is not None
        chosen = placement or self.config.placement
        timeout_s = self.config.timeout_s
        delivery = self.sender(
            self.target.url, callback.params(), placement=chosen, timeout_s=timeout_s
        )
        if not self.target.in_process:
            return delivery
        return self._in_process(delivery, callback, chosen, timeout_s)

    async def _in_process(
        self,
        delivery: Awaitable[Exchange],
        callback: Callback,
        chosen: Placement,
        timeout_s: float,
    ) -> Exchange:
        try:
            async with asyncio.timeout(timeout_s):  # no extra task: a Ctrl-C stays in this call
                return await delivery
        except TimeoutError:
            detail = f"the app did not answer within {timeout_s:g} s"
            return self._failed(callback, chosen, "timeout", detail, timeout_s * 1000)
        except Exception as error:  # the user's app crashed: a finding on this turn
            return self._failed(
                callback, chosen, "protocol", f"the app raised {type(error).__name__}: {error}"
            )

    def _failed(
        self,
        callback: Callback,
        placement: Placement,
        error: str,
        detail: str,
        latency_ms: float = 0.0,
    ) -> Exchange:
        return Exchange(
            method=CALLBACK_DELIVERY.method,
            url=self.target.url,
            params=callback.params(),
            placement=placement.value,
            latency_ms=latency_ms,
            error=error,
            error_detail=detail,
        )


class CallRunner:
    """Plays one scenario as one call."""

    def __init__(
        self, ctx: RunContext, scenario: Scenario, index: int, *, scripted_only: bool = False
    ) -> None:
        self.ctx = ctx
        self.scenario = scenario
        self.index = index
        self.call_id = ctx.new_call_id()
        self.clock = ctx.clock_factory()
        self.session = CallSession(
            scenario,
            call_id=self.call_id,
            start_epoch_ms=self._start_epoch_ms(),
            keep_timeline=ctx.retain_turns,
            begin_time=ctx.config.begin_time,
        )
        self.origin_ms = self.clock.now_ms()
        self.turns: list[Turn] = []
        self.turn_count = 0
        self.findings: list[Finding] = []
        self.unreachable = False
        self.played = 0
        self.started = time.perf_counter()
        self.last_turn: Turn | None = None
        """The latest answered callback: what reactive steps look at."""
        self.captures = Captures(scenario)
        self.observed: list[Observed] = []
        self.scripted_only = scripted_only
        """A ``persona:`` fixture played without its persona: ``end`` says so (see
        :func:`_persona_skipped`) before anyone hears of the call."""

    def _start_epoch_ms(self) -> int:
        """The call's Unix time at its start: ``--epoch``, else the fixture's
        ``call.start_time`` (on a virtual clock), else the clock's own (the wall-clock time)."""
        fixed = self.scenario.call.start_time_ms
        config = self.ctx.config
        if fixed is not None and config.epoch_ms is None and not config.realtime:
            return fixed
        return self.clock.epoch_ms()

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
        return self.session.ended or self.unreachable

    async def begin(self) -> list[Turn]:
        """Start the call (``callin`` for inbound calls) and check the ``answer`` expectations."""
        self.started = time.perf_counter()
        self.ctx.sink(CallStarted(self.index, self.scenario, self.call_id))
        run = self.session.start()
        callback = next(run, None)  # None: an outbound call sends nothing to start with
        turns = [] if callback is None else await self._exchanges(run, callback, None)
        return self._publish(turns, None, self.scenario.answer)

    async def play(self, step: Step) -> list[Turn]:
        """Play one caller step (a reactive one: its rounds); returns the turns it produced
        (expectation findings attached)."""
        if isinstance(step.action, React):
            turns = await play_reactive(self, step)
        else:
            turns = await self.play_one(step)
        self.played += 1
        return turns

    async def play_one(self, step: Step) -> list[Turn]:
        """Play one plain step, ``${captured.NAME}`` filled in, and keep what it captures."""
        resolved, problems = self.captures.resolve(step)
        self.findings.extend(problems)
        if resolved is None:
            return []
        run = self.session.play_step(resolved)
        callback = next(run, None)  # None: the step sends nothing (a wait, a silence, ...)
        turns = [] if callback is None else await self._exchanges(run, callback, step.index)
        turns = self._publish(turns, resolved, resolved.expect)
        self.findings.extend(self.captures.take(step, turns, self.last_turn))
        return turns

    def _publish(
        self, turns: list[Turn], step: Step | None, expectation: Expectation | None
    ) -> list[Turn]:
        """Check the expectation of one part of the call (the answer, or a step) on its turns,
        then publish them."""
        if expectation is not None:
            self._observe(expectation, turns, step)
        if expectation is not None and not self.ctx.config.spec_only:
            turns = self._expect(expectation, turns, _where(step))
        if self.ctx.retain_turns:
            self.turns.extend(turns)
        for turn in turns:
            self.ctx.sink(TurnDone(self.index, self.scenario, turn))
        return turns

    def end(self) -> CallResult:
        """Let the call end as the platform would, check how it ended, and return the result."""
        if not self.unreachable:
            for _callback in self.session.finish():
                raise AssertionError("the platform model sent a callback after the last step")
        state = self.session.state
        self._check_ending(self.played, state)
        result = self._result((time.perf_counter() - self.started) * 1000, state)
        if self.scripted_only:
            result = _persona_skipped(result)
        self.ctx.sink(CallFinished(self.index, result))
        return result

    async def _exchanges(
        self, run: ModelRun, callback: Callback | None, step_index: int | None
    ) -> list[Turn]:
        """``callback`` and every later one of this part of the call, delivered and checked."""
        turns: list[Turn] = []
        while callback is not None:
            # Paced and sent here, not in a coroutine of its own: this runs for every callback.
            scheduled = self.origin_ms + callback.at_ms
            clock = self.clock
            if type(clock) is VirtualClock:  # exactly: a subclass may sleep its own way
                clock.jump_to(scheduled)  # no coroutine for every callback
            else:
                await clock.sleep_until(scheduled)
            lateness = max(0.0, clock.now_ms() - scheduled)
            exchange = await self.ctx.send(callback)
            turn = self._turn(callback, exchange, step_index, scheduled, lateness)
            turns.append(turn)
            self.last_turn = turn
            if self.unreachable:
                run.close()
                break
            callback = _answered(run, _model_data(turn))
        return turns

    def _turn(
        self,
        callback: Callback,
        exchange: Exchange,
        step_index: int | None,
        scheduled: float,
        lateness: float,
    ) -> Turn:
        """The answer to ``callback`` checked: delivery and validator findings, as one turn."""
        config = self.ctx.config
        findings = delivery_findings(
            exchange, timeout_s=config.timeout_s, latency_budget_ms=config.latency_budget_ms
        )
        envelope = None
        result = validate_answer(callback, exchange)
        if result is not None:
            findings.extend(result.findings)
            envelope = result.envelope
        self.unreachable = self.unreachable or exchange.error == "connect"
        self.turn_count += 1
        return Turn(
            self.turn_count,
            callback,
            exchange,
            envelope,
            tuple(findings),
            step_index,
            scheduled,
            lateness,
        )

    def _expect(self, expectation: Expectation, turns: list[Turn], where: str) -> list[Turn]:
        """Match the step's last callback, or its last callback of the kind ``callback:`` names.

        Returns the turns with the expectation's findings attached to the matched one. Not
        checked on an abandoned call: its endpoint-unreachable finding says it all.
        """
        if self.unreachable:
            return turns
        last = _matched_turn(expectation, turns)
        kind = last.callback.kind if last is not None else None
        findings = check_expectation(expectation, kind, last.envelope if last else None, where)
        if not findings:
            return turns
        if last is None:
            self.findings.extend(findings)
            return turns
        updated = dataclasses.replace(last, findings=last.findings + tuple(findings))
        return [updated if turn is last else turn for turn in turns]

    def _observe(self, expectation: Expectation, turns: list[Turn], step: Step | None) -> None:
        """Keep the answer an expectation is checked against (``--update-expectations``)."""
        if not self.ctx.retain_turns or self.unreachable:
            return
        turn = _matched_turn(expectation, turns)
        file = (step.source if step is not None else "") or self.scenario.file
        kind = turn.callback.kind if turn is not None else None
        envelope = turn.envelope if turn is not None else None
        self.observed.append(Observed(file, expectation, kind, envelope))

    def _check_ending(self, played: int, state: CallState) -> None:
        steps = self.scenario.steps
        if self.unreachable:
            self.findings.append(_unreachable_finding(self.ctx.target))
            return
        if self.ctx.config.spec_only:
            self.findings[:] = [_as_note(finding) for finding in self.findings]
            return
        expected = self.scenario.end
        wrong_end = expected is not None and state.end_reason is not expected
        if played < len(steps):  # one cause: the call ended early; the wrong end is part of it
            unplayed = _unplayed_finding(steps[played:], state.end_reason, state.now_ms)
            if wrong_end and expected is not None:
                unplayed = dataclasses.replace(
                    unplayed, message=f"{unplayed.message}; it should end by {expected.value}"
                )
            self.findings.append(unplayed)
        elif wrong_end and expected is not None:
            actual = state.end_reason.value if state.end_reason else "still up"
            message = f"the call should end by {expected.value}, but it ended by {actual}"
            self.findings.append(
                Finding(EXPECT_END, Severity.ERROR, "", message, "fixture", expected.value, actual)
            )

    def _result(self, wall_ms: float, state: CallState) -> CallResult:
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
            observed=tuple(self.observed),
            app_output=self._app_output(),
        )

    def _app_output(self) -> tuple[str, ...]:
        """The in-process app's output for this call (taken in load runs too: not kept)."""
        output = self.ctx.target.take_app_output(self.call_id)
        return output if self.ctx.retain_turns else ()


CALL_CRASHED = "call-crashed"


async def run_call(ctx: RunContext, scenario: Scenario, index: int) -> CallResult:
    """One call, whatever happens inside it: an exception (a vcall bug, a sender that raises)
    makes it a failed call with the exception's message, never a call that vanishes.

    ``KeyboardInterrupt`` and cancellation pass through: they stop the run, not the call.
    """
    runner: CallRunner | None = None
    try:
        if ctx.persona_player is not None and persona_of(scenario) is not None:
            return await ctx.persona_player(ctx, scenario, index)
        runner = CallRunner(ctx, scenario, index, scripted_only=persona_of(scenario) is not None)
        return await runner.run()
    except Exception as error:
        result = _crashed(ctx, scenario, runner, error)
        ctx.sink(CallFinished(index, result))
        return result


def _persona_skipped(result: CallResult) -> CallResult:
    """A persona fixture where nothing plays its persona (a load run, the emulator): its
    scripted steps were played, and the result says the goal was not pursued."""
    message = (
        "the fixture's persona: block was not played here (vcall simulate and vcall persona "
        "play it); only its scripted steps were, and its end: was not checked"
    )
    note = Finding(PERSONA_NOT_PLAYED, Severity.INFO, "", message, "fixture")
    kept = tuple(f for f in result.call_findings if f.rule != EXPECT_END)  # the persona's end
    return dataclasses.replace(result, call_findings=(*kept, note))


def _crashed(
    ctx: RunContext, scenario: Scenario, runner: CallRunner | None, error: Exception
) -> CallResult:
    detail = str(error).splitlines()[0][:300] if str(error) else ""
    message = f"the call stopped on an exception: {type(error).__name__}" + (
        f": {detail}" if detail else ""
    )
    finding = Finding(CALL_CRASHED, Severity.ERROR, "", message, "vcall")
    if runner is None:
        return CallResult(scenario, "", (), (finding,), None, 0, 0.0)
    state = runner.session.state
    return CallResult(
        scenario=scenario,
        call_id=runner.call_id,
        turns=tuple(runner.turns),
        call_findings=(*runner.findings, finding),
        end_reason=state.end_reason,
        duration_ms=int(state.now_ms),
        wall_ms=(time.perf_counter() - runner.started) * 1000,
        notes=tuple(runner.session.notes),
        unreachable=runner.unreachable,
        app_output=runner._app_output(),
    )


def _answered(run: ModelRun, data: ResponseData) -> Callback | None:
    """The model's next callback once it has the answer; ``None`` when the part is over."""
    try:
        return run.send(data)
    except StopIteration:
        return None


def _matched_turn(expectation: Expectation, turns: Sequence[Turn]) -> Turn | None:
    """The turn an expectation is checked on: the last of the kind ``callback:`` names, else the
    last one."""
    same_kind = [turn for turn in turns if turn.callback.kind is expectation.callback]
    return (same_kind or turns)[-1] if turns else None


def _where(step: Step | None) -> str:
    if step is None:
        return "answer"
    return f"step {step.index + 1} ({step.kind}, line {step.line})"


def _model_data(turn: Turn) -> ResponseData:
    """What the platform acts on: ``data`` of a ``success`` answer with an HTTP 2xx status;
    anything else (an error status, whatever its body) -> donothing."""
    envelope = turn.envelope or {}
    data = turn.data
    status = turn.exchange.status
    if status is None or not 200 <= status < 300:
        return None
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
    clock_factory: Callable[[], Clock] | None = None,
    ids: CallIds | None = None,
    sender: Sender | None = None,
    persona_player: PersonaPlayer | None = None,
) -> RunResult:
    """Run every scenario as one call, ``config.concurrency`` at a time; results in input order.

    ``collected`` receives each call as it finishes (what an interrupted run still has);
    ``clock_factory`` replaces the clock ``config.realtime`` picks (tests pass a fake wall clock);
    ``ids``: the call ids of a larger run this one is part of (``vcall check``);
    ``sender`` replaces httpx (``explore`` and ``check`` pass the load path's client);
    ``persona_player`` plays the fixtures with a ``persona:`` block.
    A ``KeyboardInterrupt`` raised inside a call stops the run: the result is marked interrupted.
    """
    started = time.perf_counter()
    finished: list[tuple[int, CallResult]] = []
    async with _client_for(target, config, client) as http:
        ctx = _context(http, target, config, sink, clock_factory, ids)
        ctx.sender = sender or ctx.sender
        ctx.persona_player = persona_player
        placement = await _check_placement(ctx, scenarios) if config.check_placement else None
        interrupted = await _run_calls(ctx, scenarios, finished, collected)
    ordered = tuple(result for _, result in sorted(finished, key=lambda item: item[0]))
    wall_ms = (time.perf_counter() - started) * 1000
    return RunResult(
        ordered, wall_ms, strict=config.strict, interrupted=interrupted, placement=placement
    )


async def _run_calls(
    ctx: RunContext,
    scenarios: Sequence[Scenario],
    finished: list[tuple[int, CallResult]],
    collected: list[CallResult] | None,
) -> bool:
    """Every call, ``config.concurrency`` at a time; True if the run was interrupted.

    A ``KeyboardInterrupt`` inside a call would escape the event loop and lose every result: it
    cancels the calls under way instead, and no further call starts. Nor does one once a call
    found the endpoint unreachable: the next ones would only find the same.
    """
    semaphore = asyncio.Semaphore(max(1, ctx.config.concurrency))
    tasks: list[asyncio.Task[None]] = []
    interrupted = unreachable = False

    async def one(index: int, scenario: Scenario) -> None:
        nonlocal interrupted, unreachable
        async with semaphore:
            if interrupted or unreachable:
                return
            try:
                result = await run_call(ctx, scenario, index)
            except KeyboardInterrupt:
                interrupted = True
                _cancel_others(tasks)
                return
        unreachable = unreachable or result.unreachable
        finished.append((index, result))
        if collected is not None:
            collected.append(result)

    tasks.extend(asyncio.ensure_future(one(i, s)) for i, s in enumerate(scenarios))
    await _wait_all(tasks)
    return interrupted


def _cancel_others(tasks: Sequence[asyncio.Task[None]]) -> None:
    current = asyncio.current_task()
    for task in tasks:
        if task is not current:
            task.cancel()


async def _wait_all(tasks: Sequence[asyncio.Task[None]]) -> None:
    """Wait for every task; then raise the first unexpected error of a call, if any."""
    if not tasks:
        return
    try:
        await asyncio.wait(tasks)
    except asyncio.CancelledError:  # Ctrl-C under asyncio.run: stop the calls with the run
        _cancel_others(tasks)
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    for task in tasks:
        if not task.cancelled():
            task.result()


async def _check_placement(
    ctx: RunContext, scenarios: Sequence[Scenario]
) -> PlacementReport | None:
    """``--check-placement``: the first callback, sent both ways on throwaway calls."""
    return await check_placement(
        scenarios,
        ctx.send,
        new_call_id=ctx.new_call_id,
        start_epoch_ms=ctx.clock_factory().epoch_ms(),
    )


def _context(
    http: httpx.AsyncClient,
    target: Target,
    config: SimulationConfig,
    sink: EventSink,
    clock_factory: Callable[[], Clock] | None = None,
    ids: CallIds | None = None,
) -> RunContext:
    ids = ids if ids is not None else CallIds(config.seed)
    if clock_factory is not None:
        return RunContext(http, target, config, sink, clock_factory, ids)
    if config.realtime:
        wall = WallClock()
        return RunContext(http, target, config, sink, lambda: wall, ids)
    return RunContext(http, target, config, sink, VirtualClock.factory(config.epoch_ms), ids)


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
        transport=target.transport,
        limits=limits,
        trust_env=not _is_loopback(target.url),
        timeout=config.timeout_s,
    ) as http:
        yield http


def open_client(
    target: Target, config: SimulationConfig
) -> AbstractAsyncContextManager[httpx.AsyncClient]:
    """The HTTP client a run uses, for callers that drive calls themselves (the console)."""
    return _client_for(target, config, None)


def run_context(
    http: httpx.AsyncClient,
    target: Target,
    config: SimulationConfig,
    sink: EventSink = _ignore,
    ids: CallIds | None = None,
    sender: Sender | None = None,
) -> RunContext:
    """The context ``run_scenarios`` gives its calls (clock per ``config.realtime``, seeded ids;
    pass the run's ``ids`` when one run builds several contexts); ``sender``: how callbacks
    travel instead of ``http``."""
    ctx = _context(http, target, config, sink, ids=ids)
    ctx.sender = sender or ctx.sender
    return ctx


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host in ("localhost", "::1") or host.startswith("127.") or host.endswith(".in-process")


def simulate(
    scenarios: Sequence[Scenario],
    target: Target,
    config: SimulationConfig,
    sink: EventSink = _ignore,
    persona_player: PersonaPlayer | None = None,
) -> RunResult:
    """Run the scenarios to completion; Ctrl-C returns what was done so far, marked interrupted.
    ``persona_player`` plays the fixtures with a ``persona:`` block (``vcall.simulator.persona``
    gives one)."""
    collected: list[CallResult] = []
    outcome: list[RunResult] = []
    started = time.perf_counter()

    async def main() -> None:
        # The result is handed over in ``outcome``, not as the task's result: asyncio.run()
        # formats its main task's repr (result included) when it restores the SIGINT handler,
        # and the repr of a whole run costs O(run size).
        outcome.append(
            await run_scenarios(
                scenarios,
                target,
                config,
                sink=sink,
                collected=collected,
                persona_player=persona_player,
            )
        )

    try:
        asyncio.run(main())
        return outcome[0]
    except KeyboardInterrupt:
        wall = (time.perf_counter() - started) * 1000
        return RunResult(tuple(collected), wall, strict=config.strict, interrupted=True)


def _as_note(finding: Finding) -> Finding:
    """With ``spec_only`` a fixture's own flow (``until:`` not met, nothing captured) says why
    steps were skipped; it is the fixture's expectation of the bot, not a spec error."""
    if finding.rule in FIXTURE_FLOW_RULES and finding.is_error:
        return dataclasses.replace(finding, severity=Severity.WARNING)
    return finding
