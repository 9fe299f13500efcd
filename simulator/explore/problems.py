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

from vcall.simulator.dialogue_map import (
    ENDED,
    HANGUP,
    INPUT_KINDS,
    Edge,
    ExploreMap,
    Move,
    Node,
    PathRun,
    StateKey,
)
from vcall.simulator.findings import Finding
from vcall.simulator.replay import Turn
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
MAX_ALSO_LISTED = 6
"""States listed by name in a problem's "also at" (the rest are counted)."""


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
    also_at: tuple[str, ...] = ()
    """Other states (ids) where the same problem showed, merged into this one after shrinking."""
    only_way_on: tuple[str, ...] = ()
    """States the call reaches only through this bad answer (an error-only state, folded in)."""

    @property
    def rule(self) -> str:
        return self.finding.rule if self.finding else self.kind.value

    @property
    def summary(self) -> str:
        """The title, then where else it shows and what it is the only way on to."""
        text = self.title
        if self.only_way_on:
            text += "; and the call can only go on through this bad answer"
            onward = [state for state in self.only_way_on if state != self.state]
            text += f" (to {_listed(onward)})" if onward else ""
        if self.also_at or self.elsewhere:
            text += f"; also shows at {_listed(self.also_at, self.elsewhere)}"
        return text

    def merge_key(self) -> tuple[object, ...]:
        """What makes two problems one bug: the same rule at the same JSON path (or the same
        kind of map problem) at the same state, reproduced by the same caller moves (what the
        caller says or presses; how long a silence lasts is the shrinker's choice, not the bug)."""
        where = self.finding.path if self.finding else ""
        moves = tuple(move.label if move.kind in INPUT_KINDS else move.kind for move in self.path)
        return (self.kind, self.rule, where, self.state, moves)

    def absorb(self, other: Problem) -> None:
        """Take in ``other``, the same bug found from another state."""
        seen = {self.state, *self.also_at}
        for state in (other.state, *other.also_at):
            if state not in seen:
                seen.add(state)
                self.also_at = (*self.also_at, state)
        self.elsewhere += other.elsewhere
        self.only_way_on = (
            *self.only_way_on,
            *(s for s in other.only_way_on if s not in self.only_way_on),
        )

    def reproduced_by(self, run: PathRun) -> bool:
        """Whether a call shows this problem again (what the shrinker keeps)."""
        if self.finding is not None:
            wanted = (self.finding.rule, self.finding.path)
            return any((f.rule, f.path) == wanted for f in run.error_findings())
        if self.kind is ProblemKind.DEAF:
            return True
        return run.last_state.key in self.state_keys


@dataclass(slots=True)
class Caution:
    """A warning finding seen while crawling: once per rule and JSON path, with every state
    (id) where it showed. Warnings are not problems: they fail ``explore`` only with
    ``--strict``."""

    finding: Finding
    path: tuple[Move, ...]
    """The caller moves to the first state it showed at."""
    states: list[str] = field(default_factory=list)

    @property
    def rule(self) -> str:
        return self.finding.rule

    @property
    def state(self) -> str:
        return self.states[0] if self.states else ""


@dataclass(slots=True)
class ProblemBook:
    """Problems in the order found, one per set of findings (rule, JSON path) and state, at
    most ``MAX_STATES_PER_FINDING`` states for the same set: a bot that gets something wrong in
    every answer gets a few problems, each counting where else it showed."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Caution] = field(default_factory=list)
    _seen: set[tuple[object, str]] = field(default_factory=set)
    _by_findings: dict[object, list[Problem]] = field(default_factory=dict)
    _warned: dict[tuple[str, str], Caution] = field(default_factory=dict)

    def note_warnings(
        self, findings: Iterable[Finding], path: tuple[Move, ...], state: Node
    ) -> None:
        """The warning findings of one answer (its errors are noted by :meth:`note_findings`):
        each (rule, JSON path) once, with the states where it showed. An answer with an HTTP
        error has no warning worth its own line (its problem says what is wrong)."""
        findings = tuple(findings)
        if any(finding.rule in HTTP_RULES for finding in findings):
            return
        for finding in findings:
            if finding.is_error:
                continue
            caution = self._warned.get((finding.rule, finding.path))
            if caution is None:
                caution = Caution(finding, path)
                self._warned[(finding.rule, finding.path)] = caution
                self.warnings.append(caution)
            if state.id not in caution.states:
                caution.states.append(state.id)

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


def _listed(states: Sequence[str], uncounted: int = 0) -> str:
    """``s1, s3 and 4 more states``: state ids in order, the first ``MAX_ALSO_LISTED`` named."""
    ordered = sorted(states, key=lambda i: int(i[1:]) if i[1:].isdigit() else 0)
    named = ordered[:MAX_ALSO_LISTED]
    more = len(ordered) - len(named) + uncounted
    text = ", ".join(named)
    if more:
        text += f"{' and ' if named else ''}{more} more state{'s' if more > 1 else ''}"
    return text


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


def map_problems(explored: ExploreMap, found: Sequence[Problem] = ()) -> list[Problem]:
    """The problems the map's shape shows (after the crawl). A state reached only through an
    answer with an error is folded into that error's problem among ``found`` (it restates it)."""
    problems = dead_ends_and_loops(explored)
    problems.extend(fold_error_only(error_only_states(explored), found, explored))
    deaf = deaf_bot(explored)
    if deaf is not None:
        problems.append(deaf)
    return problems


