"""``vcall load --ramp``, ``--report-csv`` and ``--report-html``: shapes and the run over time."""

from __future__ import annotations

import csv
import json
import re
from importlib import resources
from pathlib import Path

from click.testing import Result
from typer.testing import CliRunner

from vcall.cli.app import app
from vcall.cli.exit_codes import ExitCode

ORDER = Path(str(resources.files("vcall.fixtures"))) / "inbound_order_inquiry.yaml"
FAST = ["--example-bot", "-f", str(ORDER), "--as-fast-as-possible", "-q"]


def vcall_load(*args: str) -> Result:
    return CliRunner().invoke(app, ["load", *args])  # type: ignore[return-value]


def test_a_ramp_runs_until_its_last_point_and_the_csv_adds_up(tmp_path: Path) -> None:
    series, summary = tmp_path / "series.csv", tmp_path / "summary.json"
    result = vcall_load(
        *FAST,
        "--ramp",
        "0:10/s,1s:30/s,1.5s:30/s",
        "--report-csv",
        str(series),
        "--report-json",
        str(summary),
    )
    assert result.exit_code == ExitCode.OK, result.output
    report = json.loads(summary.read_text(encoding="utf-8"))
    assert 1.4 < report["wall_ms"] / 1000 < 8.0
    assert report["calls"]["started"] == 35  # (10 + 30) / 2 * 1 s + 30/s * 0.5 s
    rows = list(csv.DictReader(series.open(encoding="utf-8")))
    assert len(rows) >= 2
    assert sum(int(row["callbacks"]) for row in rows) == report["callbacks"]
    assert sum(int(row["calls_started"]) for row in rows) == 35
    first_s = float(rows[0]["t_s"])  # about 1 s; later when the machine is busy
    due = 10 * first_s + 10 * first_s**2 if first_s <= 1 else 20 + 30 * (first_s - 1)
    assert int(rows[0]["calls_started"]) <= due + 1  # never ahead of the ramp


def test_the_html_report_is_self_contained_with_three_charts(tmp_path: Path) -> None:
    page_file = tmp_path / "load.html"
    result = vcall_load(*FAST, "--calls", "6", "--report-html", str(page_file))
    assert result.exit_code == ExitCode.OK, result.output
    page = page_file.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>")
    assert page.count("<svg class='chart'") == 3
    assert "6 calls" in page and "Answer latency by content_type" in page
    assert re.search(r"(src|href)=['\"]?http", page) is None  # nothing to fetch
    assert "<script" not in page


def test_a_breach_shows_in_the_html_report(tmp_path: Path) -> None:
    page_file = tmp_path / "load.html"
    result = vcall_load(*FAST, "--calls", "2", "--max-p99", "0ms", "--report-html", str(page_file))
    assert result.exit_code == ExitCode.FAILED
    page = page_file.read_text(encoding="utf-8")
    assert "threshold breached: p99 latency" in page and "verdict fail" in page


def test_a_bad_ramp_is_a_usage_error_naming_the_point() -> None:
    result = vcall_load(*FAST, "--ramp", "0:10/s,1m:lots")
    assert result.exit_code == ExitCode.USAGE
    assert "--ramp point 2 '1m:lots'" in result.output
    assert "Traceback" not in result.output


def test_an_unwritable_csv_is_a_usage_error_before_the_run(tmp_path: Path) -> None:
    result = vcall_load(*FAST, "--calls", "1", "--report-csv", str(tmp_path / "no" / "s.csv"))
    assert result.exit_code == ExitCode.USAGE
    assert "--report-csv" in result.output and "does not exist" in result.output
