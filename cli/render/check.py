"""The console renderer of ``vcall check``: findings of every call once, then behaviour × verdict
with the most severe finding of each placement, then the count line (in behaviours)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from vcall.cli.render.output import print_table
from vcall.cli.render.transcript import indent_lines
from vcall.simulator.explore.check import CheckResult, Verdict
from vcall.simulator.explore.check_summary import (
    Recurring,
    counts,
    finding_text,
    recurring_findings,
    row_detail,
    row_finding_parts,
    wrong_path_of,
)
from vcall.simulator.findings import Severity
from vcall.simulator.text_safety import neutralize_controls

_STYLE = {
    Verdict.PASSED: "green",
    Verdict.FAILED: "bold red",
    Verdict.NO_ANSWER: "yellow",
    Verdict.NOT_REACHED: "dim",
    Verdict.NOT_RUN: "yellow",
    Verdict.NOT_OFFERED: "dim",
}
_SEVERITY_STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "dim"}


def check_table(result: CheckResult, recurring: tuple[Recurring, ...] = ()) -> Table:
    table = Table(title=f"vcall check {escape(result.target)}", title_justify="left")
    table.add_column("behaviour")
    for placement in result.placements:
        table.add_column(placement.value)
    table.add_column("most severe finding", overflow="fold")
    for row in result.behaviours:
        cells = [
            Text(row.verdict(p).value, style=_STYLE.get(row.verdict(p), "dim"))
            for p in result.placements
        ]
        detail = Text()
        parts = row_finding_parts(row, result.placements, recurring)
        for label, finding in parts:
            if detail:
                detail.append("; ")
            detail.append(f"{label}: " if label else "")
            detail.append(finding_text(finding), style=_SEVERITY_STYLE[finding.severity])
        rest = row.note() if parts else row_detail(row, result.placements, recurring)
        if rest:
            detail.append("; " if detail else "")
            detail.append(rest)
        table.add_row(Text(row.name), *cells, detail)
    return table


def print_app_output(console: Console, result: CheckResult, *, verbose: bool) -> None:
    """An in-process app's own output (prints, logs, tracebacks), kept per call apart from the
    table: in full under ``--verbose``, else one line saying where it is."""
    calls = [
        (row.name, placement.value, call)
        for row in result.behaviours
        for placement, call in row.calls.items()
        if call.app_output
    ]
    if not calls:
        return
    if not verbose:
        console.print(
            Text(
                f"the app wrote output during {len(calls)} call(s): --verbose shows it, "
                "and the JSON/HTML reports keep it",
                style="dim",
            )
        )
        return
    for name, placement, call in calls:
        console.print(
            Text(f"app output · {name} [{placement}] · call_id {call.call_id}", style="dim")
        )
        for entry in call.app_output:
            console.print(
                Text(indent_lines(neutralize_controls(entry, keep_newlines=True), "    "))
            )


def print_check(console: Console, result: CheckResult, *, verbose: bool = False) -> None:
    found = wrong_path_of(result)
    if found is not None:  # one line, not a table of identical 404s
        console.print(Text(found.line, style="bold red"))
        return
    recurring = recurring_findings(result)
    for item in recurring:
        style = _SEVERITY_STYLE[item.finding.severity]
        console.print(Text(item.line(result.placements), style=style))
    print_table(console, check_table(result, recurring))
    print_app_output(console, result, verbose=verbose)
    line = counts(result).line
    note = result.placement_note()
    if note:
        console.print(f"[yellow]note[/]: {escape(note)}")
    offered = result.direction_note()
    if offered:
        console.print(f"[yellow]not offered[/]: {escape(offered)}")
    if result.run.interrupted:
        console.print(f"[yellow]interrupted[/]: {escape(line)}")
    elif result.failed:
        console.print(Text(line, style="bold red"))
    else:
        console.print(Text(line, style="bold green"))
