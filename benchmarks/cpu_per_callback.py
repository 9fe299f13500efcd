"""CPU per callback: ``vcall load`` against Locust's ``FastHttpUser`` posting a bare form (issue 16).

Run from a checkout (``pip install -e '.[test,bench,locust]'``)::

    python benchmarks/cpu_per_callback.py

It starts the reference endpoint (``benchmarks/reference_endpoint.py``, uvicorn with uvloop and
httptools, one worker) on a free loopback port and measures, in turns, the CPU time (user + system)
of each client process over the requests the endpoint counted in a steady window (``clients.py``):

- ``vcall load --as-fast-as-possible -c 50`` playing ``benchmarks/fixtures/ten_turn_call.yaml``:
  every callback one of a complete simulated call on the platform model, every answer validated;
- ``locust --headless -u 50`` with a ``FastHttpUser`` (geventhttpclient) posting the fixture's
  first ``normal`` callback body in a loop: Locust's cheapest request, neither modelled nor checked.

Each runs ``ROUNDS`` times, in turns; each round prints both figures and their ratio, then one
line lists every round with the median ratio. The last line is the figure: the lowest CPU per
request of each, compared; the target is a ratio of at most 1.0::

    per round: vcall load 120, 118, 125 us; locust 131, 127, 135 us; ratios 0.92, 0.93, 0.93 (median 0.93x)
    cpu per callback: vcall load 118 us / locust FastHttpUser 127 us = 0.93x (best of 3 each; target <= 1.0x)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

from clients import Window, free_port, measure, running_endpoint
from load_vs_wrk import normal_callback_body
from locust_bench import USERS, vcall_load

WARM_S = 3.0
WINDOW_S = 6.0
ROUNDS = 3
TARGET = 1.0


def bare_locustfile(folder: Path) -> Path:
    path = folder / "bare_locustfile.py"
    path.write_text(
        "from locust import FastHttpUser, constant, task\n\n"
        f"BODY = {normal_callback_body()!r}\n"
        "HEADERS = {'Content-Type': 'application/x-www-form-urlencoded'}\n\n\n"
        "class Bare(FastHttpUser):\n"
        "    wait_time = constant(0)\n\n"
        "    @task\n"
        "    def post(self):\n"
        "        self.client.post('/callback', data=BODY, headers=HEADERS)\n",
        encoding="utf-8",
    )
    return path


def main() -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    windows: dict[str, list[Window]] = {}
    with tempfile.TemporaryDirectory() as folder, running_endpoint(port, "fast"):
        bare = [sys.executable, "-m", "locust", "-f", str(bare_locustfile(Path(folder)))]
        bare += ["--headless", "--only-summary", "-u", str(USERS), "-r", str(USERS), "-t", "2m"]
        bare += ["--host", base, "--loglevel", "WARNING"]
        runs = {"vcall load": vcall_load(f"{base}/callback"), "locust FastHttpUser": bare}
        for round_number in range(1, ROUNDS + 1):
            for name, command in runs.items():
                window = measure(command, base, WARM_S, WINDOW_S)
                windows.setdefault(name, []).append(window)
                print(
                    f"round {round_number}: {name}: {window.cpu_us_per_request:.1f} us CPU per "
                    f"request over {window.requests:,} requests ({window.per_s:,.0f}/s)"
                )
            vcall_us, bare_us = (windows[name][-1].cpu_us_per_request for name in runs)
            print(f"round {round_number}: ratio {vcall_us / bare_us:.2f}x")
    vcall_all, bare_all = ([w.cpu_us_per_request for w in windows[name]] for name in runs)
    ratios = [vcall_us / bare_us for vcall_us, bare_us in zip(vcall_all, bare_all, strict=True)]
    print(
        f"per round: vcall load {', '.join(f'{us:.0f}' for us in vcall_all)} us; locust "
        f"{', '.join(f'{us:.0f}' for us in bare_all)} us; ratios "
        f"{', '.join(f'{ratio:.2f}' for ratio in ratios)} (median {statistics.median(ratios):.2f}x)"
    )
    vcall, bare_us = min(vcall_all), min(bare_all)
    print(
        f"cpu per callback: vcall load {vcall:.0f} us / locust FastHttpUser {bare_us:.0f} us = "
        f"{vcall / bare_us:.2f}x (best of {ROUNDS} each; target <= {TARGET}x)"
    )


if __name__ == "__main__":
    main()
