"""Checking properties over an exploration's map.

The map is a graph of the states the crawl reached and the caller moves tried between them.
``call-can-end``, ``reachable``, ``never`` and ``when``/``then`` are read off it; ``silence-ends``
and ``no-repeat`` depend on what the bot counts per call (a bot that re-prompts twice and then
hangs up answers the same each time), so the map only proposes where to look: one call per
candidate is played and judged by :mod:`.calls`, the same checker ``simulate`` and ``tap`` use.

Counterexamples are the shortest: states are visited in breadth-first order of the crawl (a
state's ``path`` is the shortest caller path to it), and the violation with the fewest moves
is reported.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from vcall.simulator.dialogue_map import (
    ENDED,
    MARGIN_MS,
    Edge,
    ExploreMap,
    Move,
    MoveKind,
    Node,
    PathRun,
    Situation,
    moves_for,
)
from vcall.simulator.fixture import Silence, Wait
from vcall.simulator.properties.calls import repeat_violation, silence_violation
from vcall.simulator.properties.model import (
    ENDING_ACTIONS,
    Kind,
    Property,
    PropertyOutcome,
    Verdict,
)

WAITING = frozenset({MoveKind.SILENCE, MoveKind.NO_INPUT})
PROMPT_MS = 30_000
"""Room left for each prompt to play in a silent caller's play-out (the clock is virtual)."""
MAX_CANDIDATES = 200
"""States played for one property (breadth-first: the shortest first)."""


@dataclass(frozen=True, slots=True)
class Graph:
    """The map with its moves indexed: where each state's moves lead."""

    explored: ExploreMap
    nodes: Mapping[str, Node]
    out: Mapping[str, Sequence[Edge]]
    into: Mapping[str, Sequence[Edge]]
    lines: tuple[str, ...]
    stopped: str
    known: dict[str, dict[str, Move]] = field(default_factory=dict)
    """Each state's moves by label (computed once per state)."""

    @classmethod
    def of(cls, explored: ExploreMap, lines: Sequence[str], stopped: str = "") -> Graph:
        out: dict[str, list[Edge]] = defaultdict(list)
        into: dict[str, list[Edge]] = defaultdict(list)
        for edge in explored.edges.values():
            out[edge.source].append(edge)
            into[edge.target].append(edge)
        ordered = sorted(explored.nodes.values(), key=lambda node: (node.depth, int(node.id[1:])))
        nodes = {node.id: node for node in ordered}
        return cls(explored, nodes, out, into, tuple(lines), stopped)

    def live(self) -> list[Node]:
        """States the call is still going on in, shortest path first."""
        return [node for node in self.nodes.values() if not node.final]

    def open(self, node: Node) -> bool:
        """A state the crawl did not expand (its bound hit): what follows it is unknown."""
        return not node.final and not node.expanded

    def move(self, node: Node, label: str) -> Move | None:
        moves = self.known.get(node.id)
        if moves is None:
            listed = moves_for(node.situation, self.lines)
            moves = self.known[node.id] = {move.label: move for move in listed}
        return moves.get(label)

    def co_reach(self, goals: Iterable[str]) -> set[str]:
        """States from which some moves lead to one of ``goals``."""
        seen = set(goals)
        queue = deque(seen)
        while queue:
            for edge in self.into.get(queue.popleft(), ()):
                if edge.source not in seen:
                    seen.add(edge.source)
                    queue.append(edge.source)
        return seen

    def bound(self) -> str:
        return self.stopped or "the crawl's bound"


def bot_ends(node: Node) -> bool:
    return node.final and node.key.action != ENDED


def check_on_map(graph: Graph, prop: Property) -> PropertyOutcome | None:
    """The verdict read off the map; ``None`` for a property judged by playing calls."""
    if prop.kind is Kind.CAN_END:
        goals = [n.id for n in graph.nodes.values() if bot_ends(n)]
        return _reachable(graph, prop, goals, "the bot never ends the call from here")
    if prop.kind is Kind.REACHABLE:
        goals = [n.id for n in graph.nodes.values() if prop.target.test(n.key)]
        return _reachable(
            graph, prop, goals, f"no state with {prop.target.describe()} is reachable"
        )
    if prop.kind is Kind.NEVER:
        return _never(graph, prop)
    if prop.kind is Kind.WHEN_THEN:
        return _when_then(graph, prop)
    return None


