"""``vcall load``: the summary, thresholds and their exit codes, bad options, Ctrl-C, the report."""

from __future__ import annotations

import json
import socket
from importlib import resources
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from vcall.cli.app import app
from vcall.cli.exit_codes import ExitCode
from vcall.simulator.load.stats import LoadStats

ORDER = Path(str(resources.files("vcall.fixtures"))) / "inbound_order_inquiry.yaml"
FAST = ["--example-bot", "-f", str(ORDER), "--as-fast-as-possible", "-q"]


def vcall_load(*args: str) -> Result:
    return CliRunner().invoke(app, ["load", *args])


def test_a_clean_run_prints_its_summary_and_exits_0() -> None:
    result = vcall_load(*FAST, "--calls", "4", "-c", "2", "--max-violations", "0")
    assert result.exit_code == ExitCode.OK, result.output
    assert "4 calls (0 failed)" in result.output
    assert "0 spec violations" in result.output and "latency (ms) by content_type" in result.output


def test_a_breached_threshold_is_named_and_exits_1() -> None:
    result = vcall_load(*FAST, "--calls", "2", "--max-p99", "0ms", "--max-error-rate", "0.1%")
    assert result.exit_code == ExitCode.FAILED, result.output
    assert "threshold breached: p99 latency" in result.output
    assert "error rate" not in result.output.split("threshold breached")[-1], "only p99 breached"


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--max-error-rate", "lots", "--max-error-rate: 'lots' is not a rate"),
        ("--rate", "5000/s", "--rate 5000/s is outside"),
        ("--calls", "0", "--calls 0 is outside"),
        ("--concurrency", "20001", "--concurrency 20001 is outside"),
        ("--max-p99", "300", "--max-p99: '300' is not a duration"),
    ],
)
def test_a_bad_option_is_a_one_line_usage_error(option: str, value: str, message: str) -> None:
    result = vcall_load(*FAST, option, value)
    assert result.exit_code == ExitCode.USAGE
    assert message in result.output and "Traceback" not in result.output


def test_ctrl_c_mid_run_prints_the_partial_summary_and_exits_130(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fold = LoadStats.record_turn

    def interrupted_at_the_fifth(self: LoadStats, scenario: str, turn: object) -> None:
        if self.callbacks == 5:
            raise KeyboardInterrupt
        fold(self, scenario, turn)  # type: ignore[arg-type]

    monkeypatch.setattr(LoadStats, "record_turn", interrupted_at_the_fifth)
    result = vcall_load(*FAST, "--calls", "50", "-c", "1")
    assert result.exit_code == ExitCode.INTERRUPTED, result.output
    assert "5 callbacks" in result.output and "(interrupted: partial)" in result.output


def test_the_json_report_holds_the_figures(tmp_path: Path) -> None:
    report = tmp_path / "load.json"
    result = vcall_load(*FAST, "--calls", "3", "--report-json", str(report))
    assert result.exit_code == ExitCode.OK, result.output
    summary = json.loads(report.read_text(encoding="utf-8"))
    assert summary["calls"] == {"started": 3, "done": 3, "failed": 0, "cut_at_deadline": 0}
    assert summary["callbacks"] > 3 and summary["error_rate"] == 0
    assert set(summary["latency_ms"]) == {"p50", "p90", "p95", "p99", "max", "mean"}
    assert summary["interrupted"] is False and summary["thresholds"] == []


def test_a_run_whose_calls_all_fail_exits_1_without_a_threshold() -> None:
    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/callback"
    result = vcall_load(url, "-f", str(ORDER), "--as-fast-as-possible", "-q", "--calls", "5")
    assert result.exit_code == ExitCode.FAILED, result.output
    assert "5 calls (5 failed)" in result.output
    assert "failed calls 5 of 5 is over the limit 0" in result.output
