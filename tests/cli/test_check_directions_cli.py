"""``vcall check --inbound-only / --outbound-only``: inbound and outbound calls are separate
services (seed 000: the inbound service is enabled on its own), so the other direction is "not
offered", never failed."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import Result
from typer.testing import CliRunner

from vcall.cli.app import app
from vcall.cli.exit_codes import ExitCode


def vcall(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [*map(str, args)], env={"COLUMNS": "250"})


def test_inbound_only_reports_outbound_as_not_offered(tmp_path: Path) -> None:
    report = tmp_path / "check.json"
    args = ("check", "--example-bot", "--params", "form", "--inbound-only", "--seed", "3")
    result = vcall(*args, "--report-json", report)
    assert result.exit_code == ExitCode.OK, result.output
    assert "not offered" in result.output and "(--inbound-only)" in result.output
    document = json.loads(report.read_text(encoding="utf-8"))
    rows = {row["name"]: row for row in document["check"]["behaviours"]}
    assert rows["outbound"]["verdicts"] == {"form": "not offered"}
    assert rows["outbound"]["most_severe"] is None
    assert rows["speech"]["verdicts"] == {"form": "passed"}
    assert "serves inbound calls only" in document["check"]["not_offered"]
    names = [call["name"] for call in document["calls"]]
    assert "outbound" not in names and "speech" in names
    ids = [call["call_id"] for call in document["calls"]]
    assert len(ids) == len(set(ids))


def test_outbound_only_plays_outbound_behaviours_only(tmp_path: Path) -> None:
    report = tmp_path / "check.json"
    result = vcall("check", "--example-bot", "--outbound-only", "--report-json", report)
    assert result.exit_code == ExitCode.OK, result.output
    calls = json.loads(report.read_text(encoding="utf-8"))["calls"]
    assert calls and all(call["turns"][0]["callback"]["content_type"] != "callin" for call in calls)


def test_both_only_options_are_a_usage_error() -> None:
    result = vcall("check", "--example-bot", "--inbound-only", "--outbound-only")
    assert result.exit_code == ExitCode.USAGE
    assert "--inbound-only and --outbound-only exclude each other" in result.output
    assert "Traceback" not in result.output
