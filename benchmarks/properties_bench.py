"""The time dialogue properties add to ``vcall explore`` on the three-level key menu.

Run: ``python benchmarks/properties_bench.py [RUNS]``. The bot is ``explore_bench.py``'s
(``tests/simulator/explore/menu_bot.py``, no faults: 88 states), answering in-process on the
virtual clock. Each run explores it twice, interleaved: without properties, and with the three
built-ins ``vcall explore`` checks by default (``call-can-end``, ``silence-ends``,
``no-repeat``). Best of RUNS (default 3) each.

The last line is the figure: ``properties: +N % over plain explore (A s -> B s) ...``; the
line before it, the share of a run spent checking the properties (after the crawl), is the
steadier figure on a busy machine.
Target (issue 22): at most 20 % over plain explore. The machine may be shared: noisy figures.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "simulator" / "explore"))

from menu_bot import Faults, menu_bot

from vcall.simulator.explore.run import ExploreConfig, ExploreResult, explore
from vcall.simulator.properties import builtin_properties
from vcall.simulator.replay.targets import app_target


def one_run(with_properties: bool) -> tuple[float, ExploreResult]:
    target = app_target("menu", menu_bot(Faults()))
    properties = builtin_properties() if with_properties else ()
    started = time.perf_counter()
    result = explore(target, ExploreConfig(properties=properties))
    return time.perf_counter() - started, result


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    plain: list[float] = []
    checked: list[float] = []
    phase: list[float] = []
    result = None
    for _ in range(runs):
        plain.append(one_run(False)[0])
        seconds, result = one_run(True)
        checked.append(seconds)
        phase.append(result.property_wall_s / seconds)
    assert result is not None
    verdicts = ", ".join(f"{o.property.name} {o.verdict.value}" for o in result.properties)
    calls = result.crawl.calls
    best_plain, best_checked = min(plain), min(checked)
    overhead = (best_checked / best_plain - 1) * 100
    print(f"{len(result.map.nodes)} states, {calls} crawl calls; {verdicts}")
    print(f"checking the properties: {min(phase) * 100:.1f} % of the run (best of {runs})")
    print(
        f"properties: {overhead:+.0f} % over plain explore ({best_plain:.2f} s -> "
        f"{best_checked:.2f} s, best of {runs}); target <= +20 %"
    )


if __name__ == "__main__":
    main()
