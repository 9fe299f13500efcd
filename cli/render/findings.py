"""Findings as a rich table and a one-line summary ("2 errors, 1 warning" / "valid")."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from vcall.cli.render.output import print_table
from vcall.simulator.findings import Finding, Severity, count_by_severity

_SEVERITY_STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
BODY_PATH = "(body)"
"""Shown in the path column for a finding on the body as a whole."""


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(findings: Iterable[Finding]) -> str:
    """``valid``, ``valid (1 warning)``, ``1 error`` or ``2 errors, 1 warning``."""
    counts = count_by_severity(findings)
    errors, warnings = counts[Severity.ERROR], counts[Severity.WARNING]
    if not errors:
        return f"valid ({_plural(warnings, 'warning')})" if warnings else "valid"
    return _plural(errors, "error") + (f", {_plural(warnings, 'warning')}" if warnings else "")


def summary_text(findings: Sequence[Finding]) -> Text:
    """The summary line, coloured by the worst severity."""
    counts = count_by_severity(findings)
    if counts[Severity.ERROR]:
        style = _SEVERITY_STYLES[Severity.ERROR]
    elif counts[Severity.WARNING]:
        style = _SEVERITY_STYLES[Severity.WARNING]
    else:
        style = "bold green"
    return Text(summary_line(findings), style=style)


def findings_table(findings: Iterable[Finding], *, title: str | None = None) -> Table:
    """One row per finding: rule, severity, path, message. Values are never read as markup."""
    table = Table(title=title, show_lines=False, expand=False, header_style="bold")
    table.add_column("rule", style="cyan", no_wrap=True)
    table.add_column("severity", no_wrap=True)
    table.add_column("path", style="magenta")
    table.add_column("message", overflow="fold")
    for finding in findings:
        table.add_row(
            Text(finding.rule),
            Text(finding.severity.value, style=_SEVERITY_STYLES[finding.severity]),
            Text(finding.path or BODY_PATH),
            Text(finding.message),
        )
    return table


def print_findings(
    console: Console, findings: Sequence[Finding], *, title: str | None = None
) -> None:
    """The table (when there are findings) followed by the summary line."""
    if findings:
        print_table(console, findings_table(findings, title=title))
    console.print(summary_text(findings))
