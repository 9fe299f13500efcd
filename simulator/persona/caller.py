"""A persona's call, played on the platform model like any other.

The brain decides, the persona's style turns each decision into fixture steps (``Say``,
``Press``, ``Silence``, ``Wait``, ``BargeIn``, ``Hangup``), and a
:class:`~vcall.simulator.replay.engine.CallRunner` plays them one by one (``begin`` / ``play`` /
``end``), so every answer is validated exactly as ``vcall simulate`` validates it.
"""

from __future__ import annotations

from dataclasses import dataclass

from vcall.simulator.fixture import (
    Action,
    BargeIn,
    Hangup,
    Press,
    Say,
    Scenario,
    Silence,
    Step,
    Wait,
    transcribe,
)
from vcall.simulator.persona.brain import Act, Brain, BrainError, Decision, Line, View
from vcall.simulator.persona.hearing import Heard, heard_of
from vcall.simulator.persona.model import Persona, Style
from vcall.simulator.persona.replaying import ReplaySource
from vcall.simulator.persona.rules import fragment
from vcall.simulator.replay import CallResult, CallRunner, RunContext, Turn
from vcall.simulator.spec import PlatformDefaults

MS_PER_CHAR = PlatformDefaults().caller_ms_per_char
ELDERLY_MS_PER_CHAR = MS_PER_CHAR * 2
ELDERLY_PAUSE_MS = 1200
TALK_OVER_AFTER_MS = 1000
IDLE_SILENCE_MS = 1000
"""A ``wait`` while nothing plays becomes this much silence (time moves on)."""
MAX_SILENCE_MS = 60_000


@dataclass(slots=True)
class PersonaCall:
    """One persona call as played: its steps, decisions, transcript and the engine's result."""

    persona: Persona
    seed: int
    result: CallResult
    steps: tuple[Step, ...]
    decisions: tuple[Decision, ...]
    transcript: tuple[Line, ...]
    prompts: tuple[Heard, ...]
    gave_up: bool = False
    error: str = ""
    """Why the brain stopped deciding (an LLM error), if it did."""
    reused_steps: int = 0
    """Steps taken from a saved call (``--replay``)."""


class _Call:
    def __init__(self, persona: Persona, seed: int, runner: CallRunner) -> None:
        self.persona = persona
        self.seed = seed
        self.runner = runner
        self.steps: list[Step] = []
        self.decisions: list[Decision] = []
        self.transcript: list[Line] = []
        self.prompts: list[Heard] = []
        self.fresh = False

    def hear(self, turns: list[Turn]) -> None:
        for turn in turns:
            heard = heard_of(turn, self.persona.hears)
            if heard is not None:
                self.prompts.append(heard)
                self.transcript.append(Line("bot", heard.text, heard.at_ms, heard))
                self.fresh = True

    def view(self) -> View:
        return View(
            persona=self.persona,
            transcript=tuple(self.transcript),
            heard=self.prompts[-1] if self.prompts else None,
            fresh=self.fresh,
            turn=len(self.decisions),
            decisions=tuple(self.decisions),
        )

    async def play(self, action: Action) -> list[Turn]:
        return await self.play_step(Step(action, index=len(self.steps)))

    async def play_step(self, step: Step) -> list[Turn]:
        self.steps.append(step)
        turns = await self.runner.play(step)
        self.hear(turns)
        return turns

    def note(self, decision: Decision, actions: list[Action] | None = None) -> None:
        self.decisions.append(decision)
        text = describe(actions) if actions else decision.label
        self.transcript.append(Line("caller", text, self.runner.session.state.now_ms))
        self.fresh = False


