"""Problems an exploration reports, and how to tell that a call reproduces one.

Seen while crawling: an answer with a spec finding of severity error, an HTTP error or timeout,
a call's start the bot gives no usable answer to (nothing can be explored).
Read off the finished map: a dead end (a state no caller move leaves), a loop that never ends the
call (states from which no move sequence lets the bot end it), a deaf bot (what the caller says
or presses never changes the answer), a state reached only through an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from vcall.simulator.explore.driver import ENDED, PathRun
from vcall.simulator.explore.graph import Edge, ExploreMap, Node
from vcall.simulator.explore.moves import HANGUP, INPUT_KINDS, Move
from vcall.simulator.findings import Finding
from vcall.simulator.replay.results import Turn
from vcall.simulator.spec import CallbackKind

HTTP_RULES = frozenset(
    {
        "http-status",
        "endpoint-timeout",
        "http-protocol-error",
        "endpoint-unreachable",
        "body-too-large",
    }
)


MAX_STATES_PER_FINDING = 3


class ProblemKind(StrEnum):
    SPEC = "spec-error"
    HTTP = "http-error"
    NO_ANSWER = "no-answer"
    DEAD_END = "dead-end"
    LOOP = "loop"
    DEAF = "deaf-bot"
    ERROR_ONLY = "error-only-state"


@dataclass(slots=True)
class Problem:
    kind: ProblemKind
    title: str
    """One line: what is wrong, where."""
    path: tuple[Move, ...]
    """The caller's moves that reproduce it (shortest found; shrunk when ``shrunk``)."""
    state: str = ""
    """The state (id) where it shows."""
    finding: Finding | None = None
    states: tuple[str, ...] = ()
    """Every state it concerns (a loop's states); ``state`` alone otherwise."""
    state_keys: frozenset[str] = frozenset()
    original_length: int = 0
    shrunk: bool = False
    elsewhere: int = 0
    """At how many more states the same findings showed (not reported one by one)."""

    @property
    def rule(self) -> str:
        return self.finding.rule if self.finding else self.kind.value

    def reproduced_by(self, run: PathRun) -> bool:
        """Whether a call shows this problem again (what the shrinker keeps)."""
        if self.finding is not None:
            wanted = (self.finding.rule, self.finding.path)
            return any((f.rule, f.path) == wanted for f in run.error_findings())
        if self.kind is ProblemKind.DEAF:
            return True
        return run.last_state.key in self.state_keys


@dataclass(slots=True)
class ProblemBook:
    """Problems in the order found, one per set of findings (rule, JSON path) and state, at
    most ``MAX_STATES_PER_FINDING`` states for the same set: a bot that gets something wrong in
    every answer gets a few problems, each counting where else it showed."""

    problems: list[Problem] = field(default_factory=list)
    _seen: set[tuple[object, str]] = field(default_factory=set)
    _by_findings: dict[object, list[Problem]] = field(default_factory=dict)

    def note_findings(
        self, findings: Sequence[Finding], path: tuple[Move, ...], state: Node
    ) -> None:
        """The error findings of one answer: one problem per distinct set at a state, named by
        its HTTP error if any (the body findings that follow from it are listed, not repeated)."""
        found = tuple(sorted({(f.rule, f.path) for f in findings}))
        key = (found, state.key.key)
        if key in self._seen:
            return
        self._seen.add(key)
        same = self._by_findings.setdefault(found, [])
        if len(same) >= MAX_STATES_PER_FINDING:
            same[-1].elsewhere += 1
            return
        http = [f for f in findings if f.rule in HTTP_RULES]
        first = (http or list(findings))[0]
        kind = ProblemKind.HTTP if http else ProblemKind.SPEC
        where = f" at {first.path}" if first.path else ""
        others = sorted({f.rule for f in findings} - {first.rule})
        also = f" (also {', '.join(others)})" if others else ""
        title = f"{first.rule}{where}: {first.message}{also}"
        keys = frozenset({state.key.key})
        problem = Problem(kind, title, path, state.id, first, (state.id,), keys, len(path))
        same.append(problem)
        self.problems.append(problem)


def unanswered(root: Node, turns: Sequence[Turn]) -> Problem:
    """The bot gave no usable answer (HTTP 2xx with ``result`` ``success``) in the whole crawl:
    on an inbound call the platform does not answer the call, on an outbound one it never acts
    on an answer. Either way there was nothing to explore."""
    envelope = next((t.envelope for t in turns if isinstance(t.envelope, dict)), None)
    result = envelope.get("result") if envelope else None
    msg = envelope.get("msg") if envelope else None
    said = f"result {result!r}" if result is not None else "no usable answer"
    said += f", msg {msg!r}" if isinstance(msg, str) and msg else ""
    inbound = bool(turns) and turns[0].callback.kind is CallbackKind.CALLIN
    what = "the callin" if inbound else "every callback"
    title = (
        f"no answer: the bot answered {what} with {said}, never a usable answer (HTTP 2xx, "
        'result "success"), so nothing could be explored (does the bot read the parameters '
        "where vcall puts them? see --params form|query)"
    )
    return Problem(
        ProblemKind.NO_ANSWER, title, (), root.id, None, (root.id,), frozenset({root.key.key}), 0
    )


