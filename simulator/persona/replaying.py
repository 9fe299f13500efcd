"""``--replay``: a saved persona call's steps reused while the bot's answers match the saving.

Each saved step carries the answer observed after it as its expectation (an ordinary recorded
fixture). While the live answers meet those expectations the caller plays the saved steps; from
the first answer that differs, the brain decides (an LLM is asked only there).
"""

from __future__ import annotations

from collections.abc import Sequence

from vcall.simulator.fixture import Expectation, Scenario, Step
from vcall.simulator.replay import Turn, check_expectation


class ReplaySource:
    """The saved steps of one call, handed out while the call follows the saving."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.position = 0
        self.in_sync = True
        self.reused = 0

    def start(self, turns: Sequence[Turn]) -> None:
        """After ``callin``: the live answer must meet the saved ``answer``."""
        self.in_sync = _meets(self.scenario.answer, turns)

    def next_step(self) -> Step | None:
        if not self.in_sync or self.position >= len(self.scenario.steps):
            return None
        step = self.scenario.steps[self.position]
        self.position += 1
        return step

    def played(self, step: Step, turns: Sequence[Turn]) -> None:
        """After a saved step: still in step with the saving when its answers match."""
        self.reused += 1
        self.in_sync = _meets(step.expect, turns)


def _meets(expectation: Expectation | None, turns: Sequence[Turn]) -> bool:
    if expectation is None:
        return not turns
    if not turns:
        return False
    same = [turn for turn in turns if turn.callback.kind is expectation.callback]
    last = (same or list(turns))[-1]
    return not check_expectation(expectation, last.callback.kind, last.envelope, "replay")
