"""``vcall persona``: every persona call played, judged, saved; the outcome the CLI renders."""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from vcall.simulator.atomic import write_atomic
from vcall.simulator.errors import UsageError
from vcall.simulator.fixture import Scenario, load_scenario
from vcall.simulator.live import CallRecording, fixture_text
from vcall.simulator.persona.brain import Brain, Spending, Usage
from vcall.simulator.persona.caller import PersonaCall, play_persona
from vcall.simulator.persona.judge import Verdict, judge_call
from vcall.simulator.persona.model import Persona
from vcall.simulator.replay import SimulationConfig, Target, open_client, run_context

SLUG = re.compile(r"[^\w.-]+")
BrainFactory = Callable[[int], Brain]
"""A brain for one call, made from the call's seed."""
JudgeFn = Callable[[PersonaCall, Verdict], Awaitable[Verdict]]
"""A second judge (the LLM's), given the call and the rule-based verdict."""


@dataclass(frozen=True, slots=True)
class PersonaConfig:
    simulation: SimulationConfig = field(default_factory=SimulationConfig)
    calls: int = 1
    """Seeds per persona: seed, seed+1, ..."""
    save_dir: Path | None = None
    replay_dir: Path | None = None


@dataclass(frozen=True, slots=True)
class PersonaOutcome:
    call: PersonaCall
    verdict: Verdict
    saved: Path | None = None
    replayed_from: Path | None = None

    @property
    def name(self) -> str:
        return self.call.persona.name

    @property
    def turns(self) -> int:
        return len(self.call.decisions)

    @property
    def errors(self) -> int:
        return sum(1 for finding in self.call.result.findings if finding.is_error)


@dataclass(frozen=True, slots=True)
class PersonaRun:
    outcomes: tuple[PersonaOutcome, ...]
    target: str
    brain: str
    usage: Usage
    wall_ms: float
    interrupted: bool = False

    @property
    def met(self) -> int:
        return sum(1 for outcome in self.outcomes if outcome.verdict.met)

    @property
    def rate(self) -> float:
        return self.met / len(self.outcomes) if self.outcomes else 0.0

    @property
    def unreachable(self) -> bool:
        return any(outcome.call.result.unreachable for outcome in self.outcomes)

    @property
    def all_met(self) -> bool:
        return bool(self.outcomes) and self.met == len(self.outcomes) and not self.interrupted


def file_name(persona: Persona, seed: int) -> str:
    return f"{SLUG.sub('-', persona.name).strip('-') or 'persona'}-{seed}.yaml"


async def run_personas(
    personas: Sequence[Persona],
    target: Target,
    config: PersonaConfig,
    brain_for: BrainFactory,
    judge: JudgeFn | None = None,
    done: list[PersonaOutcome] | None = None,
) -> PersonaRun:
    """Each persona, ``config.calls`` seeds each, one call at a time (an LLM is asked in turn)."""
    started = time.perf_counter()
    outcomes: list[PersonaOutcome] = done if done is not None else []
    spent = Spending()
    name = ""
    async with open_client(target, config.simulation) as http:
        ctx = run_context(http, target, config.simulation)
        index = 0
        for persona in personas:
            for offset in range(config.calls):
                seed = persona.seed + offset
                brain = brain_for(seed)
                name = brain.name
                replay, replay_path = _saved(config.replay_dir, persona, seed)
                index += 1
                call = await play_persona(
                    ctx, persona, brain, index=index, seed=seed, replay=replay
                )
                spent.watch(brain.usage)
                verdict = judge_call(call)
                if judge is not None:
                    verdict = await judge(call, verdict)
                saved = _save(config.save_dir, call, target) if config.save_dir else None
                outcomes.append(PersonaOutcome(call, verdict, saved, replay_path))
                if call.result.unreachable:  # the next calls would only find the same
                    return _finished(outcomes, target, name, spent.total, started)
    return _finished(outcomes, target, name, spent.total, started)


def _finished(
    outcomes: list[PersonaOutcome], target: Target, brain: str, usage: Usage, started: float
) -> PersonaRun:
    wall = (time.perf_counter() - started) * 1000
    return PersonaRun(tuple(outcomes), target.label, brain, usage, wall)


def _saved(
    directory: Path | None, persona: Persona, seed: int
) -> tuple[Scenario | None, Path | None]:
    if directory is None:
        return None, None
    path = directory / file_name(persona, seed)
    if not path.is_file():
        return None, None
    return load_scenario(path), path


def _save(directory: Path, call: PersonaCall, target: Target) -> Path:
    """The call as an ordinary recorded fixture (``vcall simulate`` replays it, no brain)."""
    result = call.result
    persona = call.persona
    recording = CallRecording(
        settings=result.scenario.call,
        steps=call.steps,
        turns=result.turns,
        call_id=result.call_id,
        end_reason=result.end_reason,
        target=target.label,
        description=(
            f"Persona {persona.name} (goal: {persona.goal}; style {persona.style.value}; "
            f"seed {call.seed}), recorded by vcall persona: {len(call.steps)} step(s)."
        ),
        header=(
            "# Recorded by vcall persona: an ordinary fixture, no LLM needed to replay it.\n"
            "# Replay it: vcall simulate TARGET --fixture THIS_FILE\n"
            "# Reuse its turns: vcall persona TARGET --persona PERSONA --replay THIS_DIR\n"
        ),
        tags=("persona",),
    )
    path = directory / file_name(persona, call.seed)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        write_atomic(path, fixture_text(recording, path.stem))
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
    return path
