"""The console renderer of ``vcall check``: behaviour × verdict, with the first finding of each."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from vcall.simulator.explore.check import CheckResult, Verdict

_STYLE = {
    Verdict.PASSED: "green",
    Verdict.FAILED: "bold red",
    Verdict.NO_ANSWER: "yellow",
    Verdict.NOT_REACHED: "dim",
    Verdict.NOT_RUN: "yellow",
    Verdict.NOT_OFFERED: "dim",
}


def check_table(result: CheckResult) -> Table:
    table = Table(title=f"vcall check {escape(result.target)}", title_justify="left")
    table.add_column("behaviour")
    for placement in result.placements:
        table.add_column(placement.value)
    table.add_column("first finding", overflow="fold")
    for row in result.behaviours:
        verdicts = [row.verdict(p) for p in result.placements]
        cells = [f"[{_STYLE[v]}]{v.value}[/]" for v in verdicts]
        finding = row.first_finding()
        text = f"{finding.severity.value} {finding.rule}: {finding.message}" if finding else ""
        note = row.note()
        detail = escape("; ".join(part for part in (text, note) if part))
        table.add_row(escape(row.name), *cells, detail)
    return table


def print_check(console: Console, result: CheckResult) -> None:
    console.print(check_table(result))
    rows = [(r, r.verdict(p)) for r in result.behaviours for p in result.placements]
    failed = sum(1 for _, v in rows if v is Verdict.FAILED)
    passed = sum(1 for _, v in rows if v is Verdict.PASSED)
    skipped = sum(1 for _, v in rows if v is Verdict.NOT_REACHED)
    not_run = sum(1 for _, v in rows if v is Verdict.NOT_RUN)
    unanswered = sum(1 for _, v in rows if v is Verdict.NO_ANSWER)
    line = f"{passed} passed, {failed} failed"
    line += f", {unanswered} no answer" if unanswered else ""
    line += f", {skipped} not reached"
    line += f", {not_run} not run" if not_run else ""
    not_offered = sum(1 for _, v in rows if v is Verdict.NOT_OFFERED)
    line += f", {not_offered} not offered" if not_offered else ""
    line += f" ({len(result.behaviours)} behaviours)"
    note = result.placement_note()
    if note:
        console.print(f"[yellow]note[/]: {escape(note)}")
    offered = result.direction_note()
    if offered:
        console.print(f"[yellow]not offered[/]: {escape(offered)}")
    if result.run.interrupted:
        console.print(f"[yellow]interrupted[/]: {line}")
    elif result.failed:
        console.print(f"[bold red]{line}[/]")
    else:
        console.print(f"[bold green]{line}[/]")
