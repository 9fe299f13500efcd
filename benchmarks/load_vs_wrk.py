"""``vcall load`` against ``wrk`` on the same endpoint, in the same run (issue 6).

Run from a clean checkout (after ``pip install -e '.[test]'``; needs ``wrk`` on the PATH)::

    python benchmarks/load_vs_wrk.py

It starts the reference endpoint (``benchmarks/reference_endpoint.py``: starlette on uvicorn, one
worker) on a free loopback port and measures, in turns: ``wrk -t1 -c50`` posting a form-encoded
``normal`` callback (the body vcall sends for the benchmark fixture's first sentence), then
``vcall load --as-fast-as-possible -c 50`` playing ``benchmarks/fixtures/ten_turn_call.yaml``:
every callback a callback of a complete simulated call on the platform model, every answer checked
by the validator (a run with any error or spec violation fails the benchmark). Each side runs
``ROUNDS`` times; the best of each is compared. This is done against two flavours of the same
endpoint (see ``FLAVOURS``). About 80 s in all; the endpoint is stopped at the end. The last line
is the figure; the target is a ratio of at least 0.9::

    load vs wrk: plain server: vcall 6,371 / wrk 6,635 = 0.96; fast server: vcall 8,821 / wrk 11,242 = 0.78 (target >= 0.9)
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from server import free_port, running_endpoint

from vcall.simulator.fixture.loader import load_scenario
from vcall.simulator.model import Callback, CallSession
from vcall.simulator.model.session import CallbackFlow
from vcall.simulator.spec import CallbackKind
from vcall.simulator.transport.form import encode_form

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "ten_turn_call.yaml"
CONNECTIONS = 50
WRK_SECONDS = 5
VCALL_CALLS = 3000
ROUNDS = 2
TARGET = 0.9
FLAVOURS = ("plain", "fast")
"""``plain``: uvicorn as a bare ``pip install uvicorn starlette`` runs it (h11 on asyncio) -- the
setup the issue measured (wrk 5,870 req/s there). ``fast``: uvicorn with uvloop and httptools,
about twice as fast; there vcall's own CPU per callback is the limit."""


def normal_callback_body() -> bytes:
    """The form body of the fixture's first ``normal`` callback, as vcall sends it."""
    scenario = load_scenario(FIXTURE)
    session = CallSession(scenario, call_id="100001616500^100001871490", start_epoch_ms=0)
    answer = {"action": "answer", "action_code": "welcome.wav"}
    for flow in (session.start(), *(session.play_step(step) for step in scenario.steps)):
        for callback in _answered(flow, answer):
            if callback.kind is CallbackKind.NORMAL:
                return encode_form(callback.params())
    raise RuntimeError("the benchmark fixture sends no normal callback")


def _answered(flow: CallbackFlow, answer: dict[str, object]) -> Iterator[Callback]:
    try:
        callback = next(flow)
        while True:
            yield callback
            callback = flow.send(answer)
    except StopIteration:
        return


def wrk_script(body: bytes) -> str:
    return (
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        f'wrk.body = "{body.decode("ascii")}"\n'
    )


def run_wrk(url: str, script: Path, seconds: int) -> float:
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "-s", str(script), url]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=60).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if match is None or "Non-2xx" in output or "Socket errors" in output:
        raise RuntimeError(f"wrk did not run cleanly:\n{output}")
    return float(match.group(1))


def run_vcall(url: str, report: Path) -> float:
    command = [
        sys.executable,
        "-m",
        "vcall",
        "load",
        url,
        "-f",
        str(FIXTURE),
        "--as-fast-as-possible",
        "--calls",
        str(VCALL_CALLS),
        "-c",
        str(CONNECTIONS),
        "--max-error-rate",
        "0",
        "--max-violations",
        "0",
        "-q",
        "--report-json",
        str(report),
    ]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=300)
    if finished.returncode != 0:
        raise RuntimeError(f"vcall load failed ({finished.returncode}):\n{finished.stdout}")
    summary = json.loads(report.read_text(encoding="utf-8"))
    if summary["calls"]["done"] != VCALL_CALLS or summary["callbacks"] != VCALL_CALLS * 11:
        raise RuntimeError(f"vcall load did not play every call: {summary['calls']}")
    return float(summary["callbacks_per_s"])


def measure(flavour: str) -> tuple[float, float]:
    """Best wrk req/s and best vcall callbacks/s against one server flavour, in turns."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/callback"
    with tempfile.TemporaryDirectory() as folder, running_endpoint(port, flavour):
        script = Path(folder) / "normal.lua"
        script.write_text(wrk_script(normal_callback_body()), encoding="utf-8")
        run_wrk(url, script, 1)  # warm-up
        wrk, vcall = [], []
        for round_number in range(1, ROUNDS + 1):
            wrk.append(run_wrk(url, script, WRK_SECONDS))
            vcall.append(run_vcall(url, Path(folder) / "report.json"))
            print(
                f"{flavour} server, round {round_number}: wrk {wrk[-1]:,.0f} req/s, "
                f"vcall {vcall[-1]:,.0f} callbacks/s"
            )
    return max(wrk), max(vcall)


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install wrk)")
    figures = {flavour: measure(flavour) for flavour in FLAVOURS}
    parts = []
    for flavour, (wrk, vcall) in figures.items():
        parts.append(f"{flavour} server: vcall {vcall:,.0f} / wrk {wrk:,.0f} = {vcall / wrk:.2f}")
    print(f"load vs wrk: {'; '.join(parts)} (target >= {TARGET})")


if __name__ == "__main__":
    main()
