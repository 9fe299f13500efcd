"""The console renderer of ``vcall diff``: the summary line, then one row per change with the
caller moves that show it."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from vcall.simulator.diff import DiffResult

START = "(the call's start)"


def print_diff(console: Console, result: DiffResult) -> None:
    old, new = result.old, result.new
    console.print(
        f"Compared {escape(old.label)} ({len(old.states)} states) with {escape(new.label)} "
        f"({len(new.states)} states), {result.wall_s:.1f} s"
    )
    for note in result.partial:
        console.print(f"[yellow]partial[/]: {escape(note)} (changes beyond it are not seen)")
    if result.changes:
        table = Table(show_header=True, header_style="bold", expand=False)
        table.add_column("#", justify="right")
        table.add_column("change")
        table.add_column("caller moves")
        table.add_column("what")
        for index, change in enumerate(result.changes, start=1):
            moves = " → ".join(change.path) or START
            table.add_row(str(index), change.noun, escape(moves), escape(change.what))
        console.print(table)
    for path in result.saved:
        console.print(f"saved {escape(str(path))}")
    colour = "green" if not result.changes else "red"
    console.print(f"[bold {colour}]{escape(result.summary())}[/]")
