"""The built-in suite of ``vcall check``: generic caller behaviours as fixture files.

Each behaviour is a fixture in ``data/suite/`` with no expectations: only the spec rules judge
the answers. A behaviour may need the bot in some situation first (tags ``needs-keys``,
``needs-no-keys``, ``needs-playing``, ``needs-breakable``, ``needs-non-breakable``,
``needs-time-break``, ``needs-parallel-transfer``): the shortest caller moves that get there are
found by a short crawl (:mod:`.crawler`) and played before the behaviour's steps. ``words-empty`` makes the behaviour's
``say`` words empty (which a fixture cannot write).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources

from vcall.simulator.dialogue_map import ExploreMap, Move, Node, Situation, flatten
from vcall.simulator.fixture import Direction, Say, Scenario, load_scenarios

NEEDS: Mapping[str, Callable[[Situation], bool]] = {
    "needs-keys": lambda s: s.collecting,
    "needs-no-keys": lambda s: not s.collecting,
    "needs-playing": lambda s: s.playing,
    "needs-breakable": lambda s: s.playing and s.breakable,
    "needs-non-breakable": lambda s: s.playing and not s.breakable,
    "needs-time-break": lambda s: s.playing and s.breakable and s.time_break_ms > 0,
}
ACTION_NEEDS: Mapping[str, str] = {"needs-parallel-transfer": "parallel_transfer"}
"""Needs met by what the bot answered (the state's action), not by what the call is doing."""
NEED_WORDS = {
    "needs-keys": "the bot collecting keys",
    "needs-no-keys": "the bot not collecting keys",
    "needs-playing": "a playback",
    "needs-breakable": "a breakable playback",
    "needs-non-breakable": "a non-breakable playback",
    "needs-time-break": "a playback with action_code_time_break",
    "needs-parallel-transfer": "a parallel_transfer answer",
}
EMPTY_WORDS_TAG = "words-empty"


@dataclass(frozen=True, slots=True)
class Behaviour:
    scenario: Scenario
    need: str = ""

    @property
    def name(self) -> str:
        return self.scenario.name

    @property
    def inbound(self) -> bool:
        return self.scenario.call.direction is Direction.INBOUND

    @property
    def direction(self) -> Direction:
        return self.scenario.call.direction


def builtin_suite() -> list[Behaviour]:
    folder = resources.files(__package__).joinpath("data", "suite")
    with resources.as_file(folder) as path:
        scenarios = load_scenarios([str(path)])
    return [_behaviour(scenario) for scenario in scenarios]


def _behaviour(scenario: Scenario) -> Behaviour:
    need = next((tag for tag in scenario.tags if tag in NEEDS or tag in ACTION_NEEDS), "")
    if EMPTY_WORDS_TAG in scenario.tags:
        steps = tuple(
            dataclasses.replace(step, action=dataclasses.replace(step.action, words=""))
            if isinstance(step.action, Say)
            else step
            for step in scenario.steps
        )
        scenario = dataclasses.replace(scenario, steps=steps)
    return Behaviour(scenario, need)


def situation_path(explored: ExploreMap, need: str) -> tuple[Move, ...] | None:
    """The shortest moves to a state in the situation ``need`` names (``None``: none found)."""
    found: list[Node] = [
        node for node in explored.nodes.values() if not node.final and _meets(node, need)
    ]
    if not found:
        return None
    return min(found, key=lambda node: node.depth).path


def _meets(node: Node, need: str) -> bool:
    action = ACTION_NEEDS.get(need)
    if action is not None:
        return node.key.action == action
    return NEEDS[need](node.situation)


def with_prefix(behaviour: Behaviour, prefix: Sequence[Move]) -> Scenario:
    """The behaviour's scenario, after the caller moves that reach its situation."""
    scenario = behaviour.scenario
    if not prefix:
        return scenario
    lead = flatten(prefix)
    steps = lead + tuple(
        dataclasses.replace(step, index=len(lead) + index)
        for index, step in enumerate(scenario.steps)
    )
    return dataclasses.replace(scenario, steps=steps)
