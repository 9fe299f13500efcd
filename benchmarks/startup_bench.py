"""How long ``vcall`` takes to start, as a ratio of ``python -c 'import typer, rich, httpx'``.

Run: ``python benchmarks/startup_bench.py [RUNS]`` (default 7). Each command runs RUNS times in a
fresh interpreter, output to /dev/null, after one unmeasured warm-up, interleaved with the
baseline (so that a busy machine slows both alike); the figure is the median wall time. Prints one line per command, then the worst ratio as the last line:
``startup: 1.12x the import line (worst of --help, --version, validate-response)``.
Target: <= 1.2x for all three.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from importlib import resources

PYTHON = sys.executable
EXAMPLE = str(resources.files("vcall.simulator") / "examples" / "followup_play.json")
BASELINE = [PYTHON, "-c", "import typer, rich, httpx"]
VCALL = [PYTHON, "-m", "vcall"]
COMMANDS = {
    "--help": [*VCALL, "--help"],
    "--version": [*VCALL, "--version"],
    "validate-response": [*VCALL, "validate-response", EXAMPLE, "--stage", "followup"],
}


def seconds(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    commands = {"baseline": BASELINE, **COMMANDS}
    for command in commands.values():  # warm-up: caches, .pyc files
        seconds(command)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):  # interleaved: a busy moment slows every command alike
        for name, command in commands.items():
            times[name].append(seconds(command))
    base = statistics.median(times.pop("baseline"))
    print(f"python -c 'import typer, rich, httpx': {base * 1000:.0f} ms (median of {runs})")
    ratios = {}
    for name, measured in times.items():
        median = statistics.median(measured)
        ratios[name] = median / base
        print(f"vcall {name}: {median * 1000:.0f} ms = {ratios[name]:.2f}x")
    worst = max(ratios, key=ratios.__getitem__)
    print(f"startup: {ratios[worst]:.2f}x the import line (worst: {worst}; target <= 1.2x)")


if __name__ == "__main__":
    main()
