"""Rule-based persona calls against the in-process example bot: calls per second.

Run: ``python benchmarks/persona_bench.py [SEEDS]``. Three personas (a speech goal, an agent
request, a key-menu goal), SEEDS seeds each (default 100), virtual clock. Each line: the
personas' completion rate and the wall time; the last line is the figure:
``persona: 300 calls in 1.9 s (158 calls/s), 100% goals met``.
"""

from __future__ import annotations

import asyncio
import sys
import time

from vcall.simulator.persona import Persona, PersonaConfig, RuleBrain, run_personas
from vcall.simulator.replay.engine import SimulationConfig
from vcall.simulator.replay.targets import EXAMPLE_BOT, resolve_target

PERSONAS = [
    Persona("parcel", "查一下快递到哪了，然后挂机"),
    Persona("agent", "我要找人工客服"),
    Persona("menu", "查快递", say="自助菜单", hears={"menu.wav": "查快递请按1，转人工请按2"}),
]


def main() -> None:
    seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    config = PersonaConfig(SimulationConfig(seed=1), calls=seeds)
    started = time.perf_counter()
    run = asyncio.run(run_personas(PERSONAS, resolve_target(EXAMPLE_BOT), config, RuleBrain))
    wall = time.perf_counter() - started
    calls = len(run.outcomes)
    for persona in PERSONAS:
        mine = [o for o in run.outcomes if o.name == persona.name]
        met = sum(1 for o in mine if o.verdict.met)
        print(f"{persona.name}: {met}/{len(mine)} goals met")
    print(
        f"persona: {calls} calls in {wall:.1f} s ({calls / wall:.0f} calls/s), {run.rate:.0%} goals met"
    )


if __name__ == "__main__":
    main()
