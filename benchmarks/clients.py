"""Measuring a load client against the reference endpoint over a steady window (loopback only).

A client (``vcall load``, a Locust run) is started as a subprocess; after a warm-up, the endpoint's
count of answered callbacks (``GET /count``) and the CPU time of the client's processes (user +
system, the process and all its children) are read twice, ``window_s`` apart. Start-up and
shut-down are outside the window. Needs psutil (a dependency of Locust).
"""

from __future__ import annotations

import signal
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psutil
from server import free_port, running_endpoint  # noqa: F401 - re-exported for the scripts

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "ten_turn_call.yaml"


@dataclass(frozen=True)
class Window:
    requests: int
    seconds: float
    cpu_s: float

    @property
    def per_s(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_us_per_request(self) -> float:
        return self.cpu_s / self.requests * 1e6 if self.requests else float("inf")


def counted(base_url: str) -> int:
    with urllib.request.urlopen(f"{base_url}/count", timeout=5) as answer:  # loopback only
        return int(answer.read())


def _cpu_s(process: psutil.Process) -> float:
    total = 0.0
    for each in [process, *process.children(recursive=True)]:
        try:
            times = each.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def measure(command: list[str], base_url: str, warm_s: float, window_s: float) -> Window:
    """Run ``command``; measure requests and client CPU over ``window_s`` after ``warm_s``."""
    with tempfile.TemporaryFile("w+") as log:
        client = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log, cwd=HERE)
        try:
            process = psutil.Process(client.pid)
            time.sleep(warm_s)
            if client.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"{command[:4]} exited early:\n{log.read()[-2000:]}")
            cpu0, count0, t0 = _cpu_s(process), counted(base_url), time.perf_counter()
            time.sleep(window_s)
            cpu1, count1, t1 = _cpu_s(process), counted(base_url), time.perf_counter()
        finally:
            _stop(client)
    return Window(count1 - count0, t1 - t0, cpu1 - cpu0)


def _stop(client: subprocess.Popen[bytes]) -> None:
    if client.poll() is None:
        client.send_signal(signal.SIGINT)
        try:
            client.wait(timeout=20)
        except subprocess.TimeoutExpired:
            client.kill()
            client.wait()
