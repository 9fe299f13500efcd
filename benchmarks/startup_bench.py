"""How long ``vcall`` takes to start, as a ratio of ``python -c 'import typer, rich, httpx'``.

Run: ``python benchmarks/startup_bench.py [RUNS]`` (default 7). Each command runs RUNS times in a
fresh interpreter, output to /dev/null, after one unmeasured warm-up; the figure is the median
wall time. Prints one line per command, then the worst ratio as the last line:
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


def median_seconds(command: list[str], runs: int) -> float:
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    base = median_seconds(BASELINE, runs)
    print(f"python -c 'import typer, rich, httpx': {base * 1000:.0f} ms (median of {runs})")
    ratios = {}
    for name, command in COMMANDS.items():
        seconds = median_seconds(command, runs)
        ratios[name] = seconds / base
        print(f"vcall {name}: {seconds * 1000:.0f} ms = {ratios[name]:.2f}x")
    worst = max(ratios, key=ratios.__getitem__)
    print(f"startup: {ratios[worst]:.2f}x the import line (worst: {worst}; target <= 1.2x)")


if __name__ == "__main__":
    main()
