"""A diff's outcome: the two versions read and every change between them, in the order shown."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from vcall.simulator.diff.align import PROBLEM_KINDS, Change, ChangeKind
from vcall.simulator.diff.sides import Side


@dataclass(slots=True)
class DiffResult:
    old: Side
    new: Side
    changes: list[Change]
    ignore: tuple[str, ...] = ()
    saved: list[Path] = field(default_factory=list)
    wall_s: float = 0.0

    @property
    def behavioural(self) -> list[Change]:
        """What a caller would notice: every change but the problems' bookkeeping."""
        return [change for change in self.changes if change.kind not in PROBLEM_KINDS]

    @property
    def new_problems(self) -> list[Change]:
        return [change for change in self.changes if change.kind is ChangeKind.NEW_PROBLEM]

    @property
    def fixed_problems(self) -> list[Change]:
        return [change for change in self.changes if change.kind is ChangeKind.FIXED_PROBLEM]

    def failed(self, fail_on: str = "changes") -> bool:
        """``changes``: any change; ``problems``: only new problems fail."""
        if fail_on == "problems":
            return bool(self.new_problems)
        return bool(self.changes)

    def summary(self) -> str:
        """``3 changes: 1 prompt reworded, 1 key re-routed, 1 state added``."""
        if not self.changes:
            return "no change"
        counts = Counter(change.noun for change in self.changes)
        parts = ", ".join(f"{count} {noun}" for noun, count in counts.items())
        total = len(self.changes)
        return f"{total} change{'s' if total != 1 else ''}: {parts}"

    @property
    def partial(self) -> list[str]:
        """Versions whose exploration stopped at a bound (changes beyond it are not seen)."""
        return [f"{s.label}: stopped by {s.stopped}" for s in (self.old, self.new) if s.stopped]
