"""``vcall tap --shadow``: the latency a candidate bot adds to the production path (issue 23).

Run from a clean checkout (after ``pip install -e '.[test,bench]'``)::

    python benchmarks/tap_shadow_bench.py [--callbacks 20000] [--rate 500] [--rounds 2]

It starts two reference endpoints (production and the candidate) and runs ``vcall tap`` in
front of production, in rounds alternating plain tap and ``tap --shadow CANDIDATE`` (each a fresh
tap process, ``tap_bench.py``'s calls and pacing: a callback through tap and the same straight to
production at each tick). Added latency = tap's round trip minus the direct one at the same
percentile; the figure is the shadow rounds' added p99 minus the plain rounds' (target: within
0.5 ms). tap's own closing lines (its summary and the shadow's) are printed too.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from server import _wait_until_listening, free_port, running_endpoint
from tap_bench import drive, percentile


def one_round(
    shadow_url: str | None, bot_url: str, callbacks: int, rate: float
) -> tuple[float, float, str]:
    tap_port = free_port()
    with tempfile.TemporaryDirectory() as work:
        command = [sys.executable, "-m", "vcall", "tap", "--forward-to", bot_url]
        command += ["--listen", f"127.0.0.1:{tap_port}"]
        if shadow_url:
            command += ["--shadow", shadow_url]
        output = Path(work) / "tap-output.txt"
        tap = subprocess.Popen(command, stdout=output.open("w"))
        try:
            _wait_until_listening(tap, tap_port)
            tap_url = f"http://127.0.0.1:{tap_port}/callback"
            result = asyncio.run(drive(tap_url, bot_url, callbacks, rate, tap.pid))
            time.sleep(1.0)
        finally:
            tap.terminate()
            tap.wait(timeout=60)
        printed = output.read_text(encoding="utf-8")
    via, direct = result["via"], result["direct"]
    assert isinstance(via, list) and isinstance(direct, list)
    added_p50 = percentile(via, 0.5) - percentile(direct, 0.5)
    added_p99 = percentile(via, 0.99) - percentile(direct, 0.99)
    closing = "\n".join(
        line for line in printed.splitlines() if line.startswith(("tap:", "shadow:"))
    )
    return added_p50, added_p99, closing


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--callbacks", type=int, default=20_000)
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--rounds", type=int, default=2)
    options = parser.parse_args()
    bot_port, candidate_port = free_port(), free_port()
    bot_url = f"http://127.0.0.1:{bot_port}/callback"
    candidate_url = f"http://127.0.0.1:{candidate_port}/callback"
    figures: dict[str, list[tuple[float, float]]] = {"plain": [], "shadow": []}
    with running_endpoint(bot_port), running_endpoint(candidate_port):
        for _ in range(options.rounds):
            for mode, shadow in (("plain", None), ("shadow", candidate_url)):
                p50, p99, closing = one_round(shadow, bot_url, options.callbacks, options.rate)
                figures[mode].append((p50, p99))
                print(f"{mode}: added latency p50 {p50:.2f} ms, p99 {p99:.2f} ms")
                print("  " + closing.replace("\n", "\n  "))
    plain_p99 = min(p99 for _, p99 in figures["plain"])
    shadow_p99 = min(p99 for _, p99 in figures["shadow"])
    print(
        f"tap --shadow: {options.callbacks} callbacks at {options.rate:g}/s, best of "
        f"{options.rounds}: added p99 plain {plain_p99:.2f} ms, with --shadow {shadow_p99:.2f} ms "
        f"(difference {shadow_p99 - plain_p99:+.2f} ms; target within 0.5 ms)"
    )


if __name__ == "__main__":
    main()
