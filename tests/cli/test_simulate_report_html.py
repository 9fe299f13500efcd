"""``vcall simulate --report-html FILE``: the report is written next to the others."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from typer.testing import CliRunner

from vcall.cli.app import app

runner = CliRunner()
FIXTURES = Path(str(resources.files("vcall.fixtures")))


def simulate(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["simulate", "--example-bot", "--quiet", "--seed", "1", *args])
    return result.exit_code, result.stdout + result.stderr


def test_report_html_is_written_with_every_call(tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    code, _ = simulate(
        "-f",
        str(FIXTURES / "silence_reprompt_hangup.yaml"),
        "-f",
        str(FIXTURES / "transfer_to_agent.yaml"),
        "--report-html",
        str(report),
    )
    assert code == 0
    page = report.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>")
    assert page.count("<section class='call'") == 2
    assert "all 2 call(s) passed" in page


def test_unwritable_report_html_is_a_usage_error(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "report.html"
    code, output = simulate(
        "-f", str(FIXTURES / "silence_reprompt_hangup.yaml"), "--report-html", str(target)
    )
    assert code == 2
    assert f"the directory {target.parent}/ does not exist" in output
    assert "Traceback" not in output
