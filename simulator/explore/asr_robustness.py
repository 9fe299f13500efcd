"""Routing robustness: does the bot still route a sentence the same way once ASR has been at it?

For each transition the crawl reached by speech (state --say X--> next state), the move is
played again under K variants of X (:func:`vcall.simulator.speech.variants`) and the
state the bot goes to is compared with the one X led to. A variant that leads elsewhere breaks
the transition; it is shrunk to the smallest change that still breaks it (one change of the
variant, when one alone does). The score is the share of variants that kept their route.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from vcall.simulator.dialogue_map import ExploreMap, Move, MoveKind, Node, PathRun, say_move
from vcall.simulator.speech import Variant, apply, variants
from vcall.simulator.text_safety import neutralize_controls

MAX_TRANSITIONS = 60
"""Transitions measured at most (the first ones the crawl found: the shallowest)."""
SAY_PREFIX = "say "

Play = Callable[[dict[int, tuple[Move, ...]]], Awaitable[dict[int, PathRun]]]
"""Plays paths as calls (by index); returns those played in time."""


@dataclass(slots=True)
class Broken:
    variant: Variant
    """The variant as drawn (it broke the route)."""
    smallest: Variant
    """The smallest part of it that still breaks the route."""
    reached: str
    """The label of the state the bot went to instead."""


@dataclass(slots=True)
class TransitionRobustness:
    source: str
    words: str
    target: str
    target_label: str
    tried: int = 0
    kept: int = 0
    broken: list[Broken] = field(default_factory=list)
    path: tuple[Move, ...] = ()
    """The moves to the source state (what a fixture of a broken variant plays first)."""

    @property
    def ratio(self) -> float:
        return self.kept / self.tried if self.tried else 1.0


@dataclass(slots=True)
class Robustness:
    variants_per_move: int
    seed: int
    transitions: list[TransitionRobustness] = field(default_factory=list)
    unfinished: int = 0
    """Transitions left unmeasured (the time ran out, or over :data:`MAX_TRANSITIONS`)."""

    @property
    def tried(self) -> int:
        return sum(t.tried for t in self.transitions)

    @property
    def score(self) -> float:
        """Variants that kept their route, of all tried (1.0 when none was tried)."""
        tried = self.tried
        return sum(t.kept for t in self.transitions) / tried if tried else 1.0

    def to_dict(self) -> dict[str, object]:
        return {
            "variants_per_move": self.variants_per_move,
            "seed": self.seed,
            "score": round(self.score, 4),
            "unfinished": self.unfinished,
            "transitions": [
                {
                    "from": t.source,
                    "say": t.words,
                    "to": t.target,
                    "ratio": round(t.ratio, 4),
                    "tried": t.tried,
                    "broken": [
                        {
                            "heard": b.variant.text,
                            "changes": b.variant.label,
                            "smallest": b.smallest.label,
                            "smallest_heard": b.smallest.text,
                            "reached": b.reached,
                        }
                        for b in t.broken
                    ],
                }
                for t in self.transitions
            ],
        }


def speech_transitions(explored: ExploreMap) -> list[TransitionRobustness]:
    """Each (state, sentence) the crawl said, with the one state it led to (a sentence that led
    to two states, a bot that is not deterministic, is left out)."""
    by_id = explored.by_id()
    targets: dict[tuple[str, str], set[str]] = {}
    for edge in explored.edges.values():
        if edge.move.startswith(SAY_PREFIX):
            targets.setdefault((edge.source, edge.move[len(SAY_PREFIX) :]), set()).add(edge.target)
    found = []
    for (source, words), reached in targets.items():
        node = by_id.get(source)
        if len(reached) != 1 or node is None or node.final:
            continue
        target = by_id[next(iter(reached))]
        found.append(
            TransitionRobustness(
                source, words, target.id, neutralize_controls(target.key.label), path=node.path
            )
        )
    return found


async def measure(
    explored: ExploreMap, count: int, seed: int, play: Play, max_transitions: int = MAX_TRANSITIONS
) -> Robustness:
    """Play each speech transition under ``count`` variants; shrink the ones that break it."""
    result = Robustness(count, seed)
    transitions = speech_transitions(explored)
    measured, result.unfinished = (
        transitions[:max_transitions],
        max(0, len(transitions) - max_transitions),
    )
    by_id = explored.by_id()
    plan: list[tuple[TransitionRobustness, Variant]] = []
    for transition in measured:
        plan.extend((transition, v) for v in variants(transition.words, count, seed))
    paths = {i: _path(t, v.text) for i, (t, v) in enumerate(plan)}
    runs = await play(paths)
    broken: list[tuple[TransitionRobustness, Variant, PathRun]] = []
    done: set[int] = set()
    for index, (transition, variant) in enumerate(plan):
        run = runs.get(index)
        if run is None:
            continue
        done.add(id(transition))
        transition.tried += 1
        if _reached(run) == by_id[transition.target].key.key:
            transition.kept += 1
        else:
            broken.append((transition, variant, run))
    await _shrink_all(broken, by_id, play)
    result.transitions = [t for t in measured if id(t) in done]
    result.unfinished += len(measured) - len(result.transitions)
    return result


def _path(transition: TransitionRobustness, heard: str) -> tuple[Move, ...]:
    move = say_move(heard)
    return (*transition.path, Move(MoveKind.SAY, f"{SAY_PREFIX}{heard}", move.steps))


def _reached(run: PathRun) -> str:
    return run.last_state.key


async def _shrink_all(
    broken: list[tuple[TransitionRobustness, Variant, PathRun]],
    by_id: dict[str, Node],
    play: Play,
) -> None:
    """Each broken variant of several changes: try its changes one by one; the first that breaks
    the route alone is the smallest change (else the variant as drawn)."""
    singles: dict[int, tuple[TransitionRobustness, Variant]] = {}
    for transition, variant, _run in broken:
        if len(variant.changes) > 1:
            for change in variant.changes:
                one = Variant(variant.original, apply(variant.original, [change]), (change,))
                singles[len(singles)] = (transition, one)
    runs = await play({i: _path(t, v.text) for i, (t, v) in singles.items()}) if singles else {}
    breaking: dict[tuple[int, str], Variant] = {}
    for index, (transition, one) in singles.items():
        run = runs.get(index)
        if run is not None and _reached(run) != by_id[transition.target].key.key:
            breaking.setdefault((id(transition), one.changes[0].describe()), one)
    for transition, variant, run in broken:
        smallest = variant
        for change in variant.changes:
            found = breaking.get((id(transition), change.describe()))
            if found is not None:
                smallest = found
                break
        if all(b.smallest.text != smallest.text for b in transition.broken):
            reached = neutralize_controls(run.last_state.label)  # the bot's text, shown as is
            transition.broken.append(Broken(variant, smallest, reached))


def robustness_html(robustness: Robustness | None) -> str:
    """The explore HTML report's "ASR robustness" section (empty without ``--asr-robustness``)."""
    if robustness is None:
        return ""
    from html import escape

    rows = []
    for t in robustness.transitions:
        broken = "<br>".join(
            f"{escape(b.smallest.text)} ({escape(b.smallest.label)}) → {escape(b.reached)}"
            for b in t.broken
        )
        rows.append(
            f"<tr><td>{escape(t.source)}</td><td>{escape(t.words)}</td>"
            f"<td>{t.kept}/{t.tried}</td><td class='problem'>{broken}</td></tr>"
        )
    return (
        f"<section><h2>ASR robustness {robustness.score:.2f}</h2><p>{robustness.tried} variants "
        f"of {len(robustness.transitions)} speech transitions (K={robustness.variants_per_move}, "
        f"seed {robustness.seed}).</p><table><tr><th>from</th><th>caller says</th><th>kept</th>"
        f"<th>broken by (smallest change → where the bot went)</th></tr>{''.join(rows)}</table>"
        "</section>"
    )
