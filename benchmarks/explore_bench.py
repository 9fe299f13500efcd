"""Time ``vcall explore`` on a synthetic 3-level key menu with 4 keys a level.

Run: ``python benchmarks/explore_bench.py [RUNS]``. The bot (``tests/simulator/explore/menu_bot.py``,
no faults) answers in-process: a greeting, a main menu, 4 sub-menus, 16 sub-sub-menus and 64
answers, plus the endings (88 states). The explorer tries every key, the no-key timeout, silence,
talking over, hanging up and the 13 built-in caller lines at each state, on the virtual clock.
Best of RUNS (default 3).

The last line is the figure: ``explore: 88 states (86/86 of the menu, 2 endings) in 2.74 s ...``.
Target: every state in under 5 s on the 2-core benchmark machine.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "simulator" / "explore"))

from menu_bot import Faults, menu_bot

from vcall.simulator.explore.run import ExploreConfig, ExploreResult, explore
from vcall.simulator.replay.targets import app_target

MENU_STATES = 1 + 1 + 4 + 16 + 64
"""Greeting, main menu, sub-menus, sub-sub-menus, answers (endings come on top)."""


def one_run() -> tuple[float, ExploreResult]:
    target = app_target("menu", menu_bot(Faults()))
    started = time.perf_counter()
    result = explore(target, ExploreConfig())
    return time.perf_counter() - started, result


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    timings = []
    result = None
    for index in range(runs):
        seconds, result = one_run()
        timings.append(seconds)
        print(
            f"run {index + 1}: {len(result.map.nodes)} states, {result.crawl.calls} calls, {seconds:.2f} s"
        )
    assert result is not None
    states = len(result.map.nodes)
    menu = sum(
        1 for node in result.map.nodes.values() if node.key.action in ("answer", "dtmf", "play")
    )
    best = min(timings)
    print(
        f"explore: {states} states ({menu}/{MENU_STATES} of the menu, {states - menu} endings) in "
        f"{best:.2f} s best of {runs}, {result.crawl.calls} calls, "
        f"{len(result.map.edges)} moves tried, problems: {len(result.problems)}"
    )


if __name__ == "__main__":
    main()
