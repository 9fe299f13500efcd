"""``vcall explore --asr-robustness K --min-robustness X``: the table, the score, the exit code."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner, Result

from vcall.cli.app import app
from vcall.cli.exit_codes import ExitCode


def vcall(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [*map(str, args)], env={"COLUMNS": "250"})


def test_the_example_bots_routes_below_a_high_bar_fail_the_run(tmp_path: Path) -> None:
    report = tmp_path / "map.json"
    result = vcall(
        "explore", "--example-bot", "--asr-robustness", "3", "--min-robustness", "0.99",
        "--report-json", report,
    )  # fmt: skip
    assert result.exit_code == ExitCode.FAILED, result.output
    assert "ASR robustness routes that broke" in result.output.replace(":", "")
    assert "below --min-robustness 0.99" in result.output
    measured = json.loads(report.read_text("utf-8"))["asr_robustness"]
    assert measured["variants_per_move"] == 3
    assert 0 < measured["score"] < 0.99
    broken = [b for t in measured["transitions"] for b in t["broken"]]
    assert broken and all(b["smallest"] and b["reached"] for b in broken)


def test_a_low_bar_passes_and_the_html_report_has_the_section(tmp_path: Path) -> None:
    html = tmp_path / "map.html"
    result = vcall(
        "explore", "--example-bot", "--asr-robustness", "2", "--min-robustness", "0.1",
        "--report-html", html,
    )  # fmt: skip
    assert result.exit_code == ExitCode.OK, result.output
    assert "ASR robustness" in result.output
    page = html.read_text("utf-8")
    assert "<h2>ASR robustness 0." in page and "smallest change" in page


def test_min_robustness_alone_is_a_usage_error() -> None:
    result = vcall("explore", "--example-bot", "--min-robustness", "0.9")
    assert result.exit_code == ExitCode.USAGE
    assert "--min-robustness needs --asr-robustness" in result.output
