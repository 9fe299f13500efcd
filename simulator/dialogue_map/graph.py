"""The map an exploration draws: states (nodes) and the moves tried (which move, from which
state, leads where). Two states joined by one or more moves tried are one *edge* (what
``--coverage`` counts).

Plain data with a stable JSON form (the ``map`` of ``--report-json``, read back by
``vcall simulate --coverage``) and two text exports: Mermaid and DOT (``--graph FILE``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from vcall.simulator.dialogue_map.identity import Identity, StateKey
from vcall.simulator.dialogue_map.moves import Move, Situation
from vcall.simulator.text_safety import neutralize_controls

MAP_FORMAT = "vcall-explore-map/2"
MAP_FORMATS_READ = frozenset({"vcall-explore-map/1", MAP_FORMAT})
"""/1 named the moves tried ``transitions``; /2 names them ``moves``. Both are read."""


@dataclass(slots=True)
class Node:
    id: str
    key: StateKey
    depth: int
    path: tuple[Move, ...]
    """The shortest caller moves that reach it (breadth-first: the first found)."""
    situation: Situation
    final: bool = False
    """The call ends here (the bot hung up or transferred, or the caller hung up)."""
    expanded: bool = False
    visits: int = 0
    via_clean: bool = False
    via_error: bool = False
    problem: bool = False
    answer: dict[str, Any] | None = None
    """The answer ``data`` that first put a call here (``kept_answer``); ``None`` for states no
    answer names (the call's end, no answer) and in maps written before it was kept."""


@dataclass(slots=True)
class Edge:
    source: str
    move: str
    target: str
    count: int = 0
    errors: set[str] = field(default_factory=set)
    """Rules of the error findings seen on this move tried."""


@dataclass(slots=True)
class ExploreMap:
    identity: Identity
    nodes: dict[str, Node] = field(default_factory=dict)
    """By the state's key text."""
    edges: dict[tuple[str, str, str], Edge] = field(default_factory=dict)
    """By (source id, move label, target id)."""

    def node(self, key: StateKey) -> Node | None:
        return self.nodes.get(key.key)

    def add_node(
        self,
        key: StateKey,
        depth: int,
        path: tuple[Move, ...],
        situation: Situation,
        answer: dict[str, Any] | None = None,
    ) -> Node:
        node = Node(f"s{len(self.nodes)}", key, depth, path, situation, final=situation.ended)
        node.answer = answer
        self.nodes[key.key] = node
        return node

    def by_id(self) -> dict[str, Node]:
        return {node.id: node for node in self.nodes.values()}

    def add_edge(self, source: Node, move: Move, target: Node, errors: Iterable[str]) -> Edge:
        key = (source.id, move.label, target.id)
        edge = self.edges.get(key)
        if edge is None:
            edge = self.edges[key] = Edge(source.id, move.label, target.id)
        edge.count += 1
        edge.errors.update(errors)
        return edge

    def out_edges(self, node_id: str) -> list[Edge]:
        return [edge for edge in self.edges.values() if edge.source == node_id]

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": MAP_FORMAT,
            "identity": self.identity.value,
            "states": [_node_dict(node) for node in self.nodes.values()],
            "moves": [_edge_dict(edge) for edge in self.edges.values()],
        }


def _node_dict(node: Node) -> dict[str, Any]:
    return {
        "id": node.id,
        "key": node.key.key,
        "label": node.key.label,
        "action": node.key.action,
        "plays": list(node.key.plays),
        "keys": node.key.keys,
        "dynamic_id": node.key.dynamic_id,
        "depth": node.depth,
        "path": [move.label for move in node.path],
        "final": node.final,
        "expanded": node.expanded,
        "visits": node.visits,
        "problem": node.problem,
        "answer": node.answer,
    }


def _edge_dict(edge: Edge) -> dict[str, Any]:
    return {
        "from": edge.source,
        "move": edge.move,
        "to": edge.target,
        "count": edge.count,
        "errors": sorted(edge.errors),
    }