def map_problems(explored: ExploreMap) -> list[Problem]:
    """The problems the map's shape shows (after the crawl)."""
    problems = dead_ends_and_loops(explored)
    problems.extend(error_only_states(explored))
    deaf = deaf_bot(explored)
    if deaf is not None:
        problems.append(deaf)
    return problems


def dead_ends_and_loops(explored: ExploreMap) -> list[Problem]:
    """States from which the bot can never end the call, as dead ends (one state no move
    leaves) and loops (several states the moves go round in)."""
    by_id = explored.by_id()
    stuck = _never_ending(explored, by_id)
    problems: list[Problem] = []
    for group in _groups(stuck, explored):
        nodes = sorted((by_id[i] for i in group), key=lambda n: (n.depth, n.id))
        entry = nodes[0]
        keys = frozenset(node.key.key for node in nodes)
        if len(nodes) == 1:
            title = (
                f"dead end: no caller move leaves {entry.id} ({entry.key.label}); "
                "the call only ends at the session timeout"
            )
            kind = ProblemKind.DEAD_END
        else:
            names = ", ".join(node.id for node in nodes[:8]) + (" …" if len(nodes) > 8 else "")
            title = (
                f"loop that never ends the call: the moves go round {names} "
                "and the bot never hangs up or transfers"
            )
            kind = ProblemKind.LOOP
        problems.append(
            Problem(
                kind,
                title,
                entry.path,
                entry.id,
                None,
                tuple(n.id for n in nodes),
                keys,
                len(entry.path),
            )
        )
    return problems


def _never_ending(explored: ExploreMap, by_id: dict[str, Node]) -> set[str]:
    """Expanded, live states that no sequence of moves (hang-ups aside) leads to a bot ending.

    A state not crawled (a bound was hit) might lead to one: it counts as ending."""
    incoming: dict[str, list[str]] = {}
    for edge in _live_edges(explored):
        incoming.setdefault(edge.target, []).append(edge.source)
    ends = [n.id for n in explored.nodes.values() if _can_end(n)]
    reach = set(ends)
    todo = list(ends)
    while todo:
        for source in incoming.get(todo.pop(), ()):
            if source not in reach:
                reach.add(source)
                todo.append(source)
    return {node_id for node_id, node in by_id.items() if node_id not in reach and _live(node)}


def _can_end(node: Node) -> bool:
    if node.key.action == ENDED:
        return False
    return node.final or not node.expanded


def _live(node: Node) -> bool:
    return node.expanded and not node.final and node.key.action != ENDED


def _live_edges(explored: ExploreMap) -> Iterable[Edge]:
    return (edge for edge in explored.edges.values() if edge.move != HANGUP.label)


def _groups(stuck: set[str], explored: ExploreMap) -> list[set[str]]:
    """Stuck states joined by transitions between them (each group reported once)."""
    links: dict[str, set[str]] = {node_id: set() for node_id in stuck}
    for edge in _live_edges(explored):
        if edge.source in stuck and edge.target in stuck and edge.source != edge.target:
            links[edge.source].add(edge.target)
            links[edge.target].add(edge.source)
    groups: list[set[str]] = []
    left = sorted(stuck, key=lambda i: int(i[1:]))
    seen: set[str] = set()
    for start in left:
        if start in seen:
            continue
        group = {start}
        todo = [start]
        while todo:
            for other in links[todo.pop()]:
                if other not in group:
                    group.add(other)
                    todo.append(other)
        seen |= group
        groups.append(group)
    return groups


def error_only_states(explored: ExploreMap) -> list[Problem]:
    problems = []
    for node in explored.nodes.values():
        if node.via_error and not node.via_clean and node.key.action != ENDED:
            title = f"{node.id} ({node.key.label}) is reached only through an answer with an error"
            problems.append(
                Problem(
                    ProblemKind.ERROR_ONLY,
                    title,
                    node.path,
                    node.id,
                    None,
                    (node.id,),
                    frozenset({node.key.key}),
                    len(node.path),
                )
            )
    return problems


def deaf_bot(explored: ExploreMap) -> Problem | None:
    """Deaf: at every crawled state where the caller said or pressed two different things, the
    bot went to the same place either way."""
    by_id = explored.by_id()
    tried = 0
    witness: Node | None = None
    for node in explored.nodes.values():
        targets = {edge.target for edge in explored.out_edges(node.id) if _input_move(edge.move)}
        moves = {edge.move for edge in explored.out_edges(node.id) if _input_move(edge.move)}
        if len(moves) < 2:
            continue
        tried += 1
        if len(targets) > 1:
            return None
        witness = witness or node
    if not tried or witness is None:
        return None
    root = by_id.get("s0", witness)
    title = (
        "deaf bot: whatever the caller says or presses, the answer is the same (among the "
        "lines and keys tried: --say-file gives it the words your bot listens for)"
    )
    return Problem(
        ProblemKind.DEAF,
        title,
        witness.path,
        witness.id,
        None,
        (root.id,),
        frozenset(),
        len(witness.path),
    )


def _input_move(label: str) -> bool:
    return any(label.startswith(kind.value + " ") for kind in INPUT_KINDS)
