"""``reachable`` over the calls of one run (``vcall simulate --properties``, ``vcall tap
--properties``): one verdict per run, not per call.

A call shows a state *reached*: the property holds once some played call, after being in a
state its ``in:`` matches (any state, for ``in: any``), answered with a state its target
matches. No set of calls shows a state *unreachable* (another caller path may lead there), so
a run without such a call leaves the property not checked, and says to run ``vcall explore``,
which checks it over every path it finds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from vcall.simulator.dialogue_map import state_of
from vcall.simulator.properties.calls import NO_CHANGE, usable_answer
from vcall.simulator.properties.model import Kind, Property, PropertyOutcome, Verdict
from vcall.simulator.replay import RunResult, Turn

NOT_REACHED = (
    "no played call reached it — a set of calls cannot prove a state unreachable; run explore"
)


def reached_at(turns: Sequence[Turn], prop: Property) -> int | None:
    """The number of the turn whose answer reached a state ``prop`` targets, after one its
    ``in:`` matches; ``None`` when the call never did."""
    armed = prop.where.any
    for turn in turns:
        data = usable_answer(turn)
        if data is None or data.get("action") in NO_CHANGE:
            continue
        state = state_of(data)
        armed = armed or prop.where.test(state)
        if armed and prop.target.test(state):
            return turn.number
    return None


@dataclass(slots=True)
class ReachTracker:
    """The ``reachable`` properties of a run, noted call by call (``tap`` sees them one at a
    time); ``outcomes`` is the verdict of the calls noted so far."""

    properties: tuple[Property, ...]
    reached: dict[int, str] = field(default_factory=dict)
    """Where each property (by its index) was first seen reached: ``call ID, turn N``."""

    @classmethod
    def of(cls, properties: Sequence[Property]) -> ReachTracker:
        return cls(tuple(prop for prop in properties if prop.kind is Kind.REACHABLE))

    def note(self, call_id: str, turns: Sequence[Turn]) -> None:
        for index, prop in enumerate(self.properties):
            if index in self.reached:
                continue
            number = reached_at(turns, prop)
            if number is not None:
                self.reached[index] = f"call {call_id} reached it (turn {number})"

    def outcomes(self) -> list[PropertyOutcome]:
        return [
            PropertyOutcome(prop, Verdict.HOLDS, reason=self.reached[index])
            if index in self.reached
            else PropertyOutcome(prop, Verdict.NOT_CHECKED, reason=NOT_REACHED)
            for index, prop in enumerate(self.properties)
        ]


def reachable_outcomes(run: RunResult, properties: Sequence[Property]) -> list[PropertyOutcome]:
    """``simulate --properties``: each ``reachable`` property judged over the run's calls."""
    tracker = ReachTracker.of(properties)
    if tracker.properties:
        for call in run.calls:
            tracker.note(call.call_id, call.turns)
    return tracker.outcomes()