def dead_ends_and_loops(explored: ExploreMap) -> list[Problem]:
    """States from which the bot can never end the call, as dead ends (one state no move
    leaves) and loops (several states the moves go round in). Each is named by where the call
    gets stuck (the states it then never leaves); the states on the way there are marked too."""
    by_id = explored.by_id()
    stuck = _never_ending(explored, by_id)
    problems: list[Problem] = []
    for group in _groups(stuck, explored):
        sinks = _sinks(group, explored)
        for index, sink in enumerate(sinks):
            nodes = sorted((by_id[i] for i in sink), key=lambda n: (n.depth, int(n.id[1:])))
            on_the_way = sorted(group - set().union(*sinks), key=lambda i: int(i[1:]))
            problems.append(_stuck_problem(nodes, on_the_way if index == 0 else []))
    return problems


def _stuck_problem(nodes: list[Node], on_the_way: list[str]) -> Problem:
    entry = nodes[0]
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
    return Problem(
        kind,
        title,
        entry.path,
        entry.id,
        None,
        (*(n.id for n in nodes), *on_the_way),
        frozenset(node.key.key for node in nodes),
        len(entry.path),
    )


def _sinks(group: set[str], explored: ExploreMap) -> list[set[str]]:
    """The strongly connected parts of a stuck group that no move leaves for another stuck
    state: where a call that gets in stays (a cycle, or one state). Shallowest first."""
    after: dict[str, set[str]] = {node_id: set() for node_id in group}
    for edge in _live_edges(explored):
        if edge.source in group and edge.target in group and edge.source != edge.target:
            after[edge.source].add(edge.target)
    reach = {node_id: _reachable(node_id, after) for node_id in group}
    sinks: list[set[str]] = []
    for node_id in sorted(group, key=lambda i: int(i[1:])):
        if any(node_id in sink for sink in sinks):
            continue
        part = {other for other in reach[node_id] if node_id in reach[other]} | {node_id}
        if reach[node_id] <= part:
            sinks.append(part)
    depth = {node.id: node.depth for node in explored.nodes.values()}
    return sorted(sinks, key=lambda part: min((depth[i], int(i[1:])) for i in part))


def _reachable(start: str, after: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for other in after[todo.pop()]:
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return seen


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
    """Stuck states joined by moves tried between them (each group reported once)."""
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
        group = _reachable(start, links) | {start}
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


def fold_error_only(
    error_only: list[Problem], found: Sequence[Problem], explored: ExploreMap
) -> list[Problem]:
    """Fold each error-only state into the problem of the error that leads there (the same
    state, else the same rule); returns those with no such problem (kept on their own)."""
    left: list[Problem] = []
    for problem in error_only:
        rules = {
            rule
            for edge in explored.edges.values()
            if edge.target == problem.state
            for rule in edge.errors
        }
        candidates = [p for p in found if p.finding is not None and p.finding.rule in rules]
        cause = next((p for p in candidates if p.state == problem.state), None)
        cause = cause or next(iter(candidates), None)
        if cause is None:
            left.append(problem)
        elif problem.state not in cause.only_way_on:
            cause.only_way_on = (*cause.only_way_on, problem.state)
    return left


def reached_state(problem: Problem, run: PathRun) -> StateKey:
    """The state where the problem shows in ``run`` (a replay of its moves): where its finding
    first comes back, else where its moves lead."""
    if problem.finding is not None:
        wanted = (problem.finding.rule, problem.finding.path)
        if any((f.rule, f.path) == wanted for t in run.root_turns for f in t.findings):
            return run.root
        for outcome in run.outcomes:
            if any((f.rule, f.path) == wanted for t in outcome.turns for f in t.findings):
                return outcome.state
    moves = len(problem.path)
    if moves and len(run.outcomes) >= moves:
        return run.outcomes[moves - 1].state
    return run.root


def merge_repeats(
    problems: Sequence[Problem], runs: Sequence[PathRun], explored: ExploreMap
) -> tuple[list[Problem], list[PathRun]]:
    """After shrinking: label each problem with the state its moves reach, and make problems
    with the same rule, JSON path and moves one (the others' states listed as "also at")."""
    kept: list[Problem] = []
    kept_runs: list[PathRun] = []
    index: dict[tuple[object, ...], Problem] = {}
    for problem, run in zip(problems, runs, strict=True):
        _relabel(problem, run, explored)
        first = index.get(problem.merge_key())
        if first is not None:
            first.absorb(problem)
            continue
        index[problem.merge_key()] = problem
        kept.append(problem)
        kept_runs.append(run)
    return kept, kept_runs


def _relabel(problem: Problem, run: PathRun, explored: ExploreMap) -> None:
    if problem.kind in (ProblemKind.DEAF, ProblemKind.NO_ANSWER):
        return
    node = explored.node(reached_state(problem, run))
    if node is None or node.id == problem.state:
        return
    found_at = problem.state
    problem.state = node.id
    if problem.finding is not None:
        problem.states = (node.id,)
        problem.also_at = tuple(s for s in (found_at, *problem.also_at) if s != node.id)


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
