"""Coverage of a fixture suite: what a ``vcall simulate`` run exercised.

Without a map: which callback kinds the suite sent, which actions the bot answered with and
which answer fields it set ("no fixture sends your bot a timebreak"). With a map from
``vcall explore`` (``--coverage MAP.json``): which of its states and edges (state → state) the
fixtures reached, and for each one missed the caller moves that reach it.

A fixture call is followed through the map's states exactly as the explorer follows its own
calls (:mod:`.identity`, the same masking); an edge counts as reached when the call went from
its state to its target, whatever the step.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vcall.simulator.dialogue_map import (
    BOT_ENDINGS,
    OPENING,
    Identity,
    SavedMap,
    SavedState,
    StateKey,
    end_state,
    is_no_change,
    read_map,
    state_of,
    usable_data,
)
from vcall.simulator.errors import UsageError
from vcall.simulator.explore.driver import NO_ANSWER_STATE
from vcall.simulator.fixture import EndReason
from vcall.simulator.replay import CallResult, RunResult
from vcall.simulator.spec import ACTIONS, RESPONSE_FIELDS, CallbackKind

SKIPPED_FIELDS = frozenset({"call_id", "action"})
"""Answer fields every answer has: not worth listing as exercised."""
EXERCISED_ONLY = "exercised"
"""``--coverage exercised``: no map, only what the suite exercised."""


@dataclass(frozen=True, slots=True)
class Exercised:
    """What the suite exercised at all, with counts."""

    kinds: dict[str, int]
    actions: dict[str, int]
    fields: dict[str, int]

    @property
    def kinds_missing(self) -> list[str]:
        return [kind.value for kind in CallbackKind if kind.value not in self.kinds]

    @property
    def actions_missing(self) -> list[str]:
        return [name for name in ACTIONS if name not in self.actions]

    @property
    def fields_missing(self) -> list[str]:
        return [
            name
            for name in RESPONSE_FIELDS
            if name not in self.fields and name not in SKIPPED_FIELDS
        ]

    def sentences(self) -> list[str]:
        """Plain remarks: what no fixture does."""
        lines = [f"no fixture sends your bot a {kind}" for kind in self.kinds_missing]
        if self.actions_missing:
            lines.append(f"your bot never answered with: {', '.join(self.actions_missing)}")
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {
            "callback_kinds": self.kinds,
            "callback_kinds_missing": self.kinds_missing,
            "actions": self.actions,
            "actions_missing": self.actions_missing,
            "answer_fields": self.fields,
            "answer_fields_missing": self.fields_missing,
        }


@dataclass(frozen=True, slots=True)
class Missed:
    what: str
    """A state's label, or ``s3 → s7`` for an edge."""
    moves: tuple[str, ...]
    """The caller moves from the call's start that reach it."""


@dataclass(slots=True)
class MapCoverage:
    states: int
    edges: int
    """Distinct (state, next state) pairs of the map, its *edges*: a fixture step is not a
    caller move, so what counts is where a call went, not by which move (explore's "moves
    tried" are (state, move) pairs: several moves tried may share one edge)."""
    states_reached: list[str] = field(default_factory=list)
    edges_reached: list[tuple[str, str, str]] = field(default_factory=list)
    missed_states: list[Missed] = field(default_factory=list)
    missed_edges: list[Missed] = field(default_factory=list)

    @property
    def state_percent(self) -> float:
        return 100.0 * len(self.states_reached) / self.states if self.states else 100.0

    @property
    def edge_percent(self) -> float:
        return 100.0 * len(self.edges_reached) / self.edges if self.edges else 100.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "states": self.states,
            "states_reached": len(self.states_reached),
            "states_percent": round(self.state_percent, 1),
            "edges": self.edges,
            "edges_reached": len(self.edges_reached),
            "edges_percent": round(self.edge_percent, 1),
            "missed_states": [
                {"state": m.what, "moves": list(m.moves)} for m in self.missed_states
            ],
            "missed_edges": [{"edge": m.what, "moves": list(m.moves)} for m in self.missed_edges],
        }


@dataclass(frozen=True, slots=True)
class Coverage:
    exercised: Exercised
    map: MapCoverage | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "exercised": self.exercised.to_dict(),
            "map": self.map.to_dict() if self.map else None,
        }


def load_map(spec: str) -> SavedMap | None:
    """``--coverage``'s value: a map file, or ``exercised`` for none."""
    if spec == EXERCISED_ONLY:
        return None
    path = Path(spec)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(
            f"--coverage {spec}: no such file (a map from vcall explore --report-json, or 'exercised')"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"--coverage {spec}: cannot read: {error}") from None
    except json.JSONDecodeError as error:
        raise UsageError(f"--coverage {spec}:{error.lineno}: not JSON: {error.msg}") from None
    if not isinstance(document, dict):
        raise UsageError(f"--coverage {spec}: not a map from vcall explore")
    try:
        return read_map(document, spec)
    except ValueError as error:
        raise UsageError(f"--coverage {error}") from None


def coverage_of(run: RunResult, saved: SavedMap | None) -> Coverage:
    return Coverage(exercised_by(run.calls), map_coverage(run.calls, saved) if saved else None)