def _in_states(graph: Graph, prop: Property) -> list[Node]:
    return [node for node in graph.live() if prop.where.test(node.key)]


def _no_match(prop: Property) -> PropertyOutcome:
    return PropertyOutcome(
        prop, Verdict.NOT_CHECKED, reason=f"no state matched in: {prop.where.describe()}"
    )


def _reachable(graph: Graph, prop: Property, goals: list[str], why: str) -> PropertyOutcome:
    states = _in_states(graph, prop)
    if not states:
        return _no_match(prop)
    good = graph.co_reach(goals)
    unknown = graph.co_reach(n.id for n in graph.nodes.values() if graph.open(n))
    bad = [n for n in states if n.id not in good and n.id not in unknown]
    undecided = tuple(n.id for n in states if n.id not in good and n.id in unknown)
    return _verdict(prop, graph, [(n, n.path) for n in bad], undecided, why)


def _never(graph: Graph, prop: Property) -> PropertyOutcome:
    states = _in_states(graph, prop)
    if not states:
        return _no_match(prop)
    found: list[tuple[Node, tuple[Move, ...]]] = []
    for node in states:
        for edge in graph.out.get(node.id, ()):
            target = graph.nodes[edge.target]
            move = graph.move(node, edge.move)
            if move is not None and target.key.action != ENDED and prop.target.test(target.key):
                found.append((node, (*node.path, move)))
                break
    why = f"an answer with {prop.target.describe()}"
    return _verdict(prop, graph, found, (), why)


def _when_then(graph: Graph, prop: Property) -> PropertyOutcome:
    states = _in_states(graph, prop)
    if not states:
        return _no_match(prop)
    found: list[tuple[Node, tuple[Move, ...]]] = []
    undecided: list[str] = []
    for node in states:
        for wanted in prop.when:
            move = wanted.move(node.situation)
            if move is None:
                continue
            targets = [
                graph.nodes[e.target] for e in graph.out.get(node.id, ()) if e.move == move.label
            ]
            if not targets:
                if not node.expanded:
                    undecided.append(node.id)
                continue
            answer = _answered(graph, prop, targets, prop.within - 1)
            if answer is None:
                undecided.append(node.id)
            elif not answer:
                found.append((node, (*node.path, move)))
                break
    wanted_text = " or ".join(sorted(prop.actions))
    why = f"no {wanted_text} within {prop.within} turns"
    return _verdict(prop, graph, found, tuple(dict.fromkeys(undecided)), why)


def _answered(graph: Graph, prop: Property, starts: list[Node], waits: int) -> bool | None:
    """Whether some state within ``waits`` silent moves of ``starts`` answers with one of the
    actions; ``None`` when an unexpanded state leaves it open."""
    frontier = list(starts)
    open_seen = False
    for step in range(waits + 1):
        if any(n.key.action in prop.actions for n in frontier):
            return True
        if step == waits:
            break
        following: list[Node] = []
        for node in frontier:
            if graph.open(node):
                open_seen = True
            for edge in graph.out.get(node.id, ()):
                move = graph.move(node, edge.move)
                if move is not None and move.kind in WAITING:
                    following.append(graph.nodes[edge.target])
        frontier = following
    return None if open_seen or any(graph.open(n) for n in frontier) else False


def _verdict(
    prop: Property,
    graph: Graph,
    found: list[tuple[Node, tuple[Move, ...]]],
    undecided: tuple[str, ...],
    why: str,
) -> PropertyOutcome:
    if found:
        found.sort(key=lambda pair: len(pair[1]))
        states = tuple(dict.fromkeys(node.id for node, _ in found))
        return PropertyOutcome(prop, Verdict.VIOLATED, states, found[0][1], why, undecided)
    if undecided:
        reason = f"{graph.bound()} hit before {len(undecided)} state(s) could be decided"
        return PropertyOutcome(prop, Verdict.NOT_CHECKED, reason=reason, undecided=undecided)
    return PropertyOutcome(prop, Verdict.HOLDS)


