"""One side of a diff: the map and problems of one version of a bot, read from an explore
report (``vcall explore --report-json``) or from an exploration just run, in one form.

A live exploration is read through the same JSON form a saved report has
(``explore_to_dict``), so a bot diffed against its own saved map and against itself read alike.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vcall.simulator.dialogue_map import MAP_FORMAT, MAP_FORMATS_READ
from vcall.simulator.errors import UsageError

if TYPE_CHECKING:
    from vcall.simulator.explore import ExploreResult
    from vcall.simulator.replay import Target

PROBLEM_SECTIONS: tuple[str, ...] = ("problems",)
"""The lists of problems a report holds, each compared between versions. The hook for
property violations (``--properties``): a report section of the same shape (``kind``, ``rule``,
``state``, ``moves``, ``summary``) named here is diffed as problems are."""

PROPERTIES = "properties"
"""The report section ``vcall explore --properties`` writes: each property's outcome; those
``violated`` are compared between versions as problems are (kind ``property``, rule its name)."""
VIOLATED = "violated"

Prompt = tuple[str, tuple[str, ...], str]
"""What a caller experiences of a state, ``dynamic_id`` aside: action, what it plays, key
settings. States of two versions have no shared ids; they are matched by this and by paths."""


@dataclass(frozen=True, slots=True)
class State:
    id: str
    action: str
    plays: tuple[str, ...]
    keys: str
    dynamic_id: str
    depth: int
    path: tuple[str, ...]
    """The shortest caller moves that reach it (move labels)."""
    final: bool = False
    expanded: bool = True
    problem: bool = False
    answer: Mapping[str, Any] | None = None
    """The answer ``data`` that made the state (``None`` in maps written before it was kept)."""

    @property
    def prompt(self) -> Prompt:
        return (self.action, self.plays, self.keys)

    @property
    def label(self) -> str:
        plays = " + ".join(self.plays)
        return f"{self.action}: {plays}" if plays else self.action


@dataclass(frozen=True, slots=True)
class SideProblem:
    section: str
    kind: str
    rule: str
    state: str
    moves: tuple[str, ...]
    summary: str


@dataclass(slots=True)
class Side:
    """One version: its states by id, where each move leads from each state, its problems."""

    label: str
    identity: str
    states: dict[str, State]
    moves: dict[str, dict[str, str]]
    """Source id -> move label -> target id (the target seen most often)."""
    problems: tuple[SideProblem, ...] = ()
    stopped: str = ""
    """Why the exploration stopped early (a bound), empty when it mapped everything."""
    document: dict[str, Any] = field(default_factory=dict)
    """The explore report it was read from (what the HTML draws)."""
    result: ExploreResult | None = None
    """The exploration itself when this side was explored now (what ``--save`` plays on)."""
    target: Target | None = None
    """The target explored (``None`` for a saved map)."""

    @property
    def root(self) -> State | None:
        return next((s for s in self.states.values() if not s.path), None)

    def prompts(self) -> dict[Prompt, State]:
        """Each prompt with the state showing it that is nearest the call's start."""
        found: dict[Prompt, State] = {}
        for state in sorted(self.states.values(), key=lambda s: (s.depth, s.path)):
            found.setdefault(state.prompt, state)
        return found


def side_from_result(result: ExploreResult, target: Target | None = None) -> Side:
    from vcall.simulator.explore import explore_to_dict

    side = side_from_document(explore_to_dict(result), result.target)
    side.result = result
    side.target = target
    return side


def read_side(path: Path) -> Side:
    """A saved explore report (or bare map); ``UsageError`` naming the file and what is wrong."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise UsageError(f"{path}: cannot read ({error.strerror or error})") from None
    except ValueError as error:
        raise UsageError(f"{path}: not JSON ({error})") from None
    if not isinstance(document, dict):
        raise UsageError(f"{path}: not a report from vcall explore --report-json")
    return side_from_document(document, str(path))


def side_from_document(document: Mapping[str, Any], where: str) -> Side:
    body = document.get("map", document)
    if not isinstance(body, Mapping) or body.get("format") not in MAP_FORMATS_READ:
        raise UsageError(f"{where}: not a map from vcall explore (no {MAP_FORMAT!r} format)")
    try:
        states = {str(s["id"]): _state(s) for s in body["states"]}
        listed = body["moves"] if "moves" in body else body["transitions"]
        moves = _moves(listed)
        problems = tuple(
            _problem(section, p)
            for section in PROBLEM_SECTIONS
            for p in document.get(section) or ()
            if isinstance(p, Mapping)
        ) + tuple(_violations(document.get(PROPERTIES) or ()))
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise UsageError(f"{where}: a malformed map ({error!r})") from None
    target = str(document.get("target") or where)
    stopped = str(document.get("stopped") or "")
    return Side(target, str(body.get("identity")), states, moves, problems, stopped, dict(document))


def _state(s: Mapping[str, Any]) -> State:
    answer = s.get("answer")
    return State(
        id=str(s["id"]),
        action=str(s.get("action", "")),
        plays=tuple(str(p) for p in s.get("plays", ())),
        keys=str(s.get("keys", "")),
        dynamic_id=str(s.get("dynamic_id", "")),
        depth=int(s.get("depth", 0)),
        path=tuple(str(m) for m in s.get("path", ())),
        final=bool(s.get("final", False)),
        expanded=bool(s.get("expanded", True)),
        problem=bool(s.get("problem", False)),
        answer=dict(answer) if isinstance(answer, Mapping) else None,
    )


def _moves(listed: Any) -> dict[str, dict[str, str]]:
    counts: dict[tuple[str, str], tuple[int, str]] = {}
    for edge in listed:
        key = (str(edge["from"]), str(edge["move"]))
        count = int(edge.get("count", 1))
        if key not in counts or count > counts[key][0]:
            counts[key] = (count, str(edge["to"]))
    moves: dict[str, dict[str, str]] = {}
    for (source, move), (_, target) in counts.items():
        moves.setdefault(source, {})[move] = target
    return moves


def _problem(section: str, p: Mapping[str, Any]) -> SideProblem:
    return SideProblem(
        section,
        str(p.get("kind", "")),
        str(p.get("rule") or ""),
        str(p.get("state", "")),
        tuple(str(m) for m in p.get("moves", ())),
        str(p.get("summary", "")),
    )


def _violations(outcomes: Any) -> list[SideProblem]:
    found = []
    for outcome in outcomes:
        if not isinstance(outcome, Mapping) or outcome.get("verdict") != VIOLATED:
            continue
        states = [str(state) for state in outcome.get("states") or ()]
        claim = str(outcome.get("claim") or outcome.get("name") or "")
        reason = str(outcome.get("reason") or "")
        found.append(
            SideProblem(
                PROPERTIES,
                "property",
                str(outcome.get("name") or ""),
                states[0] if states else "",
                tuple(str(m) for m in outcome.get("moves") or ()),
                f"{claim}: {reason}" if reason else claim,
            )
        )
    return found
