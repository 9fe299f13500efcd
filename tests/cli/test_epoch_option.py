"""``--epoch``: every call's clock starts at a fixed instant (byte-identical reports); without it
a call starts at the wall-clock time, as ``timestamp`` is the current time (seed 001, "当前时间戳")."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from typer.testing import CliRunner

from vcall.cli.app import app
from vcall.cli.exit_codes import ExitCode

EPOCH_MS = 1_763_700_000_000


def vcall(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [*map(str, args)], env={"COLUMNS": "250"})  # type: ignore[return-value]


def _first_stamps(report: Path) -> list[int]:
    """Each call's Unix time at its start (its first callback's ``timestamp`` less its offset)."""
    calls: list[dict[str, Any]] = json.loads(report.read_text(encoding="utf-8"))["calls"]
    firsts = [call["turns"][0]["callback"] for call in calls if call["turns"]]
    return [int(first["timestamp"]) - int(first["at_ms"]) for first in firsts]


def test_simulate_with_an_epoch_starts_every_call_there(tmp_path: Path) -> None:
    report = tmp_path / "run.json"
    args = ("simulate", "--example-bot", "-f", "builtin:inbound_order_inquiry", "--seed", "1")
    result = vcall(*args, "--epoch", "2025-11-21T12:40:00+08:00", "--report-json", report)
    assert result.exit_code == ExitCode.OK, result.output
    assert _first_stamps(report) == [EPOCH_MS]
    first = report.read_text(encoding="utf-8")
    assert vcall(*args, "--epoch", str(EPOCH_MS), "--report-json", report).exit_code == 0
    calls = [json.loads(text)["calls"] for text in (first, report.read_text(encoding="utf-8"))]
    for call in calls:
        for turn in call[0]["turns"]:
            turn["response"].pop("latency_ms")
        call[0].pop("wall_ms")
    assert calls[0] == calls[1]  # everything the bot was sent, byte for byte


def test_without_an_epoch_a_call_starts_now(tmp_path: Path) -> None:
    report = tmp_path / "run.json"
    before = int(time.time() * 1000)
    result = vcall("check", "--example-bot", "--params", "form", "--report-json", report)
    assert result.exit_code == ExitCode.OK, result.output
    stamps = _first_stamps(report)
    assert stamps and all(before <= stamp <= int(time.time() * 1000) for stamp in stamps)


def test_check_with_an_epoch(tmp_path: Path) -> None:
    report = tmp_path / "check.json"
    result = vcall("check", "--example-bot", "--epoch", str(EPOCH_MS), "--report-json", report)
    assert result.exit_code == ExitCode.OK, result.output
    assert set(_first_stamps(report)) == {EPOCH_MS}


@pytest.mark.parametrize(
    "command",
    [
        ("simulate", "--example-bot", "-f", "builtin:inbound_order_inquiry"),
        ("load", "--example-bot", "-f", "builtin:inbound_order_inquiry", "--calls", "1"),
        ("check", "--example-bot"),
        ("explore", "--example-bot"),
    ],
)
def test_a_bad_epoch_is_a_one_line_usage_error(command: tuple[str, ...]) -> None:
    result = vcall(*command, "--epoch", "last tuesday")
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "--epoch: 'last tuesday' is not Unix time in ms" in result.output
    assert "Traceback" not in result.output
