"""The shared findings renderer: summary line and table."""

from __future__ import annotations

from rich.console import Console

from vcall.cli.render.findings import findings_table, print_findings, summary_line
from vcall.simulator.findings import Finding, Severity

ERROR = Finding(
    "type-mismatch", Severity.ERROR, "data.mute_time", "mute_time: expected an integer", "seed"
)
WARNING = Finding("unknown-key", Severity.WARNING, "data.x", 'unknown key "x"', "seed")
BODY = Finding("body-empty", Severity.ERROR, "", "body is empty", "seed")


def test_summary_line_counts_each_severity() -> None:
    assert summary_line([]) == "valid"
    assert summary_line([WARNING]) == "valid (1 warning)"
    assert summary_line([ERROR]) == "1 error"
    assert summary_line([ERROR, BODY, WARNING]) == "2 errors, 1 warning"
    assert summary_line([ERROR, WARNING, WARNING]) == "1 error, 2 warnings"


def render(findings: list[Finding]) -> str:
    console = Console(width=200, record=True, color_system=None)
    print_findings(console, findings, title="answer.json")
    return console.export_text()


def test_table_has_a_row_per_finding_and_names_the_body() -> None:
    text = render([ERROR, BODY])
    assert "answer.json" in text
    assert "type-mismatch" in text and "data.mute_time" in text and "(body)" in text
    assert text.strip().splitlines()[-1] == "2 errors"


def test_no_findings_prints_only_the_summary() -> None:
    assert render([]).strip() == "valid"


def test_table_has_the_four_columns() -> None:
    table = findings_table([WARNING])
    assert [column.header for column in table.columns] == ["rule", "severity", "path", "message"]
