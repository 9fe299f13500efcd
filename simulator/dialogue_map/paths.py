"""A path played as one call, as the map records it: the state its start leads to, then each
move's outcome (turns, state reached, situation), and the names of the states no answer is.

Plain data: explore's driver plays the paths; the properties and diff read them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from vcall.simulator.dialogue_map.identity import StateKey
from vcall.simulator.dialogue_map.moves import Move, Situation
from vcall.simulator.findings import Finding
from vcall.simulator.fixture import EndReason, Step
from vcall.simulator.replay import CallResult, Turn
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
    answer: dict[str, Any] | None = None
    """The ``data`` of the answer that put the call in ``state`` (``graph.kept_answer``)."""

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
    root_answer: dict[str, Any] | None = None
    """The ``data`` of the answer that put the call in ``root`` (``graph.kept_answer``)."""

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
