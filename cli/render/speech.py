"""Console rendering of speech: the routing robustness of ``vcall explore --asr-robustness``."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from vcall.simulator.explore import Robustness

MAX_BROKEN_SHOWN = 3
"""Breaking variants listed per transition (the smallest changes first)."""


def print_robustness(
    console: Console, robustness: Robustness, minimum: float | None = None
) -> None:
    fragile = [t for t in robustness.transitions if t.broken]
    if fragile:
        table = Table(title="ASR robustness: routes that broke", title_justify="left")
        table.add_column("from")
        table.add_column("caller says", overflow="fold")
        table.add_column("kept", justify="right")
        table.add_column("broken by (smallest change → where the bot went)", overflow="fold")
        for transition in fragile:
            shown = sorted(transition.broken, key=lambda b: len(b.smallest.changes))
            lines = [
                f"{escape(b.smallest.text)} ({escape(b.smallest.label)}) → {escape(b.reached)}"
                for b in shown[:MAX_BROKEN_SHOWN]
            ]
            if len(shown) > MAX_BROKEN_SHOWN:
                lines.append(f"… and {len(shown) - MAX_BROKEN_SHOWN} more")
            table.add_row(
                transition.source,
                escape(transition.words),
                f"{transition.kept}/{transition.tried}",
                "\n".join(lines),
            )
        console.print(table)
    console.print(robustness_line(robustness, minimum))


def robustness_line(robustness: Robustness, minimum: float | None = None) -> str:
    count = len(robustness.transitions)
    line = (
        f"ASR robustness {robustness.score:.2f}: {robustness.tried} variants of {count} "
        f"speech transition(s) (K={robustness.variants_per_move}, seed {robustness.seed})"
    )
    if robustness.unfinished:
        line += f", {robustness.unfinished} not measured (time or count limit)"
    if minimum is not None and robustness.score < minimum:
        return f"[bold red]{line}: below --min-robustness {minimum:g}[/]"
    return line
