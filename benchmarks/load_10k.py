"""Ten thousand concurrent calls at a realistic pace in one ``vcall load`` process (issue 6).

Run from a clean checkout (after ``pip install -e '.[test]'``)::

    python benchmarks/load_10k.py

It starts the reference endpoint (``benchmarks/reference_endpoint.py``, uvicorn, one worker) on a
free loopback port, then runs ``vcall load --realtime`` with 10,000 calls of the 87-second
``benchmarks/fixtures_long/eighty_second_call.yaml`` started at 1000 calls/s: after the 10 s
ramp every call is under way at once, each paced on the wall clock (its callbacks leave when the
simulated call reaches them). It measures the peak resident memory of the vcall process and the
lateness of its callbacks against their scheduled times (p99, from ``--report-json``). About two
minutes; the endpoint is stopped at the end. The last line is the figure; the targets are a
peak RSS of at most 300 MB and a lateness p99 of at most 50 ms::

    10k calls: peak RSS 143 MB (target <= 300 MB), lateness p99 1.283 ms (target <= 50 ms)
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from server import free_port, running_endpoint

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures_long" / "eighty_second_call.yaml"
CALLS = 10_000
RATE = 1000
CALLBACKS_PER_CALL = 11
TIME_LIMIT_S = 300
TARGET_RSS_MB = 300
TARGET_LATENESS_MS = 50


def allow_open_files(wanted: int) -> None:
    """Ten thousand calls share at most 1000 connections: both processes need the descriptors."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        limit = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))


def vcall_load(url: str, report: Path, *options: str) -> float:
    """Run ``vcall load`` (its summary goes to ``report``.txt); its peak RSS in MB, of that
    process alone."""
    command = [sys.executable, "-m", "vcall", "load", url, "-f", str(FIXTURE), "-q"]
    with report.with_suffix(".txt").open("w", encoding="utf-8") as output:
        process = subprocess.Popen(
            [*command, "--report-json", str(report), *options], stdout=output, stderr=output
        )
        code, peak_mb = _wait(process)
    if code != 0:
        text = report.with_suffix(".txt").read_text(encoding="utf-8")
        raise RuntimeError(f"vcall load exited with {code}:\n{text}")
    return peak_mb


def _wait(process: subprocess.Popen[bytes]) -> tuple[int, float]:
    deadline = time.monotonic() + TIME_LIMIT_S
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return process.returncode, usage.ru_maxrss / 1024  # KiB on Linux
        if time.monotonic() > deadline:
            process.kill()
            process.wait()
            raise RuntimeError(f"vcall load ran over {TIME_LIMIT_S} s")
        time.sleep(0.5)


def checked(report: Path, calls: int) -> dict[str, object]:
    summary: dict[str, object] = json.loads(report.read_text(encoding="utf-8"))
    done = summary["calls"]
    if done != {"started": calls, "done": calls, "failed": 0, "cut_at_deadline": 0}:
        raise RuntimeError(f"not every call completed cleanly: {done}")
    if summary["callbacks"] != calls * CALLBACKS_PER_CALL or summary["error_rate"] != 0:
        raise RuntimeError(f"callbacks missing or failed: {summary}")
    return summary


def main() -> None:
    allow_open_files(20_000)
    port = free_port()
    url = f"http://127.0.0.1:{port}/callback"
    with tempfile.TemporaryDirectory() as folder, running_endpoint(port):
        report = Path(folder) / "report.json"
        idle_mb = vcall_load(url, report, "--calls", "1", "--as-fast-as-possible")
        started = time.monotonic()
        options = ("--calls", str(CALLS), "-c", str(CALLS), "--rate", f"{RATE}/s", "--realtime")
        peak_mb = vcall_load(url, report, *options)
        wall_s = time.monotonic() - started
        summary = checked(report, CALLS)
    lateness = summary["lateness_ms"]
    latency = summary["latency_ms"]
    assert isinstance(lateness, dict) and isinstance(latency, dict)
    per_call_kb = (peak_mb - idle_mb) * 1024 / CALLS
    print(
        f"{CALLS:,} calls in {wall_s:.0f} s: all under way together after the {CALLS // RATE} s ramp"
    )
    print(
        f"callbacks: {summary['callbacks']:,}, {summary['callbacks_per_s']:,} /s, errors 0, violations 0"
    )
    print(f"lateness ms: p50 {lateness['p50']} p99 {lateness['p99']} max {lateness['max']}")
    print(f"latency ms: p50 {latency['p50']} p99 {latency['p99']} max {latency['max']}")
    print(f"memory: {idle_mb:.0f} MB for one call, {per_call_kb:.1f} KB more per call under way")
    print(
        f"10k calls: peak RSS {peak_mb:.0f} MB (target <= {TARGET_RSS_MB} MB), "
        f"lateness p99 {lateness['p99']} ms (target <= {TARGET_LATENESS_MS} ms)"
    )


if __name__ == "__main__":
    main()
