"""The text summary of ``vcall simulate --coverage``."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from vcall.simulator.explore import Coverage

MISSED_PRINTED = 20


def print_coverage(console: Console, coverage: Coverage) -> None:
    exercised = coverage.exercised
    console.print("[bold]Coverage[/]")
    console.print(f"  callback kinds: {escape(_counts(exercised.kinds))}")
    console.print(f"  actions: {escape(_counts(exercised.actions))}")
    if exercised.fields_missing:
        never = ", ".join(exercised.fields_missing)
        console.print(f"  answer fields your bot never set: {escape(never)}")
    for line in exercised.sentences():
        console.print(f"  [yellow]{escape(line)}[/]")
    covered = coverage.map
    if covered is None:
        return
    console.print(
        f"  map: {len(covered.states_reached)}/{covered.states} states "
        f"({covered.state_percent:.0f}%), {len(covered.edges_reached)}/"
        f"{covered.edges} edges ({covered.edge_percent:.0f}%)"
    )
    for missed in covered.missed_states[:MISSED_PRINTED]:
        moves = " → ".join(missed.moves) or "(the call's start)"
        console.print(f"  not reached: {escape(missed.what)}  [dim]by: {escape(moves)}[/]")
    hidden = len(covered.missed_states) - MISSED_PRINTED
    if hidden > 0:
        console.print(f"  … {hidden} more states not reached (all in the reports)")
    if covered.missed_edges:
        console.print(
            f"  {len(covered.missed_edges)} edge(s) not reached "
            "(each with its caller moves in the JSON and HTML reports)"
        )


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} ×{count}" for name, count in counts.items()) or "none"
