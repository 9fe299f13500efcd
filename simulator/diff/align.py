"""Aligning two versions' maps from the call's start by caller moves, and naming what changed.

States have no shared ids across versions, so the maps are walked side by side: the two
starts are a pair; for a pair, each move both versions tried leads to a pair of targets. When
the two targets show the same prompt (action, what is played, key settings; ``dynamic_id``
aside) they are a pair, compared field by field (an *answer changed*). When they differ:

- both prompts exist in both versions: the move was *re-routed*;
- the new prompt is nowhere in the old version (and the old one is still in the new): a *state
  added* (reported once per prompt, with its shortest path in the new version);
- the old prompt is nowhere in the new version (and the new one was in the old): a *state
  removed*;
- neither exists in the other version: the same state, its prompt *reworded*; the walk goes on
  from the pair.

A move only one version tried (the state's situation changed, or a bound) and the moves of a
state one version did not expand are not compared: they follow from a change reported already.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from vcall.simulator.diff.compare import FieldChange, field_changes
from vcall.simulator.diff.sides import Prompt, Side, SideProblem, State


class ChangeKind(StrEnum):
    REWORDED = "prompt reworded"
    ANSWER = "answer changed"
    REROUTED = "re-routed"
    ADDED = "state added"
    REMOVED = "state removed"
    NEW_PROBLEM = "new problem"
    FIXED_PROBLEM = "fixed problem"


PROBLEM_KINDS = frozenset({ChangeKind.NEW_PROBLEM, ChangeKind.FIXED_PROBLEM})


@dataclass(frozen=True, slots=True)
class Change:
    kind: ChangeKind
    path: tuple[str, ...]
    """The shortest caller moves that show it (in the new version; the old for a removal)."""
    old: State | None = None
    new: State | None = None
    fields: tuple[FieldChange, ...] = ()
    move: str = ""
    """The move re-routed (the last of ``path``)."""
    problem: SideProblem | None = None

    @property
    def noun(self) -> str:
        """How the summary counts it: ``key re-routed`` for a key, ``move re-routed`` else."""
        if self.kind is ChangeKind.REROUTED:
            return "key re-routed" if self.move.startswith("key ") else "move re-routed"
        return self.kind.value

    @property
    def what(self) -> str:
        """One line saying what changed."""
        if self.problem is not None:
            return f"{self.problem.kind}: {self.problem.summary}"
        if self.kind is ChangeKind.REROUTED:
            assert self.old is not None and self.new is not None
            return f"{self.move} led to «{self.old.label}», now to «{self.new.label}»"
        if self.kind is ChangeKind.ADDED and self.new is not None:
            return f"«{self.new.label}»"
        if self.kind is ChangeKind.REMOVED and self.old is not None:
            return f"«{self.old.label}»"
        return "; ".join(f"{f.field}: {_shown(f.old)} → {_shown(f.new)}" for f in self.fields)


def _shown(value: str | None) -> str:
    return "(none)" if value is None else f"«{value}»"


@dataclass(slots=True)
class _Walk:
    old: Side
    new: Side
    ignore: tuple[str, ...]
    old_prompts: dict[Prompt, State] = field(default_factory=dict)
    new_prompts: dict[Prompt, State] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    paired: set[tuple[str, str]] = field(default_factory=set)
    reworded_old: set[Prompt] = field(default_factory=set)
    reworded_new: set[Prompt] = field(default_factory=set)
    rerouted: set[tuple[Prompt, str, Prompt, Prompt]] = field(default_factory=set)


def align(old: Side, new: Side, ignore: Iterable[str] = ()) -> list[Change]:
    """Every change from ``old`` to ``new``: answers, routes, states, then problems."""
    walk = _Walk(old, new, tuple(ignore), old.prompts(), new.prompts())
    old_root, new_root = old.root, new.root
    if old_root is not None and new_root is not None:
        _walk(walk, old_root, new_root)
    _states(walk)
    walk.changes.extend(problem_changes(old, new))
    return walk.changes


def _walk(walk: _Walk, old_root: State, new_root: State) -> None:
    queue: deque[tuple[State, State, tuple[str, ...]]] = deque()
    _pair(walk, old_root, new_root, (), queue)
    while queue:
        old, new, path = queue.popleft()
        if not (old.expanded and new.expanded):
            continue
        old_moves = walk.old.moves.get(old.id, {})
        new_moves = walk.new.moves.get(new.id, {})
        for move, old_to in old_moves.items():
            new_to = new_moves.get(move)
            if new_to is None:
                continue
            target_old, target_new = walk.old.states[old_to], walk.new.states[new_to]
            _step(walk, old, target_old, target_new, (*path, move), queue)


def _step(
    walk: _Walk,
    source: State,
    old: State,
    new: State,
    path: tuple[str, ...],
    queue: deque[tuple[State, State, tuple[str, ...]]],
) -> None:
    if old.prompt == new.prompt:
        _pair(walk, old, new, path, queue)
        return
    in_new = old.prompt in walk.new_prompts
    in_old = new.prompt in walk.old_prompts
    if in_new and in_old:
        seen = (source.prompt, path[-1], old.prompt, new.prompt)
        if seen not in walk.rerouted:
            walk.rerouted.add(seen)
            walk.changes.append(Change(ChangeKind.REROUTED, path, old, new, move=path[-1]))
    elif not in_new and not in_old:
        walk.reworded_old.add(old.prompt)
        walk.reworded_new.add(new.prompt)
        _pair(walk, old, new, path, queue)
    # else: a state added or removed, reported once per prompt by ``_states``


def _pair(
    walk: _Walk,
    old: State,
    new: State,
    path: tuple[str, ...],
    queue: deque[tuple[State, State, tuple[str, ...]]],
) -> None:
    if (old.id, new.id) in walk.paired:
        return
    walk.paired.add((old.id, new.id))
    fields = field_changes(old, new, walk.ignore)
    if fields:
        kind = ChangeKind.REWORDED if old.plays != new.plays else ChangeKind.ANSWER
        walk.changes.append(Change(kind, path, old, new, fields))
    queue.append((old, new, path))


def _states(walk: _Walk) -> None:
    for prompt, state in walk.new_prompts.items():
        if prompt not in walk.old_prompts and prompt not in walk.reworded_new:
            walk.changes.append(Change(ChangeKind.ADDED, state.path, new=state))
    for prompt, state in walk.old_prompts.items():
        if prompt not in walk.new_prompts and prompt not in walk.reworded_old:
            walk.changes.append(Change(ChangeKind.REMOVED, state.path, old=state))


def problem_changes(old: Side, new: Side) -> list[Change]:
    """Problems found in one version and not the other, matched by kind, rule and the prompt
    of the state they are at (their ids and shrunk paths differ between versions)."""
    before = {_signature(old, p): p for p in old.problems}
    after = {_signature(new, p): p for p in new.problems}
    changes = [
        Change(ChangeKind.NEW_PROBLEM, p.moves, new=new.states.get(p.state), problem=p)
        for sign, p in after.items()
        if sign not in before
    ]
    changes.extend(
        Change(ChangeKind.FIXED_PROBLEM, p.moves, old=old.states.get(p.state), problem=p)
        for sign, p in before.items()
        if sign not in after
    )
    return changes


def _signature(side: Side, problem: SideProblem) -> tuple[str, str, str, Prompt | None]:
    state = side.states.get(problem.state)
    return (problem.section, problem.kind, problem.rule, state.prompt if state else None)
