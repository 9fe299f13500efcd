"""Time ``validate_response`` over the shipped example responses.

Run: ``python benchmarks/validate_bench.py [N]``. Prints µs per response for each example, then
the mixed set as a run sees it again and again (answers every rule passed before are known
without the rules: ``validation/memo.py``), then the figure, the mixed set validated in full each
time (memo off, as on first sight), as the last line: ``validate: 38.2 µs/response (n=20000)``.
"""

from __future__ import annotations

import sys
import time
from importlib import resources

from vcall.simulator.spec import Stage
from vcall.simulator.validation import validate_response
from vcall.simulator.validation.validator import CLEAN_ANSWERS

CALL_ID = "100001616500^100001871490"


def load_examples() -> list[tuple[str, bytes, Stage]]:
    folder = resources.files("vcall.simulator") / "examples"
    examples = []
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".json"):
            stage = Stage.CALLIN if "callin" in entry.name else Stage.FOLLOWUP
            examples.append((entry.name, entry.read_bytes(), stage))
    return examples


def time_per_response(cases: list[tuple[str, bytes, Stage]], rounds: int) -> float:
    """CPU seconds per validation, best of three passes over ``rounds`` x ``cases`` (CPU time: on
    a shared machine, time spent waiting for a core is not the validator's)."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        for _ in range(rounds):
            for _, body, stage in cases:
                validate_response(body, stage, call_id=CALL_ID)
        best = min(best, time.process_time() - started)
    return best / (rounds * len(cases))


def main(total: int = 20000) -> None:
    examples = load_examples()
    rounds = max(1, total // len(examples))
    CLEAN_ANSWERS.enabled = True
    seen = time_per_response(examples, rounds)
    CLEAN_ANSWERS.enabled = False  # every response validated in full, as on first sight
    CLEAN_ANSWERS.clear()
    for case in examples:
        seconds = time_per_response([case], max(1, total // (10 * len(examples))))
        print(f"  {case[0]:<32} {seconds * 1e6:7.1f} µs")
    seconds = time_per_response(examples, rounds)
    print(
        f"validate, answers seen before (clean ones remembered): {seen * 1e6:.1f} µs/response "
        f"(n={rounds * len(examples)})"
    )
    print(f"validate: {seconds * 1e6:.1f} µs/response (n={rounds * len(examples)})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20000)
