"""Playing a path of caller moves as one call, and reading off the state after each move.

It stands on the replay engine: a :class:`~vcall.simulator.replay.engine.CallRunner` plays the
call step by step (``begin`` / ``play`` / ``end``) on the virtual clock, so every answer is
validated exactly as ``vcall simulate`` validates it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from vcall.simulator.explore.identity import Identity, StateKey, is_no_change, state_of
from vcall.simulator.explore.moves import Move, Situation
from vcall.simulator.findings import Finding
from vcall.simulator.fixture.scenario import CallSettings, EndReason, Scenario, Step
from vcall.simulator.replay.engine import CallRunner, RunContext
from vcall.simulator.replay.results import CallResult, Turn
from vcall.simulator.spec import ResultValue

ENDED = "(call ended)"
OPENING = "(opening)"
NO_ANSWER = "(no answer)"
BOT_ENDINGS = frozenset(
    {
        EndReason.BOT_HANGUP,
        EndReason.TRANSFER,
        EndReason.PARALLEL_TRANSFER,
        EndReason.PARALLEL_BRIDGE,
    }
)
"""How a call ends when the bot ends it (what a dialogue should reach from every state)."""


def end_state(reason: EndReason | None) -> StateKey:
    """The node a call ends in when nobody's answer is its last word (hang-up, timeout)."""
    return StateKey(ENDED, (reason.value if reason else "unknown",))


@dataclass(frozen=True, slots=True)
class MoveOutcome:
    """One move played: the turns it produced and where it left the call."""

    move: Move
    turns: tuple[Turn, ...]
    state: StateKey
    situation: Situation
    end_reason: EndReason | None = None

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for turn in self.turns for f in turn.findings if f.is_error)


@dataclass(frozen=True, slots=True)
class PathRun:
    """One call: the state its start leads to, then each move's outcome."""

    root: StateKey
    root_turns: tuple[Turn, ...]
    root_situation: Situation
    outcomes: tuple[MoveOutcome, ...]
    result: CallResult
    steps: tuple[Step, ...] = field(default=())
    """The steps played before the call ended (what a fixture of this call replays)."""

    @property
    def last_state(self) -> StateKey:
        return self.outcomes[-1].state if self.outcomes else self.root

    @property
    def turns(self) -> tuple[Turn, ...]:
        return self.result.turns

    def error_findings(self) -> list[Finding]:
        return [f for turn in self.turns for f in turn.findings if f.is_error]


def usable_data(turn: Turn) -> dict[str, Any] | None:
    """What the platform acts on: ``data`` of a ``success`` answer with HTTP 2xx, else nothing."""
    status = turn.exchange.status
    if status is None or not 200 <= status < 300:
        return None
    envelope = turn.envelope or {}
    if envelope.get("result") != ResultValue.SUCCESS.value:
        return None
    return turn.data


def flatten(moves: Sequence[Move]) -> tuple[Step, ...]:
    """The fixture steps of a path, indexed in order."""
    actions = [action for move in moves for action in move.steps]
    return tuple(Step(action, index=index) for index, action in enumerate(actions))


class PathDriver:
    """Plays paths against one target; each path is a new call."""

    def __init__(
        self, ctx: RunContext, settings: CallSettings, identity: Identity = Identity.NORMAL
    ) -> None:
        self.ctx = ctx
        self.settings = settings
        self.identity = identity
        self.calls = 0

    def runner(self, moves: Sequence[Move], name: str = "explore") -> CallRunner:
        """A call ready to play ``moves`` (created in order: call ids follow the seed)."""
        scenario = Scenario(name=name, steps=flatten(moves), call=self.settings)
        self.calls += 1
        return CallRunner(self.ctx, scenario, self.calls)

    async def run(self, moves: Sequence[Move], runner: CallRunner | None = None) -> PathRun:
        runner = runner or self.runner(moves)
        root_turns = tuple(await runner.begin())
        root = self._root_state(root_turns)
        situation = Situation.of(runner.session.state)
        outcomes: list[MoveOutcome] = []
        current = root
        steps = iter(runner.scenario.steps)
        played: list[Step] = []
        for move in moves:
            if runner.ended:
                break
            turns: list[Turn] = []
            for _ in move.steps:
                step = next(steps)
                if runner.ended:
                    break
                played.append(step)
                turns.extend(await runner.play(step))
            outcome = self._outcome(runner, move, tuple(turns), current)
            outcomes.append(outcome)
            current = outcome.state
        result = runner.end()
        return PathRun(root, root_turns, situation, tuple(outcomes), result, tuple(played))

    def _root_state(self, turns: Sequence[Turn]) -> StateKey:
        if not turns:
            voice = str(self.settings.smartcall.get("VoiceCode", ""))
            return StateKey(OPENING, (voice,) if voice else ())
        data = usable_data(turns[-1])
        return NO_ANSWER_STATE if data is None else state_of(data, self.identity)

    def _outcome(
        self, runner: CallRunner, move: Move, turns: tuple[Turn, ...], current: StateKey
    ) -> MoveOutcome:
        state = current
        for turn in turns:
            data = usable_data(turn)
            if not is_no_change(data, state):
                assert data is not None
                state = state_of(data, self.identity)
        call = runner.session.state
        reason = EndReason.ENDPOINT_FAILED if runner.unreachable else call.end_reason
        if call.ended and reason not in BOT_ENDINGS:
            state = end_state(reason)
        return MoveOutcome(move, turns, state, Situation.of(call), reason)


NO_ANSWER_STATE = StateKey(NO_ANSWER)
