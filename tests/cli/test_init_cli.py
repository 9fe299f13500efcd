"""``vcall init``: an empty folder becomes a project whose generated tests pass."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from vcall.cli.app import app
from vcall.cli.exit_codes import ExitCode


def test_init_then_the_generated_tests_pass_against_the_example_bot(tmp_path: Path) -> None:
    project = tmp_path / "bot"
    result = CliRunner().invoke(app, ["init", str(project), "--target", "http://127.0.0.1:9/cb"])
    assert result.exit_code == ExitCode.OK, result.output
    assert f"wrote {project / 'vcall.toml'}" in result.output
    assert "next:" in result.output and "pytest tests/test_calls.py" in result.output
    env = {**os.environ, "VCALL_TARGET": "vcall.simulator.example_bot:app"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_calls.py"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 passed" in run.stdout


def test_the_generated_tests_fail_against_a_bot_that_is_not_there(tmp_path: Path) -> None:
    project = tmp_path / "bot"
    CliRunner().invoke(app, ["init", str(project), "--target", "http://127.0.0.1:9/cb"])
    env = {k: v for k, v in os.environ.items() if k != "VCALL_TARGET"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_calls.py"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1, run.stdout + run.stderr  # the configured URL: nothing listens


def test_init_twice_keeps_what_the_team_edited(tmp_path: Path) -> None:
    CliRunner().invoke(app, ["init", str(tmp_path)])
    config = tmp_path / "vcall.toml"
    config.write_text('target = "mine:app"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["init", str(tmp_path)])
    assert result.exit_code == ExitCode.OK
    assert config.read_text(encoding="utf-8") == 'target = "mine:app"\n'
    assert "kept" in result.output and "not overwritten" in result.output
