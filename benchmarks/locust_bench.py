"""vcall's Locust user against ``vcall load``, on the same endpoint in the same run (issue 16).

Run from a checkout (``pip install -e '.[test,bench,locust]'``)::

    python benchmarks/locust_bench.py

It starts the reference endpoint (``benchmarks/reference_endpoint.py``, uvicorn with uvloop and
httptools, one worker) on a free loopback port and measures, in turns, callbacks/s as the endpoint
counts them over a steady window (see ``clients.py``) of:

- ``vcall load --as-fast-as-possible -c 50`` playing ``benchmarks/fixtures/ten_turn_call.yaml``;
- one Locust process (``locust --headless -u 50``) whose users are ``SmartCallUser`` playing the
  same fixture (``realtime = False``): the same calls, models, validation and HTTP client, plus
  gevent, the hand-over between threads and Locust's statistics;
- the same with ``--processes 2`` (a master and two worker processes), for the scaling.

Each runs ``ROUNDS`` times; the best of each is compared. The last line is the figure; the target
is a ratio of at least 0.7 (on a busy machine the CPU per callback, also printed, says more)::

    locust: 1 worker 6,155 callbacks/s / vcall load 5,101 = 1.21 (target >= 0.7); CPU per callback 124 / 113 us = 1.10x; 2 workers 5,536 (0.90x)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from clients import FIXTURE, Window, free_port, measure, running_endpoint

USERS = 50
WARM_S = 3.0
WINDOW_S = 6.0
ROUNDS = 2
TARGET = 0.7


def locustfile(folder: Path, url: str) -> Path:
    path = folder / "vcall_locustfile.py"
    path.write_text(
        "from vcall.locust import SmartCallUser\n\n\n"
        "class Calls(SmartCallUser):\n"
        f"    fixtures = [{str(FIXTURE)!r}]\n"
        f"    host = {url!r}\n"
        "    realtime = False\n",
        encoding="utf-8",
    )
    return path


def vcall_load(url: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "vcall",
        "load",
        url,
        "-f",
        str(FIXTURE),
        "--as-fast-as-possible",
        "-c",
        str(USERS),
        "--duration",
        "2m",
        "-q",
    ]


def locust(path: Path, processes: int) -> list[str]:
    command = [sys.executable, "-m", "locust", "-f", str(path), "--headless", "--only-summary"]
    command += ["-u", str(USERS), "-r", str(USERS), "-t", "2m", "--loglevel", "WARNING"]
    return command + (["--processes", str(processes)] if processes > 1 else [])


def main() -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/callback"
    base = f"http://127.0.0.1:{port}"
    best: dict[str, Window] = {}
    with tempfile.TemporaryDirectory() as folder, running_endpoint(port, "fast"):
        path = locustfile(Path(folder), url)
        runs = {
            "vcall load": vcall_load(url),
            "locust 1 worker": locust(path, 1),
            "locust 2 workers": locust(path, 2),
        }
        for round_number in range(1, ROUNDS + 1):
            for name, command in runs.items():
                window = measure(command, base, WARM_S, WINDOW_S)
                print(
                    f"round {round_number}: {name}: {window.per_s:,.0f} callbacks/s, "
                    f"{window.cpu_us_per_request:.0f} us CPU per callback"
                )
                if name not in best or window.per_s > best[name].per_s:
                    best[name] = window
    load, one, two = (best[name].per_s for name in runs)
    cpu_load, cpu_one = (best[name].cpu_us_per_request for name in list(runs)[:2])
    print(
        f"locust: 1 worker {one:,.0f} callbacks/s / vcall load {load:,.0f} = {one / load:.2f} "
        f"(target >= {TARGET}); CPU per callback {cpu_one:.0f} / {cpu_load:.0f} us = "
        f"{cpu_one / cpu_load:.2f}x; 2 workers {two:,.0f} ({two / one:.2f}x)"
    )


if __name__ == "__main__":
    main()
