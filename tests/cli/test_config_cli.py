"""``vcall config`` and configuration reaching the commands: command line > env > file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from vcall.cli.app import app
from vcall.cli.exit_codes import ExitCode

EXAMPLE_APP = "vcall.simulator.example_bot:app"


def vcall(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200", **(env or {})})


@pytest.fixture
def configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "vcall.toml").write_text(
        f'target = "{EXAMPLE_APP}"\ntimeout = "3s"\n\n[check]\nconcurrency = 2\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    for name in ("VCALL_TARGET", "VCALL_TIMEOUT", "VCALL_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def effective(result: Result) -> dict[str, tuple[object, str]]:
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["settings"]
    return {row["key"]: (row["value"], row["source"]) for row in rows}


def test_check_runs_against_the_configured_target(configured: Path) -> None:
    result = vcall("check", "--report-json", "check.json")
    assert result.exit_code == ExitCode.OK, result.output
    assert json.loads((configured / "check.json").read_text(encoding="utf-8"))["check"]


def test_command_line_beats_environment_beats_file(configured: Path) -> None:
    shown = effective(vcall("config", "check", "--format", "json"))
    assert shown["timeout"] == ("3s", "vcall.toml:2")
    assert shown["concurrency"] == (2, "vcall.toml:5")
    assert shown["seed"] == (None, "default")
    shown = effective(vcall("config", "check", "--format", "json", env={"VCALL_TIMEOUT": "4s"}))
    assert shown["timeout"] == ("4s", "env VCALL_TIMEOUT")
    broken = {"VCALL_TIMEOUT": "soon"}
    assert vcall("check", env=broken).exit_code == ExitCode.USAGE  # the environment's value used
    assert "soon" in vcall("check", env=broken).output
    assert vcall("check", "--timeout", "3s", env=broken).exit_code == ExitCode.OK  # typed wins


def test_example_bot_on_the_command_line_wins_over_a_configured_target(configured: Path) -> None:
    (configured / "vcall.toml").write_text(
        'target = "http://127.0.0.1:9/nothing"\n', encoding="utf-8"
    )
    result = vcall("check", "--example-bot")
    assert result.exit_code == ExitCode.OK, result.output


def test_an_unknown_key_is_one_line_and_exit_2(configured: Path) -> None:
    (configured / "vcall.toml").write_text('target = "x:y"\ntimout = "3s"\n', encoding="utf-8")
    result = vcall("check")
    assert result.exit_code == ExitCode.USAGE
    assert "vcall.toml:2: unknown key 'timout' (did you mean 'timeout'?)" in result.output
    assert "Traceback" not in result.output


def test_an_unknown_option_in_a_section_names_the_command(configured: Path) -> None:
    (configured / "vcall.toml").write_text("[explore]\nmax_deph = 3\n", encoding="utf-8")
    result = vcall("explore", "--example-bot")
    assert result.exit_code == ExitCode.USAGE
    assert "[explore] has no option 'max_deph' (did you mean 'max_depth'?)" in result.output


def test_config_overview_lists_the_file_and_its_values(configured: Path) -> None:
    result = vcall("config")
    assert result.exit_code == 0, result.output
    assert f"configuration file: {configured / 'vcall.toml'}" in result.output
    assert f"target = {EXAMPLE_APP}  (vcall.toml:1)" in result.output
    assert "[check] concurrency = 2  (vcall.toml:5)" in result.output


def test_config_of_an_unknown_command_is_a_usage_error(configured: Path) -> None:
    result = vcall("config", "chekc")
    assert result.exit_code == ExitCode.USAGE and "no command 'chekc'" in result.output