def exercised_by(calls: Iterable[CallResult]) -> Exercised:
    kinds: Counter[str] = Counter()
    actions: Counter[str] = Counter()
    fields: Counter[str] = Counter()
    for call in calls:
        for turn in call.turns:
            kinds[turn.callback.kind.value] += 1
            data = turn.data or {}
            if turn.action:
                actions[turn.action] += 1
            fields.update(key for key in data if key not in SKIPPED_FIELDS)
    return Exercised(dict(kinds), dict(actions), dict(fields))


def map_coverage(calls: Iterable[CallResult], saved: SavedMap) -> MapCoverage:
    by_key = {state.key: state for state in saved.states}
    by_id = {state.id: state for state in saved.states}
    seen_states: set[str] = set()
    seen_pairs: set[tuple[str, str]] = set()
    for call in calls:
        keys = [key.key for key in call_states(call, saved.identity)]
        ids = [by_key[key].id if key in by_key else "" for key in keys]
        seen_states.update(i for i in ids if i)
        seen_pairs.update(itertools.pairwise(ids))
    pairs: dict[tuple[str, str], str] = {}
    for source, move, target in saved.moves:
        pairs.setdefault((source, target), move)
    coverage = MapCoverage(len(saved.states), len(pairs))
    for state in saved.states:
        if state.id in seen_states:
            coverage.states_reached.append(state.id)
        else:
            coverage.missed_states.append(Missed(f"{state.id} {state.label}", state.path))
    for (source, target), move in pairs.items():
        if (source, target) in seen_pairs:
            coverage.edges_reached.append((source, move, target))
        else:
            coverage.missed_edges.append(_missed_edge(by_id, source, move, target))
    return coverage


def _missed_edge(by_id: dict[str, SavedState], source: str, move: str, target: str) -> Missed:
    start = by_id.get(source)
    path = (*start.path, move) if start else (move,)
    return Missed(f"{source} → {target}", path)


def call_states(call: CallResult, identity: Identity) -> list[StateKey]:
    """The state a played call was in after its start and after each later callback, in order
    (a state held over several callbacks repeats), and the end if nobody's answer ended it."""
    turns = call.turns
    states: list[StateKey] = []
    current: StateKey | None = None
    if call.scenario.call.smartcall and not any(
        t.callback.kind is CallbackKind.CALLIN for t in turns
    ):
        voice = str(call.scenario.call.smartcall.get("VoiceCode", ""))
        current = StateKey(OPENING, (voice,) if voice else ())
        states.append(current)
    for turn in turns:
        data = usable_data(turn)
        if turn.callback.kind is CallbackKind.CALLIN:
            current = NO_ANSWER_STATE if data is None else state_of(data, identity)
        elif not is_no_change(data, current):
            assert data is not None
            current = state_of(data, identity)
        if current is not None:
            states.append(current)
    reason = call.end_reason
    if reason is EndReason.END_OF_SCENARIO:  # the caller hung up once the steps ran out
        reason = EndReason.CALLER_HANGUP
    if reason is not None and reason not in BOT_ENDINGS:
        states.append(end_state(reason))
    return states


# --- HTML ---------------------------------------------------------------------------------------

MISSED_SHOWN = 50


def coverage_html(coverage: Coverage) -> str:
    """A section for the HTML report (styled by the report's own ``section.call`` rules)."""
    parts = ["<section class='call coverage'><h2>Coverage</h2><div class='transcript'>"]
    exercised = coverage.exercised
    parts.append(f"<p>Callback kinds sent: {_e(_counts(exercised.kinds))}</p>")
    parts.append(f"<p>Actions answered: {_e(_counts(exercised.actions))}</p>")
    parts.append(f"<p>Answer fields set: {_e(_counts(exercised.fields))}</p>")
    parts.extend(f"<p class='finding warning'>{_e(line)}</p>" for line in exercised.sentences())
    covered = coverage.map
    if covered is not None:
        parts.append(
            f"<p><b>Map</b>: {len(covered.states_reached)} of {covered.states} states "
            f"({covered.state_percent:.0f}%), {len(covered.edges_reached)} of "
            f"{covered.edges} edges ({covered.edge_percent:.0f}%) reached.</p>"
        )
        parts.append(_missed_table("State not reached", covered.missed_states))
        parts.append(_missed_table("Edge not reached", covered.missed_edges))
    parts.append("</div></section>")
    return "".join(parts)


def _missed_table(what: str, missed: list[Missed]) -> str:
    if not missed:
        return ""
    rows = "".join(
        f"<tr><td>{_e(m.what)}</td><td>{_e(' → '.join(m.moves) or '(the call’s start)')}</td></tr>"
        for m in missed[:MISSED_SHOWN]
    )
    more = f"<p>… and {len(missed) - MISSED_SHOWN} more</p>" if len(missed) > MISSED_SHOWN else ""
    return (
        f"<table class='summary'><tr><th>{what}</th><th>caller moves that reach it</th></tr>"
        f"{rows}</table>{more}"
    )


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} ×{count}" for name, count in counts.items()) or "none"


def _e(text: str) -> str:
    from html import escape

    return escape(text, quote=True)