# --- properties judged by playing calls ------------------------------------------------------


def candidates(graph: Graph, prop: Property) -> list[tuple[str, tuple[Move, ...]]]:
    """(state, caller path) to play for ``silence-ends`` / ``no-repeat``, shortest first."""
    chosen: list[tuple[str, tuple[Move, ...]]] = []
    for node in _in_states(graph, prop):
        if prop.kind is Kind.SILENCE_ENDS:
            if not _silence_ends_here(graph, node):
                chosen.append((node.id, (*node.path, silent_until(node.situation, prop.limit))))
        elif prop.kind is Kind.NO_REPEAT and node.key.plays:
            move = _self_loop(graph, node)
            if move is not None:
                chosen.append((node.id, (*node.path, *[move] * prop.limit)))
        if len(chosen) >= MAX_CANDIDATES:
            break
    return chosen


def _silence_ends_here(graph: Graph, node: Node) -> bool:
    """Whether the map already shows the first silence (or no key) ending the call from here:
    every one tried did (none seen: unknown). Such a state needs no call of its own."""
    waiting = [
        edge
        for edge in graph.out.get(node.id, ())
        if (move := graph.move(node, edge.move)) is not None and move.kind in WAITING
    ]
    return bool(waiting) and all(bot_ends(graph.nodes[edge.target]) for edge in waiting)


def silent_until(situation: Situation, silences: int) -> Move:
    """One silence long enough for ``silences + 1`` re-prompts (mute or key no-input)."""
    each = max(situation.mute_time_ms, situation.no_input_ms) + PROMPT_MS + MARGIN_MS
    total = min((silences + 1) * each, situation.session_timeout_s * 1000 + MARGIN_MS)
    label = f"silence ×{silences + 1}"
    return Move(MoveKind.SILENCE, label, (Wait(), Silence(total)))


def _self_loop(graph: Graph, node: Node) -> Move | None:
    """A silence (or key no-input) after which the bot plays the state's prompt again: what a
    caller who stays on the line without a word meets. An input answered with the same prompt
    (a caller asking the same thing twice, a catch-all "请再说一遍") is not tried: it depends on
    what the caller says, and ``simulate``/``tap`` count it on the calls they see."""
    for edge in graph.out.get(node.id, ()):
        move = graph.move(node, edge.move) if edge.target == node.id else None
        if move is not None and move.kind in WAITING:
            return move
    return None


def judge_played(
    graph: Graph,
    prop: Property,
    played: Sequence[tuple[str, tuple[Move, ...]]],
    runs: Mapping[int, PathRun],
) -> PropertyOutcome:
    if not played:
        if not _in_states(graph, prop):
            return _no_match(prop)
        if prop.kind is Kind.NO_REPEAT:
            return PropertyOutcome(prop, Verdict.HOLDS, reason="no silence brings a prompt back")
        return PropertyOutcome(prop, Verdict.HOLDS, reason="the first silence ends the call")
    found: list[tuple[str, tuple[Move, ...], str]] = []
    missing: list[str] = []
    for index, (state, path) in enumerate(played):
        run = runs.get(index)
        if run is None:
            missing.append(state)
            continue
        turns = run.result.turns
        why = (
            silence_violation(turns, prop.limit)
            if prop.kind is Kind.SILENCE_ENDS
            else repeat_violation(turns, prop.limit)
        )
        if why:
            found.append((state, path, why))
    if found:
        found.sort(key=lambda item: len(item[1]))
        states = tuple(state for state, _, _ in found)
        return PropertyOutcome(
            prop, Verdict.VIOLATED, states, found[0][1], found[0][2], tuple(missing)
        )
    if missing:
        reason = f"--max-time ran out before {len(missing)} state(s) were played"
        return PropertyOutcome(prop, Verdict.NOT_CHECKED, reason=reason, undecided=tuple(missing))
    return PropertyOutcome(prop, Verdict.HOLDS)


__all__ = ["ENDING_ACTIONS", "Graph", "candidates", "check_on_map", "judge_played", "silent_until"]
