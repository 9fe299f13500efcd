"""The console rendering of dialogue properties (``vcall explore``): one row per property."""

from __future__ import annotations

from collections.abc import Sequence

from rich.markup import escape
from rich.table import Table

from vcall.simulator.properties import PROPERTY_RULE, PropertyOutcome, Verdict
from vcall.simulator.replay import RunResult

COLOURS = {Verdict.HOLDS: "green", Verdict.VIOLATED: "bold red", Verdict.NOT_CHECKED: "yellow"}
MAX_STATES = 6


def properties_table(outcomes: Sequence[PropertyOutcome]) -> Table:
    table = Table(title="Properties", title_justify="left", show_lines=False)
    table.add_column("property", overflow="fold")
    table.add_column("verdict")
    table.add_column("where, why", overflow="fold")
    table.add_column("shortest caller moves", overflow="fold")
    for outcome in outcomes:
        prop = outcome.property
        detail = outcome.reason
        if outcome.states:
            states = ", ".join(outcome.states[:MAX_STATES])
            more = len(outcome.states) - MAX_STATES
            states += f" and {more} more" if more > 0 else ""
            detail = f"at {states}: {detail}"
        if outcome.saved:
            detail += f" (saved {outcome.saved})"
        moves = " → ".join(move.label for move in outcome.path) or (
            "" if not outcome.violated else "(the call's start)"
        )
        moves += " (shrunk)" if outcome.shrunk else ""
        colour = COLOURS[outcome.verdict]
        table.add_row(
            f"{escape(prop.name)}\n[dim]{escape(prop.describe())}[/]",
            f"[{colour}]{outcome.verdict.value}[/]",
            escape(detail),
            escape(moves),
        )
    return table


def violated_count(outcomes: Sequence[PropertyOutcome]) -> int:
    return sum(1 for outcome in outcomes if outcome.violated)


def run_property_lines(outcomes: Sequence[PropertyOutcome]) -> list[str]:
    """The properties judged once per run (``reachable`` in ``simulate`` and ``tap``), one
    plain line each."""
    return [
        f"property {o.property.name!r} ({o.property.describe()}): {o.verdict.value}: {o.reason}"
        for o in outcomes
    ]


def call_property_lines(run: RunResult) -> list[str]:
    """``simulate --properties``: each property a call broke, one plain line (the call's
    transcript was printed before the properties were checked)."""
    return [
        f"{call.scenario.name}: {finding.message}"
        for call in run.calls
        for finding in call.call_findings
        if finding.rule == PROPERTY_RULE
    ]
