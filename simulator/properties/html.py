"""The properties in ``explore --report-html``: a table, and the map's states that break a
property (and those on its counterexample path) highlighted by a stylesheet over the SVG."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from vcall.simulator.dialogue_map import ExploreMap
from vcall.simulator.properties.model import PropertyOutcome, Verdict

VIOLATING = "#7b1fa2"
CLASSES = {Verdict.HOLDS: "", Verdict.VIOLATED: "problem", Verdict.NOT_CHECKED: "warning"}


def path_states(outcome: PropertyOutcome, explored: ExploreMap) -> list[str]:
    """The states the counterexample passes through, from the call's start."""
    if outcome.through:
        return list(outcome.through)
    by_path = {tuple(m.label for m in node.path): node.id for node in explored.nodes.values()}
    labels = [move.label for move in outcome.path]
    found = [
        by_path[tuple(labels[:n])] for n in range(len(labels) + 1) if tuple(labels[:n]) in by_path
    ]
    return list(dict.fromkeys(found))


def properties_section(outcomes: Sequence[PropertyOutcome], explored: ExploreMap) -> str:
    if not outcomes:
        return ""
    rows = []
    violating: set[str] = set()
    on_path: set[str] = set()
    for outcome in outcomes:
        prop = outcome.property
        if outcome.violated:
            violating.update(outcome.states)
            on_path.update(path_states(outcome, explored))
        moves = " → ".join(m.label for m in outcome.path)
        moves += " (shrunk)" if outcome.shrunk else ""
        states = ", ".join(outcome.states)
        rows.append(
            f"<tr><td>{escape(prop.name)}<br><small>{escape(prop.describe())}</small></td>"
            f'<td class="{CLASSES[outcome.verdict]}">{escape(outcome.verdict.value)}</td>'
            f"<td>{escape(states)}</td><td>{escape(outcome.reason)}</td>"
            f'<td class="moves">{escape(moves)}</td></tr>'
        )
    style = _highlight(violating, on_path - violating)
    legend = (
        "States that break a property are drawn with a thick purple border on the map; the states "
        "a counterexample passes through, with a dashed one."
    )
    return (
        f"<style>{style}</style><section><h2>Properties</h2>"
        f'<p class="legend">{legend}</p><table><tr><th>property</th><th>verdict</th>'
        "<th>states</th><th>why</th><th>shortest caller moves</th></tr>"
        + "".join(rows)
        + "</table></section>"
    )


def _highlight(violating: set[str], on_path: set[str]) -> str:
    rules = []
    if violating:
        selector = ",".join(f"g.state#{state} rect" for state in sorted(violating))
        rules.append(f"{selector}{{stroke:{VIOLATING};stroke-width:4}}")
    if on_path:
        selector = ",".join(f"g.state#{state} rect" for state in sorted(on_path))
        rules.append(f"{selector}{{stroke:{VIOLATING};stroke-width:2;stroke-dasharray:5 3}}")
    return "".join(rules)