ANSWER_TEXT_MAX = 2048
"""A kept answer's string values are cut to this many characters (a map stays small)."""
NOT_KEPT = frozenset({"call_id"})
"""Fields of an answer a map does not keep: they change from call to call."""


def kept_answer(data: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """What a map keeps of the answer that made a state (``answer`` of each state in the
    JSON, additive to ``vcall-explore-map/2``): its ``data`` without the call id, as JSON values,
    long strings cut."""
    if data is None:
        return None
    return {str(name): _kept_value(value) for name, value in data.items() if name not in NOT_KEPT}


def _kept_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text[:ANSWER_TEXT_MAX]


# --- reading a saved map (coverage) ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SavedState:
    id: str
    key: str
    label: str
    path: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SavedMap:
    """A map read back from ``--report-json``: what coverage compares fixtures with."""

    identity: Identity
    states: tuple[SavedState, ...]
    moves: tuple[tuple[str, str, str], ...]
    """The moves tried: (from id, move label, to id)."""


def read_map(document: Mapping[str, Any], where: str) -> SavedMap:
    """The map in an explore JSON report (or a bare map); ``ValueError`` naming what is wrong."""
    body = document.get("map", document)
    if not isinstance(body, Mapping) or body.get("format") not in MAP_FORMATS_READ:
        raise ValueError(f"{where}: not a map from vcall explore (no {MAP_FORMAT!r} format)")
    try:
        identity = Identity(str(body.get("identity")))
        states = tuple(
            SavedState(str(s["id"]), str(s["key"]), str(s["label"]), tuple(s.get("path", ())))
            for s in body["states"]
        )
        listed = body["moves"] if "moves" in body else body["transitions"]
        moves = tuple((str(t["from"]), str(t["move"]), str(t["to"])) for t in listed)
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"{where}: a malformed map ({error})") from None
    return SavedMap(identity, states, moves)


# --- text exports ------------------------------------------------------------------------------


def to_mermaid(explored: ExploreMap) -> str:
    lines = ["flowchart TD"]
    for node in explored.nodes.values():
        shape = ("([", "])") if node.final else ("[", "]")
        lines.append(f'  {node.id}{shape[0]}"{_mermaid_text(node.key.label)}"{shape[1]}')
    for edge in explored.edges.values():
        label = _mermaid_text(_edge_label(edge))
        lines.append(f'  {edge.source} -->|"{label}"| {edge.target}')
    problems = [node.id for node in explored.nodes.values() if node.problem]
    if problems:
        lines.append("  classDef problem fill:#fdd,stroke:#c00,color:#900")
        lines.append(f"  class {','.join(problems)} problem")
    return "\n".join(lines) + "\n"


def to_dot(explored: ExploreMap) -> str:
    lines = ["digraph vcall {", "  rankdir=TB;", '  node [shape=box, fontname="sans-serif"];']
    for node in explored.nodes.values():
        attrs = [f"label={_dot_text(node.key.label)}"]
        if node.final:
            attrs.append("style=rounded")
        if node.problem:
            attrs.append('color="#cc0000", fontcolor="#990000"')
        lines.append(f"  {node.id} [{', '.join(attrs)}];")
    for edge in explored.edges.values():
        color = ', color="#cc0000"' if edge.errors else ""
        lines.append(
            f"  {edge.source} -> {edge.target} [label={_dot_text(_edge_label(edge))}{color}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def _edge_label(edge: Edge) -> str:
    return f"{edge.move} ×{edge.count}" if edge.count > 1 else edge.move


def _mermaid_text(text: str) -> str:
    return neutralize_controls(text.replace('"', "#quot;").replace("\n", " "))


def _dot_text(text: str) -> str:
    return json.dumps(neutralize_controls(text), ensure_ascii=False)
