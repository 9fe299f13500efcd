"""Fixtures with a ``persona:`` block, played by ``vcall simulate``: the persona's goal is the
call's verdict.

:class:`FixturePersonas` is the engine's persona player (``simulate(..., persona_player=...)``):
it plays the fixture's scripted steps, then lets the brain pursue the goal, judges the call, and
returns the engine's ordinary :class:`~vcall.simulator.replay.results.CallResult` with one more
finding: ``persona-goal-met`` (information) or ``persona-goal-not-met`` (an error: the call fails,
as a missed ``expect`` fails it). Reports, the JUnit writer and the pytest plugin need nothing else.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field

from vcall.simulator.findings import Finding, Severity
from vcall.simulator.fixture import PersonaScenario, Scenario, persona_of
from vcall.simulator.persona.brain import Spending, Usage
from vcall.simulator.persona.caller import play_persona
from vcall.simulator.persona.judge import Verdict, judge_call
from vcall.simulator.persona.rules import RuleBrain
from vcall.simulator.persona.run import BrainFactory, JudgeFn, PersonaOutcome
from vcall.simulator.replay import (
    FIXTURE_SOURCE,
    CallFinished,
    CallResult,
    Event,
    EventSink,
    RunContext,
    RunResult,
)

GOAL_MET = "persona-goal-met"
GOAL_NOT_MET = "persona-goal-not-met"


@dataclass(slots=True)
class FixturePersonas:
    """Plays the persona fixtures of one ``vcall simulate`` run (rule-based brain by default)."""

    brain_for: BrainFactory = RuleBrain
    judge: JudgeFn | None = None
    outcomes: list[PersonaOutcome] = field(default_factory=list)
    spent: Spending = field(default_factory=Spending)

    @property
    def usage(self) -> Usage:
        """Tokens the LLM brain and judge spent over the run."""
        return self.spent.total

    async def __call__(self, ctx: RunContext, scenario: Scenario, index: int) -> CallResult:
        persona = persona_of(scenario)
        if persona is None:
            raise ValueError(f"{scenario.name}: not a fixture with a persona: block")
        brain = self.brain_for(persona.seed)
        held = _Held(ctx.sink)  # the call is finished once it is judged
        own = dataclasses.replace(ctx, sink=held)
        call = await play_persona(
            own, persona, brain, index=index, seed=persona.seed, scenario=scenario
        )
        self.spent.watch(brain.usage)
        verdict = judge_call(call)
        if self.judge is not None:
            verdict = await self.judge(call, verdict)
        self.outcomes.append(PersonaOutcome(call, verdict))
        result = call.result
        if not result.unreachable:
            finding = verdict_finding(verdict, len(call.decisions), ctx.config.spec_only)
            result = dataclasses.replace(result, call_findings=(*result.call_findings, finding))
        ctx.sink(CallFinished(index, result))
        return result


class _Held:
    """Passes a call's events on, but its end: the judged result is published instead."""

    def __init__(self, sink: EventSink) -> None:
        self.sink = sink

    def __call__(self, event: Event) -> None:
        if not isinstance(event, CallFinished):
            self.sink(event)


def verdict_finding(verdict: Verdict, turns: int, spec_only: bool = False) -> Finding:
    """The verdict as the call's finding; with ``--spec-only`` a missed goal is a warning (the
    goal is the fixture's expectation of the bot it was written for)."""
    if verdict.met:
        at = verdict.time_to_goal_ms
        when = f", {at / 1000:.1f} s to goal" if at is not None else ""
        message = f"goal met ({turns} turn(s){when}): {verdict.reason}"
        return Finding(GOAL_MET, Severity.INFO, "", message, FIXTURE_SOURCE)
    stuck = f"; stuck at {verdict.stuck}" if verdict.stuck else ""
    why = f" ({verdict.explanation})" if verdict.explanation else ""
    message = f"goal not met after {turns} turn(s): {verdict.reason}{why}{stuck}"
    severity = Severity.WARNING if spec_only else Severity.ERROR
    return Finding(GOAL_NOT_MET, severity, "", message, FIXTURE_SOURCE, "goal met", "not met")


def persona_seeds(scenarios: Sequence[Scenario], calls: int) -> list[Scenario]:
    """``--calls N``: each persona fixture as N calls, seeds ``seed`` .. ``seed + N - 1`` (the
    others once)."""
    if calls <= 1:
        return list(scenarios)
    seeded: list[Scenario] = []
    for scenario in scenarios:
        persona = persona_of(scenario)
        if persona is None or not isinstance(scenario, PersonaScenario):
            seeded.append(scenario)
            continue
        for offset in range(calls):
            seed = persona.seed + offset
            seeded.append(
                dataclasses.replace(
                    scenario,
                    name=f"{scenario.name} [seed {seed}]",
                    persona=dataclasses.replace(persona, seed=seed),
                )
            )
    return seeded


@dataclass(frozen=True, slots=True)
class GoalRate:
    """How many persona calls of a run met their goal."""

    calls: int
    met: int

    @property
    def rate(self) -> float:
        return self.met / self.calls if self.calls else 0.0


def goal_rate(run: RunResult) -> GoalRate | None:
    """The goal-completion rate across the run's persona calls; ``None``: none was played."""
    verdicts = [
        finding.rule
        for call in run.calls
        for finding in call.call_findings
        if finding.rule in (GOAL_MET, GOAL_NOT_MET)
    ]
    if not verdicts:
        return None
    return GoalRate(len(verdicts), verdicts.count(GOAL_MET))
