"""``vcall simulate`` with the fixture-format options: --asr, --update-expectations, --dry-run;
``vcall fixtures check`` on fixtures that make many calls."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from click.testing import Result
from typer.testing import CliRunner

from vcall.cli.app import app
from vcall.cli.exit_codes import ExitCode

SHIPPED = Path(str(resources.files("vcall.fixtures")))
STALE = """\
# Prompts changed; this fixture has not caught up yet.
name: 道别
media: {welcome.wav: 4s, goodbye.wav: 2s}
steps:
  - wait: playback
  - say: 好的，没有了，谢谢
    expect:
      action: play          # the bot hangs up now
      action_code: bye.wav
"""


def vcall(*args: str | Path) -> Result:
    return CliRunner().invoke(app, list(map(str, args)), env={"COLUMNS": "250"})  # type: ignore[return-value]


def stale_fixture(tmp_path: Path) -> Path:
    path = tmp_path / "bye.yaml"
    path.write_text(STALE, encoding="utf-8")
    return path


def test_dry_run_prints_the_diff_and_writes_nothing(tmp_path: Path) -> None:
    path = stale_fixture(tmp_path)
    result = vcall(
        "simulate", "--example-bot", "-f", path, "-q", "--update-expectations", "--dry-run"
    )
    assert result.exit_code == ExitCode.FAILED, result.output
    assert "-      action: play          # the bot hangs up now" in result.stdout
    assert "+      action: hangup        # the bot hangs up now" in result.stdout
    assert "+      action_code: goodbye.wav" in result.stdout
    assert "expectations: would update 2 value(s) in 1 fixture file(s)" in result.stdout
    assert path.read_text(encoding="utf-8") == STALE


def test_update_expectations_rewrites_the_file_and_the_next_run_passes(tmp_path: Path) -> None:
    path = stale_fixture(tmp_path)
    result = vcall("simulate", "--example-bot", "-f", path, "-q", "--update-expectations")
    assert result.exit_code == ExitCode.FAILED, result.output
    assert "expectations: updated 2 value(s) in 1 fixture file(s)" in result.stdout
    assert "# Prompts changed; this fixture has not caught up yet." in path.read_text("utf-8")
    again = vcall("simulate", "--example-bot", "-f", path, "-q", "--update-expectations")
    assert again.exit_code == ExitCode.OK, again.output
    assert "expectations: nothing to update" in again.stdout


def test_dry_run_without_update_expectations_is_a_usage_error(tmp_path: Path) -> None:
    result = vcall("simulate", "--example-bot", "-f", stale_fixture(tmp_path), "--dry-run")
    assert result.exit_code == ExitCode.USAGE
    assert "--dry-run goes with --update-expectations" in result.output
    assert "Traceback" not in result.output


def test_asr_on_the_command_line_changes_the_words_and_shows_both(tmp_path: Path) -> None:
    path = stale_fixture(tmp_path)
    result = vcall("simulate", "--example-bot", "-f", path, "--asr", "punctuation=drop,seed=3")
    assert "“好的没有了谢谢”" in result.stdout
    assert "written “好的，没有了，谢谢”" in result.stdout


def test_a_fixture_asr_off_wins_over_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "off.yaml"
    path.write_text(STALE.replace("steps:", "asr: off\nsteps:"), encoding="utf-8")
    result = vcall("simulate", "--example-bot", "-f", path, "--asr", "punctuation=drop")
    assert "“好的，没有了，谢谢”" in result.stdout and "written" not in result.stdout


def test_a_bad_asr_option_is_a_usage_error(tmp_path: Path) -> None:
    result = vcall("simulate", "--example-bot", "-f", stale_fixture(tmp_path), "--asr", "fillers=2")
    assert result.exit_code == ExitCode.USAGE
    assert "--asr.fillers: '2' is not a probability from 0 to 1" in result.output


def test_the_shipped_variants_fixture_runs_every_combination() -> None:
    fixture = SHIPPED / "parcel_inquiry_asr_variants.yaml"
    result = vcall("simulate", "--example-bot", "-f", fixture, "-q", "--strict")
    assert result.exit_code == ExitCode.OK, result.output
    assert "6 passed, 0 failed" in result.stdout


def test_fixtures_check_counts_the_calls_and_reports_expansion_errors(tmp_path: Path) -> None:
    many = tmp_path / "many.yaml"
    sentences = ", ".join(f"第{i}句" for i in range(20))
    many.write_text(f"name: 多\nsteps:\n  - say: [{sentences}]\n  - say: [{sentences}]\n", "utf-8")
    result = vcall("fixtures", "check", SHIPPED / "parcel_inquiry_asr_variants.yaml", many)
    assert result.exit_code == ExitCode.FAILED
    assert "(6 calls)" in result.stdout
    assert (
        f"{many}:3: variants: all would make 400 calls (20 × 20), over the limit" in result.stdout
    )
