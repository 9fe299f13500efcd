"""Rendering of ``--update-expectations``: the diff of each fixture file, then a summary line."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from vcall.simulator.golden import GoldenPlan


def print_golden_plan(console: Console, plan: GoldenPlan, *, dry_run: bool) -> None:
    for update in plan.updates:
        for line in update.diff.splitlines():
            console.print(_styled(line), soft_wrap=True)
    for note in plan.skipped:
        console.print(f"[yellow]left as it is[/] {escape(note)}", soft_wrap=True)
    files = len(plan.updates)
    if not files:
        console.print("expectations: nothing to update")
        return
    verb = "would update" if dry_run else "updated"
    console.print(f"expectations: {verb} {plan.changed} value(s) in {files} fixture file(s)")


def _styled(line: str) -> str:
    text = escape(line)
    if line.startswith(("+++", "---")):
        return f"[bold]{text}[/]"
    if line.startswith("+"):
        return f"[green]{text}[/]"
    if line.startswith("-"):
        return f"[red]{text}[/]"
    if line.startswith("@@"):
        return f"[cyan]{text}[/]"
    return text
