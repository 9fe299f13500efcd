"""SIGKILL a batch at random moments and resume it: nobody is dialled twice.

The harness is ``benchmarks/batch_kill_resume.py`` (200 kills there, through the CLI); here a
few kills through the library keep the suite fast.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

HARNESS = Path(__file__).resolve().parents[3] / "benchmarks" / "batch_kill_resume.py"


def load_harness() -> ModuleType:
    spec = importlib.util.spec_from_file_location("batch_kill_resume", HARNESS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_random_kills_and_resumes_never_dial_anyone_twice() -> None:
    harness = load_harness()
    tally = harness.run(
        15, rows_per_batch=15, max_delay_s=0.4, library=True, report=False, ctrl_c_share=0.3
    )
    assert tally.kills >= 15
    assert tally.dials >= tally.batches  # every batch dialled
    assert tally.duplicates == 0
