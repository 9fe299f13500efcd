"""``vcall explore --asr-robustness K --min-robustness X``: the table, the score, the exit code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

from vcall.cli.app import app
from vcall.cli.commands.explore import ASR_VARIANTS
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


def _robustness(report: Path) -> dict[str, Any]:
    measured: dict[str, Any] = json.loads(report.read_text("utf-8"))["asr_robustness"]
    return measured


def test_asr_robustness_alone_plays_the_default_number_of_variants(tmp_path: Path) -> None:
    report = tmp_path / "map.json"
    result = vcall(
        "explore", "--example-bot", "--max-depth", "1", "--asr-robustness", "--report-json", report
    )
    assert result.exit_code == ExitCode.OK, result.output
    measured = _robustness(report)
    assert measured["variants_per_move"] == ASR_VARIANTS == 10
    assert f"(K={ASR_VARIANTS}," in result.output


def test_asr_robustness_with_k_sets_it(tmp_path: Path) -> None:
    report = tmp_path / "map.json"
    result = vcall(
        "explore", "--example-bot", "--max-depth", "1", "--asr-robustness", "4",
        "--report-json", report,
    )  # fmt: skip
    assert result.exit_code == ExitCode.OK, result.output
    assert _robustness(report)["variants_per_move"] == 4


def test_the_option_after_a_bare_asr_robustness_is_not_taken_as_k(tmp_path: Path) -> None:
    found = tmp_path / "found"
    result = vcall(
        "explore", "--example-bot", "--asr-robustness", "--save", found, "--max-depth", "1",
    )  # fmt: skip
    assert result.exit_code == ExitCode.OK, result.output
    assert "(K=10," in result.output
    assert found.is_dir() and list(found.glob("asr-*.yaml"))


def test_help_shows_k_as_optional() -> None:
    result = vcall("explore", "--help")
    assert result.exit_code == ExitCode.OK
    assert "--asr-robustness" in result.output and "[K]" in result.output
    assert "alone: 10" in result.output


def test_the_same_seed_gives_the_same_variants_and_scores_on_two_runs(tmp_path: Path) -> None:
    reports = [tmp_path / "one.json", tmp_path / "two.json"]
    for report in reports:
        result = vcall(
            "explore", "--example-bot", "--max-depth", "1", "--asr-robustness", "3",
            "--seed", "11", "--report-json", report,
        )  # fmt: skip
        assert result.exit_code == ExitCode.OK, result.output
    first, second = map(_robustness, reports)
    assert first == second
    assert first["seed"] == 11 and first["transitions"] and first["score"] < 1.0
    assert first["unfinished"] == 0  # none left out for time: the whole measure is compared
    heard = [b["heard"] for t in first["transitions"] for b in t["broken"]]
    assert heard  # the variants themselves are compared, not only the score
