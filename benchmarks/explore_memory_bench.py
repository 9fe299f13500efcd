"""Peak RSS of ``vcall explore`` against a bot whose every state speaks 60 KB of text.

Run: ``python benchmarks/explore_memory_bench.py``. The bot (in-process) answers each key and
each silence with a new key menu whose TTS text is 20,000 Chinese characters (60 KB of UTF-8,
under the 64 KiB a body may take before it is cut); ``--max-calls 1000``. Before issue 28 this
reached 4.9 GB and a ``MemoryError`` with no report: the crawl held every answer of a depth, and
loops were played out to the session timeout keeping every turn. Prints the states, calls and
callbacks, why it stopped, the wall time and the process's peak RSS.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "simulator" / "explore"))

from menu_bot import bot_from

from vcall.simulator.explore.crawler import Limits
from vcall.simulator.explore.progress import ExploreProgress
from vcall.simulator.explore.run import ExploreConfig, explore
from vcall.simulator.replay.targets import app_target
from vcall.simulator.spec import CallbackKind

TEXT = "您好" * 10_000


def dialogue(kind: CallbackKind, content: Mapping[str, Any]) -> dict[str, Any]:
    state = str(content.get("dynamic_id") or "s")
    if kind is CallbackKind.CALLIN:
        return {"action": "answer", "action_code": "welcome.wav", "dynamic_id": "s"}
    step = str(content.get("dtmf_digits", "")) if kind is CallbackKind.DTMF else "x"
    where = (state + step)[-40:]
    return {
        "action": "dtmf",
        "action_code": "$t$",
        "action_code_param": json.dumps({"t": where + TEXT}, ensure_ascii=False),
        "dynamic_id": where,
        "dtmf_max_numbers": 1,
        "dtmf_nonin_overtime": 5,
    }


def main() -> None:
    progress = ExploreProgress()
    started = time.perf_counter()
    config = ExploreConfig(limits=Limits(max_calls=1000))
    result = explore(app_target("big", bot_from(dialogue)), config, progress)
    wall = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"explore: {len(result.map.nodes)} states, {progress.calls} calls, "
        f"{progress.callbacks} callbacks, stopped by {result.crawl.stopped or 'nothing'}, "
        f"{wall:.1f} s, peak RSS {peak_mb:.0f} MB"
    )


if __name__ == "__main__":
    main()
