"""Reports of a diff: JSON, Markdown (a pull-request comment) and a self-contained HTML page
with the two maps side by side, the states a change touches highlighted. Written atomically."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

import vcall
from vcall.simulator.atomic import write_atomic
from vcall.simulator.dialogue_map import (
    Edge,
    ExploreMap,
    Identity,
    Move,
    MoveKind,
    Node,
    Situation,
    StateKey,
)
from vcall.simulator.diff.align import Change
from vcall.simulator.diff.result import DiffResult
from vcall.simulator.diff.sides import Side, State
from vcall.simulator.explore import EXPLORE_CSS, map_svg

REPORT_VERSION = 1
START = "(the call's start)"


def diff_to_dict(result: DiffResult) -> dict[str, Any]:
    return {
        "report_version": REPORT_VERSION,
        "vcall": vcall.__version__,
        "kind": "diff",
        "old": _side(result.old),
        "new": _side(result.new),
        "summary": result.summary(),
        "behavioural_changes": len(result.behavioural),
        "new_problems": len(result.new_problems),
        "fixed_problems": len(result.fixed_problems),
        "ignored": list(result.ignore),
        "partial": result.partial,
        "changes": [_change(change) for change in result.changes],
        "saved": [str(path) for path in result.saved],
        "wall_ms": round(result.wall_s * 1000, 3),
    }


def _side(side: Side) -> dict[str, Any]:
    return {"source": side.label, "states": len(side.states), "stopped": side.stopped or None}


def _change(change: Change) -> dict[str, Any]:
    return {
        "kind": change.kind.value,
        "moves": list(change.path),
        "what": change.what,
        "old_state": _state(change.old),
        "new_state": _state(change.new),
        "fields": [{"field": f.field, "old": f.old, "new": f.new} for f in change.fields],
        "move": change.move or None,
        "problem": (
            {"kind": change.problem.kind, "rule": change.problem.rule}
            if change.problem is not None
            else None
        ),
    }


def _state(state: State | None) -> dict[str, Any] | None:
    if state is None:
        return None
    return {"id": state.id, "label": state.label, "dynamic_id": state.dynamic_id}


def write_diff_json(result: DiffResult, path: Path | str) -> None:
    write_atomic(path, json.dumps(diff_to_dict(result), ensure_ascii=False, indent=2) + "\n")


# --- Markdown ----------------------------------------------------------------------------------


def diff_markdown(result: DiffResult) -> str:
    """A pull-request comment: the summary, then one table row per change."""
    lines = [
        "### vcall diff",
        "",
        f"`{_md(result.old.label)}` → `{_md(result.new.label)}`: **{_md(result.summary())}**",
        "",
    ]
    lines.extend(f"> partial: {_md(note)}" for note in result.partial)
    if result.changes:
        lines += ["| change | caller moves | what |", "|---|---|---|"]
        lines += [
            f"| {_md(c.noun)} | {_md(' → '.join(c.path) or START)} | {_md(c.what)} |"
            for c in result.changes
        ]
    lines.append("")
    return "\n".join(lines)


def _md(text: str) -> str:
    """Plain text in a Markdown table cell: ``<n>`` (a masked number) would be read as HTML."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("|", "\\|").replace("\n", " ")


def write_diff_markdown(result: DiffResult, path: Path | str) -> None:
    write_atomic(path, diff_markdown(result))


# --- HTML --------------------------------------------------------------------------------------

_DIFF_CSS = ".sides{display:grid;grid-template-columns:1fr 1fr;gap:16px}.sides h3{margin:4px 0}"


def diff_html(result: DiffResult) -> str:
    ok = not result.changes
    verdict = escape(result.summary())
    old_marks, new_marks = _marks(result)
    rows = [
        f'<tr><td>{escape(c.noun)}</td><td class="moves">{escape(" → ".join(c.path) or START)}</td>'
        f"<td>{escape(c.what)}</td></tr>"
        for c in result.changes
    ]
    table = (
        "<table><tr><th>change</th><th>caller moves</th><th>what</th></tr>"
        + "".join(rows)
        + "</table>"
        if rows
        else "<p>No change.</p>"
    )
    notes = "".join(f'<p class="legend">partial: {escape(n)}</p>' for n in result.partial)
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>vcall diff</title><style>{EXPLORE_CSS}{_DIFF_CSS}</style></head><body>",
            f'<header><h1>vcall diff</h1><span class="meta">{escape(result.old.label)} → '
            f"{escape(result.new.label)}</span>",
            f'<span class="verdict {"pass" if ok else "fail"}">{verdict}</span></header><main>',
            f"<section><h2>Changes</h2>{notes}{table}</section>",
            '<section><h2>Maps</h2><p class="legend">Old on the left, new on the right; states a '
            "change touches are outlined in orange (hover for what changed).</p>"
            '<div class="sides">'
            f'<div><h3>old</h3><div class="picture">{map_svg(side_map(result.old), old_marks)}</div></div>'
            f'<div><h3>new</h3><div class="picture">{map_svg(side_map(result.new), new_marks)}</div></div>'
            "</div></section>",
            f'<p class="legend">vcall {escape(vcall.__version__)}</p></main></body></html>',
        ]
    )


def _marks(result: DiffResult) -> tuple[dict[str, str], dict[str, str]]:
    old: dict[str, str] = {}
    new: dict[str, str] = {}
    for change in result.changes:
        if change.old is not None:
            old[change.old.id] = old.get(change.old.id, "") + f"{change.noun}: {change.what}\n"
        if change.new is not None:
            new[change.new.id] = new.get(change.new.id, "") + f"{change.noun}: {change.what}\n"
    return old, new


def side_map(side: Side) -> ExploreMap:
    """A side drawn as an explore map (what ``map_svg`` draws)."""
    try:
        identity = Identity(side.identity)
    except ValueError:
        identity = Identity.NORMAL
    drawn = ExploreMap(identity)
    for state in side.states.values():
        key = StateKey(state.action, state.plays, state.keys, state.dynamic_id)
        path = tuple(_move(label) for label in state.path)
        node = Node(state.id, key, state.depth, path, Situation(ended=state.final), state.final)
        node.problem = state.problem
        drawn.nodes[key.key + "\0" + state.id] = node
    for source, moves in side.moves.items():
        for label, target in moves.items():
            drawn.edges[(source, label, target)] = Edge(source, label, target, count=1)
    return drawn


def _move(label: str) -> Move:
    kind = next((k for k in MoveKind if label.startswith(k.value)), MoveKind.SAY)
    return Move(kind, label, ())


def write_diff_html(result: DiffResult, path: Path | str) -> None:
    write_atomic(path, diff_html(result))
