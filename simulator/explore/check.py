"""``check()``: the built-in suite of generic caller behaviours against any bot, spec rules only.

Each behaviour runs once per placement of the parameters (form body and query string, unless
told one), after the caller moves that bring the bot into the situation it needs (found by a
short crawl, in the first placement the bot answers). Its verdict: passed, failed (a finding of
severity error; warnings too under ``strict``), no answer (no answer of the call was usable: HTTP
2xx with ``result`` ``success``, so the platform never acted on one and nothing was checked), or
not reached (the crawl found no state in the situation it needs).
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import httpx

from vcall.simulator.explore.crawler import Crawl, Crawler, Limits
from vcall.simulator.explore.driver import NO_ANSWER, PathDriver, usable_data
from vcall.simulator.explore.graph import ExploreMap
from vcall.simulator.explore.moves import Move, builtin_lines
from vcall.simulator.explore.suite import (
    NEED_WORDS,
    Behaviour,
    builtin_suite,
    situation_path,
    with_prefix,
)
from vcall.simulator.findings import Finding, Severity
from vcall.simulator.fixture.scenario import CallSettings, Scenario
from vcall.simulator.replay.delivery import Placement
from vcall.simulator.replay.engine import (
    SimulationConfig,
    open_client,
    run_context,
    run_scenarios,
)
from vcall.simulator.replay.results import CallResult, RunResult
from vcall.simulator.replay.targets import Target
from vcall.simulator.spec import CallbackKind

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


@dataclass(frozen=True, slots=True)
class CheckConfig:
    simulation: SimulationConfig = field(default_factory=SimulationConfig)
    placements: tuple[Placement, ...] = (Placement.FORM, Placement.QUERY)
    prefix_limits: Limits = PREFIX_LIMITS
    concurrency: int = 8
    """Behaviours played side by side (they are independent calls)."""


@dataclass(slots=True)
class BehaviourResult:
    behaviour: Behaviour
    prefix: tuple[Move, ...] | None
    """The moves played first to reach the situation it needs; ``None``: not reached."""
    calls: dict[Placement, CallResult] = field(default_factory=dict)
    strict: bool = False
    interrupted: bool = False

    @property
    def name(self) -> str:
        return self.behaviour.name

    def verdict(self, placement: Placement) -> Verdict:
        call = self.calls.get(placement)
        if call is None:
            return Verdict.NOT_RUN if self.interrupted else Verdict.NOT_REACHED
        if call.failed(self.strict):
            return Verdict.FAILED
        return Verdict.PASSED if answered(call) else Verdict.NO_ANSWER

    def first_finding(self) -> Finding | None:
        """The first error of any placement's call, else the first warning."""
        findings = [f for call in self.calls.values() for f in call.findings]
        errors = [f for f in findings if f.severity is Severity.ERROR]
        chosen = errors or findings
        return chosen[0] if chosen else None

    def first_error(self) -> Finding | None:
        finding = self.first_finding()
        return finding if finding is not None and finding.is_error else None

    def note(self) -> str:
        """What the row should say besides its findings."""
        if self.interrupted and not self.calls:
            return "not run: interrupted"
        if self.prefix is None:
            return f"not reached: the crawl found no state with {NEED_WORDS[self.behaviour.need]}"
        unanswered = [p.value for p, call in self.calls.items() if not answered(call)]
        if unanswered and not self.first_error():
            return f"no answer ({', '.join(unanswered)}): {_unusable(self.calls)}"
        if "partner-id" in self.behaviour.scenario.tags and not self._partner_id_sent():
            return "the platform model sent no partnerId in this callin"
        return ""

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

    def placement_note(self) -> str:
        """What the verdicts say about where the bot reads its parameters (SPEC-NOTES §1)."""
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
            "in the body (SPEC-NOTES §1): read both (placement-one-sided)"
        )

    def _answers(self, placement: Placement) -> tuple[bool, bool]:
        """(any call of this placement answered, any call of it not answered)."""
        calls = [b.calls[placement] for b in self.behaviours if placement in b.calls]
        return any(answered(c) for c in calls), any(not answered(c) for c in calls)


async def check_async(
    target: Target, config: CheckConfig, client: httpx.AsyncClient | None = None
) -> CheckResult:
    simulation = dataclasses.replace(
        config.simulation, placement=config.placements[0], realtime=False
    )
    if client is None:
        async with open_client(target, simulation) as http:
            return await _check(http, target, config, simulation)
    return await _check(client, target, config, simulation)


async def _check(
    http: httpx.AsyncClient, target: Target, config: CheckConfig, simulation: SimulationConfig
) -> CheckResult:
    started = time.perf_counter()
    suite = builtin_suite()
    crawl = await _situations(http, target, simulation, suite, config)
    explored = crawl.map if crawl is not None else None
    results = [BehaviourResult(b, _prefix(b, explored), strict=simulation.strict) for b in suite]
    if crawl is not None and crawl.interrupted:
        for result in results:
            result.interrupted = True
        run = RunResult((), (time.perf_counter() - started) * 1000, interrupted=True)
        return CheckResult(target.label, results, run, config.placements)
    reached = [r for r in results if r.prefix is not None]
    calls: list[CallResult] = []
    interrupted = False
    for placement in config.placements:
        by_name = {_scenario(r, placement, config.placements).name: r for r in reached}
        scenarios = [_scenario(r, placement, config.placements) for r in reached]
        collected: list[CallResult] = []
        try:
            run = await run_scenarios(
                scenarios,
                target,
                dataclasses.replace(
                    simulation, placement=placement, concurrency=config.concurrency
                ),
                client=http,
                collected=collected,
            )
            finished, interrupted = list(run.calls), run.interrupted
        except asyncio.CancelledError:  # Ctrl-C: keep the calls that finished
            finished, interrupted = collected, True
        for call in finished:
            judged = _judged(call)
            by_name[call.scenario.name].calls[placement] = judged
            calls.append(judged)
        if interrupted:
            for result in results:
                result.interrupted = True
            break
    wall = (time.perf_counter() - started) * 1000
    run = RunResult(tuple(calls), wall, strict=simulation.strict, interrupted=interrupted)
    return CheckResult(target.label, results, run, config.placements)


async def _situations(
    http: httpx.AsyncClient,
    target: Target,
    simulation: SimulationConfig,
    suite: Sequence[Behaviour],
    config: CheckConfig,
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
        driver = PathDriver(run_context(http, target, placed), CallSettings())
        crawl = await Crawler(driver, builtin_lines(), config.prefix_limits, enough).run()
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


def check(target: Target, config: CheckConfig) -> CheckResult:
    """Run the suite; Ctrl-C returns the behaviours played so far, marked interrupted."""
    outcome: list[CheckResult] = []

    async def main() -> None:
        outcome.append(await check_async(target, config))

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        if not outcome:
            raise
    return outcome[0]
