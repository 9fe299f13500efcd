"""``vcall load``: the summary, thresholds and their exit codes, bad options, Ctrl-C, the report."""

from __future__ import annotations

import json
import math
import re
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
    assert summary["calls"] == {
        "started": 3,
        "done": 3,
        "failed": 0,
        "crashed": 0,
        "cut_at_deadline": 0,
    }
    assert summary["callbacks"] > 3 and summary["error_rate"] == 0
    assert set(summary["latency_ms"]) == {"p50", "p90", "p95", "p99", "max", "mean"}
    assert summary["interrupted"] is False and summary["thresholds"] == []


def test_a_report_path_in_a_missing_directory_is_named_before_the_run(tmp_path: Path) -> None:
    report = tmp_path / "missing" / "load.json"
    result = vcall_load(*FAST, "--calls", "2", "--report-json", str(report))
    assert result.exit_code == ExitCode.USAGE
    assert f"the directory {tmp_path}/missing/ does not exist" in result.output
    assert "calls (" not in result.output, "nothing ran"


def test_the_run_is_announced_and_a_log_gets_progress_lines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from vcall.cli.commands import load as load_command

    monkeypatch.setattr(load_command, "PROGRESS_EVERY_S", 0.02)
    args = ["--example-bot", "-f", str(ORDER), "--as-fast-as-possible", "--calls", "400"]
    result = vcall_load(*args)
    assert result.exit_code == ExitCode.OK, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("load: 400 calls, up to 10 at a time, as fast as possible")
    progress = [line for line in lines if re.match(r"\d\d:\d\d · done \d+/400 · active", line)]
    assert progress, result.output
    assert "400 calls (0 failed)" in result.output


def test_plan_says_how_long_real_time_takes_and_when_concurrency_caps_the_rate() -> None:
    from vcall.cli.render.load import about, plan_lines
    from vcall.simulator.fixture.loader import load_scenarios
    from vcall.simulator.load import LoadConfig
    from vcall.simulator.load.estimate import LoadEstimate, estimate_load

    scenarios = load_scenarios(["builtin:"])
    config = LoadConfig(calls=1000, concurrency=100).checked()
    estimate = estimate_load(scenarios, config)
    assert 30 < estimate.mean_call_s < 60  # the shipped calls: ~47 s on average
    assert estimate.run_s == pytest.approx(
        999 / (100 / estimate.mean_call_s) + estimate.mean_call_s
    )
    (line,) = plan_lines(config, estimate)
    assert "1,000 calls, up to 100 at a time, in real time" in line
    assert f"~{estimate.mean_call_s:.0f} s for these fixtures" in line
    assert f"-> {about(estimate.run_s)}" in line and about(estimate.run_s).endswith(" min")
    capped = LoadConfig(duration_ms=15_000, rate=5, concurrency=10).checked()
    slow = estimate_load(scenarios, capped)
    assert slow.rate_capped and slow.run_s == 15
    warning = plan_lines(capped, slow)[1]
    assert f"--concurrency 10 sustains about {10 / slow.mean_call_s:.2g} new calls/s" in warning
    needed = math.ceil(5 * slow.mean_call_s)
    assert "not --rate 5/s" in warning and f"--concurrency {needed} keeps that rate" in warning
    enough = LoadConfig(duration_ms=15_000, rate=5, concurrency=300).checked()
    assert not estimate_load(scenarios, enough).rate_capped
    fast = LoadEstimate(47.0, None, 0.2, rate_capped=False)
    assert "as fast as possible" in plan_lines(config, fast)[0]


def test_an_endpoint_nobody_listens_on_is_one_line_and_exit_3() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/callback"
    result = vcall_load(url, "-f", str(ORDER), "--calls", "3", "--as-fast-as-possible")
    assert result.exit_code == ExitCode.UNREACHABLE, result.output
    assert result.stderr.splitlines() == [
        f"error: nothing listens on 127.0.0.1:{port} — is your bot running? ({url})"
    ]
    assert "latency (ms)" not in result.stdout


ERROR_PAGE_BOT = """\
async def app(scope, receive, send):
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 500, "headers": []})
    await send({"type": "http.response.body", "body": b"down"})
"""


def test_a_run_whose_calls_all_fail_exits_1_without_a_threshold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "load_error_page_bot.py").write_text(ERROR_PAGE_BOT, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    args = ["load_error_page_bot:app", "-f", str(ORDER), "--as-fast-as-possible", "-q"]
    result = vcall_load(*args, "--calls", "5")
    assert result.exit_code == ExitCode.FAILED, result.output
    assert "5 calls (5 failed)" in result.output
    assert "failed calls 5 of 5 is over the limit 0" in result.output


VARIANTS = Path(str(resources.files("vcall.fixtures"))) / "parcel_inquiry_asr_variants.yaml"


def test_asr_and_seed_reach_the_fixtures_as_in_simulate(monkeypatch: pytest.MonkeyPatch) -> None:
    """``--asr``/``--seed`` are given to the loader like ``simulate``'s (issue 15)."""
    from vcall.cli.commands import load as load_command

    seen: list[object] = []
    real = load_command.load_scenarios

    def spy(patterns: list[str], environ: object = None, options: object = None) -> object:
        seen.append(options)
        return real(patterns, options=options)  # type: ignore[arg-type]

    monkeypatch.setattr(load_command, "load_scenarios", spy)
    args = ["--example-bot", "-f", str(VARIANTS), "--as-fast-as-possible", "-q", "--calls", "3"]
    result = vcall_load(*args, "--asr", "fillers=0.5,seed=3", "--seed", "9")
    assert result.exit_code == ExitCode.OK, result.output
    options = seen[0]
    assert options.seed == 9
    assert options.asr.fillers == 0.5


def test_a_bad_asr_option_is_a_one_line_usage_error() -> None:
    result = vcall_load(*FAST, "--asr", "fillers=lots")
    assert result.exit_code == ExitCode.USAGE and "--asr" in result.output
    assert "Traceback" not in result.output


FOREIGN_BOT = '''
import json
from urllib.parse import parse_qs


def app(environ, start_response):
    """A valid bot of its own: it never plays what the shipped fixtures expect."""
    size = int(environ.get("CONTENT_LENGTH") or 0)
    form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(size).decode()).items()}
    action = "answer" if form["content_type"] == "callin" else "play"
    data = {"action": action, "action_code": "mine.wav", "call_id": form["call_id"]}
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps({"result": "success", "msg": "ok", "data": data}).encode()]
'''


def test_spec_only_against_a_foreign_bot_counts_no_expectation_and_passes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "foreign_load_bot.py").write_text(FOREIGN_BOT, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    common = ["foreign_load_bot:app", "-f", str(ORDER), "--as-fast-as-possible", "-q"]
    common += ["--calls", "3", "--max-violations", "0", "--report-json"]
    plain = vcall_load(*common, str(tmp_path / "plain.json"))
    assert plain.exit_code == ExitCode.OK, plain.output  # misses are not spec violations
    shown = re.search(r"0 spec violations · (\d+) fixture expectation misses", plain.output)
    report = json.loads((tmp_path / "plain.json").read_text(encoding="utf-8"))
    assert shown is not None and int(shown[1]) == report["expectation_misses"] > 0
    assert report["spec_violations"] == 0 and report["calls"]["failed"] == 3
    spec_only = vcall_load(*common, str(tmp_path / "spec.json"), "--spec-only")
    assert spec_only.exit_code == ExitCode.OK, spec_only.output
    assert "3 calls (0 failed)" in spec_only.output
    assert "0 fixture expectation misses (--spec-only: not checked)" in spec_only.output
