"""``check()``: the built-in suite of generic caller behaviours against any bot, spec rules only.

Each behaviour runs once per placement of the parameters (form body and query string, unless
told one), after the caller moves that bring the bot into the situation it needs (found by a
short crawl, in the first placement the bot answers). Its verdict: passed, failed (a finding of
severity error; warnings too under ``strict``), no answer (no answer of the call was usable: HTTP
2xx with ``result`` ``success``, so the platform never acted on one and nothing was checked),
not reached (the crawl found no state in the situation it needs), or not offered (inbound and
outbound calls are separate services: the bot serves only the other direction, told by
``--inbound-only``/``--outbound-only`` or read off its refusals, see :func:`unserved`).
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import httpx

from vcall.simulator.dialogue_map import NO_ANSWER, ExploreMap, Move, builtin_lines, usable_data
from vcall.simulator.explore.crawler import Crawl, Crawler, Limits
from vcall.simulator.explore.driver import PathDriver
from vcall.simulator.explore.progress import CheckProgress, ExploreProgress
from vcall.simulator.explore.suite import (
    NEED_WORDS,
    Behaviour,
    builtin_suite,
    situation_path,
    with_prefix,
)
from vcall.simulator.explore.transport import open_transport, run_fast
from vcall.simulator.findings import Finding, Severity
from vcall.simulator.fixture import CallSettings, Direction, Scenario
from vcall.simulator.replay import (
    CallFinished,
    CallIds,
    CallResult,
    CallStarted,
    Event,
    RunResult,
    SimulationConfig,
    Target,
    run_context,
    run_scenarios,
)
from vcall.simulator.spec import CallbackKind
from vcall.simulator.transport import Placement, Sender

PARTNER_ID = "partnerId"
NOT_THE_BOTS = frozenset({"scenario-steps-unplayed"})
"""Call findings that say nothing about the bot here: with no bot-specific expectations, a bot
that ends the call before the behaviour's last steps is within its rights."""
PREFIX_LIMITS = Limits(max_depth=4, max_calls=800, max_time_s=60.0, concurrency=8)