async def play_persona(
    ctx: RunContext,
    persona: Persona,
    brain: Brain,
    *,
    index: int = 0,
    seed: int | None = None,
    replay: Scenario | None = None,
    scenario: Scenario | None = None,
) -> PersonaCall:
    """Play one call of ``persona`` against the context's target; ``replay``: a saved call of it;
    ``scenario``: the fixture the persona comes from (its ``persona:`` block), whose scripted
    steps are played first and whose expectations are checked as ``vcall simulate`` checks them.
    """
    seed = persona.seed if seed is None else seed
    if scenario is None:
        scenario = Scenario(name=persona.name, steps=(), call=persona.call, tags=("persona",))
    call = _Call(persona, seed, CallRunner(ctx, scenario, index))
    call.hear(await call.runner.begin())
    for step in scenario.steps:  # the fixture's scripted opening, as written
        if call.runner.ended:
            break
        call.note(_decision_of(step.action, "scripted"), [step.action])
        await call.play_step(step)
    source = ReplaySource(replay) if replay is not None else None
    if source is not None:
        source.start(call.runner.turns)
    gave_up, error = False, ""
    while not call.runner.ended:
        saved = source.next_step() if source is not None else None
        if saved is not None and source is not None:
            call.note(_decision_of(saved.action), [saved.action])
            source.played(saved, await call.play(saved.action))
            continue
        if len(call.decisions) >= persona.turn_budget:
            gave_up = True
            call.note(Decision(Act.HANGUP, why=f"gave up after {persona.turn_budget} turns"))
            await call.play(Hangup())
            break
        try:
            decision = await brain.decide(call.view())
        except BrainError as problem:
            error = str(problem)
            call.note(Decision(Act.HANGUP, why=f"the brain failed: {error}"))
            await call.play(Hangup())
            break
        actions = actions_for(decision, persona, call.runner, len(call.decisions), seed)
        noted = False
        for number, action in enumerate(actions, 1):
            if call.runner.ended:
                break
            if number == len(actions):  # noted as it happens: after the waits before it
                call.note(decision, actions)
                noted = True
            await call.play(action)
        if not noted:
            call.note(decision, actions)
    result = call.runner.end()
    return PersonaCall(
        persona=persona,
        seed=seed,
        result=result,
        steps=tuple(call.steps),
        decisions=tuple(call.decisions),
        transcript=tuple(call.transcript),
        prompts=tuple(call.prompts),
        gave_up=gave_up,
        error=error,
        reused_steps=source.reused if source is not None else 0,
    )


def actions_for(
    decision: Decision, persona: Persona, runner: CallRunner, turn: int, seed: int
) -> list[Action]:
    """The steps a decision becomes in the persona's style."""
    state = runner.session.state
    playing = state.playing
    style = persona.style
    if decision.act is Act.HANGUP:
        return [Hangup()]
    if decision.act is Act.SILENCE:
        return [Silence(int(min(max(decision.seconds, 0.1) * 1000, MAX_SILENCE_MS)))]
    if decision.act is Act.WAIT:
        return [Wait()] if playing is not None or state.queued else [Silence(IDLE_SILENCE_MS)]
    if decision.act is Act.PRESS:
        press = Press(decision.words)
        if style in (Style.IMPATIENT, Style.TALKS_OVER) or playing is None:
            return [press]
        return [Wait(), press]
    words = decision.words
    if style is Style.FRAGMENTS and len(words) > 4 and not words.isdigit():
        words = fragment(words)
    heard = _recognised(words, persona, turn, seed)
    talks_over = style is Style.TALKS_OVER or (
        style is Style.IMPATIENT and playing is not None and playing.breakable
    )
    if talks_over and playing is not None:
        duration = max(len(heard) * MS_PER_CHAR, playing.time_break_ms + 500)
        return [BargeIn(heard, TALK_OVER_AFTER_MS, duration)]
    if style is Style.ELDERLY:
        return [
            Wait(),
            Silence(ELDERLY_PAUSE_MS),
            _say(heard, words, len(words) * ELDERLY_MS_PER_CHAR),
        ]
    return [Wait(), _say(heard, words)] if playing is not None else [_say(heard, words)]


def describe(actions: list[Action]) -> str:
    """What the caller did, as the transcript shows it (the words the bot was sent)."""
    for action in reversed(actions):
        if isinstance(action, Say):
            return f"say {action.words}"
        if isinstance(action, BargeIn):
            return f"talk over: {action.words}"
        if isinstance(action, Press):
            return f"press {action.digits}"
        if isinstance(action, Hangup):
            return "hangup"
        if isinstance(action, Silence):
            return f"silence {action.duration_ms / 1000:g}s"
    return "wait"


def _say(heard: str, intended: str, duration_ms: int | None = None) -> Say:
    return Say(heard, duration_ms=duration_ms, intended=intended if heard != intended else "")


def _recognised(words: str, persona: Persona, turn: int, seed: int) -> str:
    """What the ASR hands the bot (the persona's ASR realism, seeded per call and turn)."""
    if persona.asr is None or not persona.asr.active:
        return words
    return transcribe(words, persona.asr.with_seed(seed), key=f"{persona.name}|{turn}")


def _decision_of(action: Action, why: str = "saved") -> Decision:
    """A saved step as the decision it records (the brain's view stays whole)."""
    if isinstance(action, Say):
        return Decision(Act.SAY, action.intended or action.words, why=why)
    if isinstance(action, BargeIn):
        return Decision(Act.SAY, action.words, why=why)
    if isinstance(action, Press):
        return Decision(Act.PRESS, action.digits, why=why)
    if isinstance(action, Silence):
        return Decision(Act.SILENCE, seconds=action.duration_ms / 1000, why=why)
    if isinstance(action, Hangup):
        return Decision(Act.HANGUP, why=why)
    return Decision(Act.WAIT, why=why)
