"""``vcall.locust``: a headless Locust master and two workers drive ``vcall example-bot``.

Run as subprocesses (importing Locust would monkey-patch this test process with gevent); skipped
when Locust is not installed (``pip install 'vcall[locust]'``; CI installs it).
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("locust") is None, reason="Locust is not installed (vcall[locust])"
)

SHIPPED = Path(str(resources.files("vcall.fixtures")))
RUN_S = "2s"


@pytest.fixture(scope="module")
def bot_url() -> Iterator[str]:
    """``vcall example-bot`` on a free loopback port, stopped after the module."""
    command = [sys.executable, "-m", "vcall", "example-bot", "--port", "0"]
    bot = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert bot.stdout is not None
        line = bot.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+/callback)", line)
        assert match, f"no callback URL in {line!r}"
        yield match.group(1)
    finally:
        bot.terminate()
        bot.wait(timeout=10)


def _locustfile(folder: Path, url: str | None) -> Path:
    """The three-line locustfile (``url`` None: no ``host``, it comes from ``--host``)."""
    path = folder / "locustfile.py"
    host = f"    host = {url!r}\n" if url else ""
    path.write_text(
        "from vcall.locust import SmartCallUser\n\n\n"
        "class Calls(SmartCallUser):\n"
        f"    fixtures = [{str(SHIPPED)!r}]\n"
        f"{host}"
        "    realtime = False\n",
        encoding="utf-8",
    )
    return path


def _locust(folder: Path, url: str | None, *options: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "locust", "-f", str(_locustfile(folder, url)), "--headless"]
    command += ["-u", "6", "-r", "6", "-t", RUN_S, "--only-summary", *options]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=folder)


def test_master_and_two_workers_agree_with_vcall_and_a_breach_fails_the_run(
    tmp_path: Path, bot_url: str
) -> None:
    stats_file, vcall_file = tmp_path / "locust.json", tmp_path / "vcall.json"
    run = _locust(
        tmp_path,
        bot_url,
        "--processes",
        "2",
        "--json-file",
        str(tmp_path / "locust"),
        "--vcall-report-json",
        str(vcall_file),
        "--vcall-max-p99",
        "1ms",
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "vcall summary (2 workers)" in run.stdout
    assert "threshold breached: p99 latency" in run.stdout
    entries = json.loads(stats_file.read_text(encoding="utf-8"))
    summary = json.loads(vcall_file.read_text(encoding="utf-8"))
    callbacks = sum(e["num_requests"] for e in entries if e["method"] != "call")
    calls = sum(e["num_requests"] for e in entries if e["method"] == "call")
    assert callbacks == summary["callbacks"] > 50
    assert calls == summary["calls"]["done"]
    assert {e["method"] for e in entries} >= {"callin", "normal", "dtmf", "call"}
    assert sum(e["num_failures"] for e in entries) == 0
    assert summary["violations_by_rule"] == {} and summary["errors_by_rule"] == {}


def test_one_process_with_the_host_from_the_command_line_passes_its_thresholds(
    tmp_path: Path, bot_url: str
) -> None:
    options = ("--host", bot_url, "--vcall-max-violations", "0", "--vcall-max-p99", "5s")
    run = _locust(tmp_path, None, *options)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "vcall summary (this process)" in run.stdout
    assert "0 spec violations" in run.stdout


def test_a_bad_threshold_is_one_line_and_exit_2(tmp_path: Path, bot_url: str) -> None:
    run = _locust(tmp_path, bot_url, "--vcall-max-error-rate", "lots")
    assert run.returncode == 2
    assert "vcall: --vcall-max-error-rate: 'lots' is not a rate" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_missing_fixture_is_one_line_and_exit_2(tmp_path: Path, bot_url: str) -> None:
    path = _locustfile(tmp_path, bot_url)
    path.write_text(path.read_text(encoding="utf-8").replace(str(SHIPPED), "nowhere.yaml"))
    command = [sys.executable, "-m", "locust", "-f", str(path), "--headless", "-t", "1s"]
    run = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert run.returncode == 2
    assert "vcall: nowhere.yaml: no such fixture file" in run.stderr
    assert "Traceback" not in run.stderr