class Verdict(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NO_ANSWER = "no answer"
    """No answer of the call was usable (e.g. ``result: fail`` to every callback, as a bot that
    reads its parameters only from the other placement answers): nothing was checked."""
    NOT_REACHED = "not reached"
    NOT_RUN = "not run"
    """Interrupted (Ctrl-C) before it was played."""
    NOT_OFFERED = "not offered"
    """The bot does not serve calls of this direction (an inbound-only or outbound-only bot)."""


DIRECTION_SERVICES = (
    "inbound and outbound calls are separate services, each enabled on its own (vendor: "
    "智能语音交互呼入回调HTTP接口, concept_261502: 服务开通 and a 呼入配置 per number for "
    "inbound; SmartCall for outbound)"
)
SLOW_NOTE = "slow: {timeout:g} s, vcall's {whose}; the vendor documents none"
DEFAULT_TIMEOUT_S = SimulationConfig().timeout_s


@dataclass(frozen=True, slots=True)
class CheckConfig:
    simulation: SimulationConfig = field(default_factory=SimulationConfig)
    placements: tuple[Placement, ...] = (Placement.FORM, Placement.QUERY)
    prefix_limits: Limits = PREFIX_LIMITS
    concurrency: int = 8
    """Behaviours played side by side (they are independent calls)."""
    only: Direction | None = None
    """``--inbound-only`` / ``--outbound-only``: the other direction is not offered, not run."""


@dataclass(slots=True)
class BehaviourResult:
    behaviour: Behaviour
    prefix: tuple[Move, ...] | None
    """The moves played first to reach the situation it needs; ``None``: not reached."""
    calls: dict[Placement, CallResult] = field(default_factory=dict)
    strict: bool = False
    interrupted: bool = False
    not_offered: str = ""
    """Why the bot does not serve this behaviour's direction; empty: it does."""
    timeout_s: float = DEFAULT_TIMEOUT_S
    asr_notes: dict[Placement, str] = field(default_factory=dict)
    """``request-through-asr-noise``: whether the bot understood the noisy request."""

    @property
    def name(self) -> str:
        return self.behaviour.name

    def verdict(self, placement: Placement) -> Verdict:
        if self.not_offered:
            return Verdict.NOT_OFFERED
        call = self.calls.get(placement)
        if call is None:
            return Verdict.NOT_RUN if self.interrupted else Verdict.NOT_REACHED
        if call.failed(self.strict):
            return Verdict.FAILED
        return Verdict.PASSED if answered(call) else Verdict.NO_ANSWER

    def first_finding(self) -> Finding | None:
        """The first error of any placement's call, else the first warning (none when the bot does
        not serve the behaviour's direction: its refusals are in the note)."""
        if self.not_offered:
            return None
        findings = [f for call in self.calls.values() for f in call.findings]
        errors = [f for f in findings if f.severity is Severity.ERROR]
        chosen = errors or findings
        return chosen[0] if chosen else None

    def first_error(self) -> Finding | None:
        finding = self.first_finding()
        return finding if finding is not None and finding.is_error else None

    def note(self) -> str:
        """What the row should say besides its findings."""
        if self.not_offered:
            return f"not offered: {self.not_offered}"
        if self.interrupted and not self.calls:
            return "not run: interrupted"
        if self.prefix is None:
            return f"not reached: the crawl found no state with {NEED_WORDS[self.behaviour.need]}"
        unanswered = [p.value for p, call in self.calls.items() if not answered(call)]
        if unanswered and not self.first_error():
            return f"no answer ({', '.join(unanswered)}): {_unusable(self.calls)}"
        if "partner-id" in self.behaviour.scenario.tags and not self._partner_id_sent():
            return "the platform model sent no partnerId in this callin"
        if self.asr_notes:
            return next(iter(self.asr_notes.values()))
        return self._slow_note()

    def _slow_note(self) -> str:
        """A timed-out answer failed on vcall's own deadline, not the vendor's (none is
        documented): say so."""
        timed_out = any(
            turn.exchange.error == "timeout" for call in self.calls.values() for turn in call.turns
        )
        if not timed_out:
            return ""
        default = self.timeout_s == DEFAULT_TIMEOUT_S
        whose = "default budget" if default else "--timeout"
        return SLOW_NOTE.format(timeout=self.timeout_s, whose=whose)

    def _partner_id_sent(self) -> bool:
        return any(
            PARTNER_ID in turn.callback.content
            for call in self.calls.values()
            for turn in call.turns
            if turn.callback.kind is CallbackKind.CALLIN
        )


@dataclass(slots=True)
class CheckResult:
    target: str
    behaviours: list[BehaviourResult]
    run: RunResult
    placements: tuple[Placement, ...]

    @property
    def failed(self) -> bool:
        """A behaviour failed, or the bot answered no call at all (nothing was checked)."""
        verdicts = [b.verdict(p) for b in self.behaviours for p in self.placements]
        if Verdict.FAILED in verdicts:
            return True
        return Verdict.NO_ANSWER in verdicts and Verdict.PASSED not in verdicts

    def direction_note(self) -> str:
        """Which direction of call the bot does not serve, and why that is no failure."""
        reasons = sorted({row.not_offered for row in self.behaviours if row.not_offered})
        if not reasons:
            return ""
        return f"{'; '.join(reasons)}: {DIRECTION_SERVICES}, so those behaviours are not failed"

    def placement_note(self) -> str:
        """What the verdicts say about where the bot reads its parameters (docs/platform.md §1)."""
        unanswered = [p for p in self.placements if self._answers(p) == (False, True)]
        if not unanswered:
            return ""
        if len(unanswered) == len(self.placements):
            return (
                "the bot answered no call: no answer was usable (HTTP 2xx with result "
                '"success"), so nothing was checked'
            )
        answering = [p.value for p in self.placements if p not in unanswered]
        missing = ", ".join(p.value for p in unanswered)
        return (
            f"the bot answers only with the parameters in the {', '.join(answering)} "
            f"placement, never in the {missing} one: the platform documents POST with "
            "the parameters as request parameters, and real traffic sends them form-encoded "
            "in the body (docs/platform.md §1): read both (placement-one-sided)"
        )

    def _answers(self, placement: Placement) -> tuple[bool, bool]:
        """(any call of this placement answered, any call of it not answered)."""
        calls = [b.calls[placement] for b in self.behaviours if placement in b.calls]
        return any(answered(c) for c in calls), any(not answered(c) for c in calls)


async def check_async(
    target: Target,
    config: CheckConfig,
    client: httpx.AsyncClient | None = None,
    progress: CheckProgress | None = None,
) -> CheckResult:
    """``progress``: updated as the check goes (what a live display shows)."""
    simulation = dataclasses.replace(
        config.simulation, placement=config.placements[0], realtime=False
    )
    progress = progress or CheckProgress()
    if client is not None:
        return await _check(client, None, target, config, simulation, progress)
    connections = max(config.concurrency, config.prefix_limits.concurrency)
    async with open_transport(target, simulation, connections) as (http, sender):
        return await _check(http, sender, target, config, simulation, progress)


async def _check(
    http: httpx.AsyncClient,
    sender: Sender | None,
    target: Target,
    config: CheckConfig,
    simulation: SimulationConfig,
    progress: CheckProgress,
) -> CheckResult:
    started = time.perf_counter()
    suite = builtin_suite()
    ids = CallIds(simulation.seed)  # one source for the crawl and every placement: ids never repeat
    offered = [b for b in suite if config.only is None or b.direction is config.only]
    progress.phase = "finding situations"
    crawl = await _situations(http, sender, target, simulation, offered, config, progress, ids)
    explored = crawl.map if crawl is not None else None
    results = [
        BehaviourResult(
            b, _prefix(b, explored), strict=simulation.strict, timeout_s=simulation.timeout_s
        )
        for b in suite
    ]
    if config.only is not None:
        _mark_not_offered(results, config.only.value, f"--{config.only.value}-only")
    if crawl is not None and crawl.interrupted:
        for result in results:
            result.interrupted = True
        run = RunResult((), (time.perf_counter() - started) * 1000, interrupted=True)
        return CheckResult(target.label, results, run, config.placements)
    reached = [r for r in results if r.prefix is not None and not r.not_offered]
    progress.phase = "running behaviours"
    progress.total = len(reached) * len(config.placements)
    calls: list[CallResult] = []
    interrupted = False
    for placement in config.placements:
        by_name = {_scenario(r, placement, config.placements).name: r for r in reached}
        scenarios = [_scenario(r, placement, config.placements) for r in reached]
        written = _as_written(scenarios)  # request-through-asr-noise, played as written too
        collected: list[CallResult] = []
        try:
            run = await run_scenarios(
                [*scenarios, *written.values()],
                target,
                dataclasses.replace(
                    simulation, placement=placement, concurrency=config.concurrency
                ),
                client=http,
                collected=collected,
                ids=ids,
                sender=sender,
                sink=functools.partial(_tally, progress, simulation.strict),
            )
            finished, interrupted = list(run.calls), run.interrupted
        except asyncio.CancelledError:  # Ctrl-C: keep the calls that finished
            finished, interrupted = collected, True
        finished = _noise_notes(finished, written, by_name, placement)
        for call in finished:
            judged = _judged(call)
            by_name[call.scenario.name].calls[placement] = judged
            calls.append(judged)
        if interrupted:
            for result in results:
                result.interrupted = True
            break
    if not interrupted:
        calls = _without_unserved(results, calls)
    wall = (time.perf_counter() - started) * 1000
    progress.phase = "done"
    run = RunResult(tuple(calls), wall, strict=simulation.strict, interrupted=interrupted)
    return CheckResult(target.label, results, run, config.placements)


def _as_written(scenarios: Sequence[Scenario]) -> dict[str, Scenario]:
    """The ``asr-noise`` behaviours' calls with their sentences as written, by the noisy name."""
    from vcall.simulator.explore.check_noise import NOISE_TAG, as_written

    twins = {s.name: as_written(s) for s in scenarios if NOISE_TAG in s.tags}
    return {name: twin for name, twin in twins.items() if twin is not None}


def _noise_notes(
    finished: Sequence[CallResult],
    written: Mapping[str, Scenario],
    by_name: Mapping[str, BehaviourResult],
    placement: Placement,
) -> list[CallResult]:
    """Each ``asr-noise`` behaviour's note (did the bot understand?); the as-written calls are
    only for that and leave the run."""
    if not written:
        return list(finished)
    from vcall.simulator.explore.check_noise import understood_note

    twins = {twin.name: name for name, twin in written.items()}
    calls = {call.scenario.name: call for call in finished}
    for name in written:
        if name in calls:
            note = understood_note(calls[name], calls.get(written[name].name))
            if note:
                by_name[name].asr_notes[placement] = note
    return [call for call in finished if call.scenario.name not in twins]


def _as_written_name(event: CallStarted | CallFinished) -> bool:
    from vcall.simulator.explore.check_noise import AS_WRITTEN

    scenario = event.scenario if isinstance(event, CallStarted) else event.result.scenario
    return scenario.name.endswith(AS_WRITTEN) or f"{AS_WRITTEN} [" in scenario.name


def _mark_not_offered(results: Sequence[BehaviourResult], served: str, why: str) -> None:
    other = "outbound" if served == "inbound" else "inbound"
    for result in results:
        if result.behaviour.direction.value == other:
            result.not_offered = f"the bot serves {served} calls only ({why})"


def unserved(results: Sequence[BehaviourResult]) -> tuple[Direction, str] | None:
    """The direction of call the bot does not serve, read off its refusals, and how it refused:
    it refused the first callback of every call of that direction (HTTP 4xx, or a 2xx whose
    ``result`` is not ``success``) while it answered the first callback of some call of the
    other. A timeout, a 5xx or an unreachable bot is a failure, never "not offered"."""
    refusals: dict[Direction, list[str | None]] = {direction: [] for direction in Direction}
    for row in results:
        for call in row.calls.values():
            refusals[row.behaviour.direction].append(_refusal(call))
    for direction, other in (
        (Direction.INBOUND, Direction.OUTBOUND),
        (Direction.OUTBOUND, Direction.INBOUND),
    ):
        mine, theirs = refusals[direction], refusals[other]
        if mine and all(mine) and any(r is None for r in theirs):
            return direction, ", ".join(sorted({r for r in mine if r}))
    return None


def _refusal(call: CallResult) -> str | None:
    """How the bot refused the call at its first callback (``HTTP 404``, ``result 'fail'``);
    ``None``: it did not."""
    if not call.turns:
        return None
    first = call.turns[0]
    status = first.exchange.status
    if first.exchange.error is not None or status is None:
        return None
    if 400 <= status < 500:
        return f"HTTP {status}"
    envelope = first.envelope if isinstance(first.envelope, Mapping) else {}
    if 200 <= status < 300 and usable_data(first) is None:
        return f"result {envelope.get('result')!r}"
    return None


def _without_unserved(
    results: Sequence[BehaviourResult], calls: Sequence[CallResult]
) -> list[CallResult]:
    """Mark the behaviours of a direction the bot does not serve, and leave their calls out of
    the run (its reports): they say nothing about the calls the bot does serve."""
    found = unserved(results)
    if found is None:
        return list(calls)
    direction, how = found
    served = "outbound" if direction is Direction.INBOUND else "inbound"
    why = f"it refused the first callback of every {direction.value} call: {how}; --{served}-only skips them"
    _mark_not_offered(results, served, why)
    dropped = {id(call) for r in results if r.not_offered for call in r.calls.values()}
    return [call for call in calls if id(call) not in dropped]


def _tally(progress: CheckProgress, strict: bool, event: Event) -> None:
    """The live display's view of the behaviours' calls (not the verdicts reported); an
    ``asr-noise`` behaviour's call as written is no behaviour of its own."""
    if isinstance(event, CallStarted | CallFinished) and _as_written_name(event):
        if isinstance(event, CallStarted):
            progress.calls += 1
        return
    if isinstance(event, CallStarted):
        progress.calls += 1
        progress.started(event.scenario.name)
    elif isinstance(event, CallFinished):
        call = _judged(event.result)
        verdict = Verdict.FAILED if call.failed(strict) else Verdict.PASSED
        if verdict is Verdict.PASSED and not answered(call):
            verdict = Verdict.NO_ANSWER
        progress.finished(call.scenario.name, verdict.value)


async def _situations(
    http: httpx.AsyncClient,
    sender: Sender | None,
    target: Target,
    simulation: SimulationConfig,
    suite: Sequence[Behaviour],
    config: CheckConfig,
    progress: CheckProgress,
    ids: CallIds,
) -> Crawl | None:
    """A short crawl of inbound calls, when some behaviour needs a situation: in the first
    placement whose call's start the bot answers (a bot that reads only the query string answers
    nothing in the form body, and its situations are still found)."""
    if not any(b.need and b.inbound for b in suite):
        return None
    needs = {b.need for b in suite if b.need and b.inbound}

    def enough(explored: ExploreMap) -> bool:
        return all(situation_path(explored, need) is not None for need in needs)

    crawl: Crawl | None = None
    for placement in config.placements:
        placed = dataclasses.replace(simulation, placement=placement)
        context = run_context(http, target, placed, ids=ids, sender=sender)
        driver = PathDriver(context, CallSettings())
        live = ExploreProgress()
        crawler = Crawler(driver, builtin_lines(), config.prefix_limits, enough, progress=live)
        crawl = await crawler.run()
        progress.calls += live.calls
        if crawl.interrupted or not _start_unanswered(crawl.map):
            return crawl
    return crawl


def _start_unanswered(explored: ExploreMap) -> bool:
    root = explored.by_id().get("s0")
    return root is not None and root.key.action == NO_ANSWER


def answered(call: CallResult) -> bool:
    """Whether the platform got a usable answer (HTTP 2xx, ``result`` ``success``) at least once
    in the call; a call with no callback at all counts as answered (nothing was asked)."""
    return not call.turns or any(usable_data(turn) is not None for turn in call.turns)


def _unusable(calls: Mapping[Placement, CallResult]) -> str:
    """Why the answers were not usable, in the bot's own words when it gave some."""
    for call in calls.values():
        for turn in call.turns:
            envelope = turn.envelope if isinstance(turn.envelope, Mapping) else {}
            result = envelope.get("result")
            if turn.exchange.status is not None and result not in (None, "success"):
                msg = envelope.get("msg")
                said = f", msg {msg!r}" if isinstance(msg, str) and msg else ""
                return f"the bot answered result {result!r}{said}: nothing was checked"
    return "no answer was usable: nothing was checked"


def _judged(call: CallResult) -> CallResult:
    kept = tuple(f for f in call.call_findings if f.rule not in NOT_THE_BOTS)
    return dataclasses.replace(call, call_findings=kept)


def _prefix(behaviour: Behaviour, explored: ExploreMap | None) -> tuple[Move, ...] | None:
    if not behaviour.need:
        return ()
    if explored is None:
        return None
    return situation_path(explored, behaviour.need)


def _scenario(
    result: BehaviourResult, placement: Placement, placements: Sequence[Placement]
) -> Scenario:
    scenario = with_prefix(result.behaviour, result.prefix or ())
    if len(placements) > 1:
        scenario = dataclasses.replace(scenario, name=f"{scenario.name} [{placement.value}]")
    return scenario


def check(
    target: Target, config: CheckConfig, progress: CheckProgress | None = None
) -> CheckResult:
    """Run the suite; Ctrl-C returns the behaviours played so far, marked interrupted."""
    outcome: list[CheckResult] = []

    async def main() -> None:
        outcome.append(await check_async(target, config, progress=progress))

    try:
        run_fast(main())
    except KeyboardInterrupt:
        if not outcome:
            raise
    return outcome[0]
