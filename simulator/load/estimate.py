"""How long a ``vcall load`` run will take, said before it starts.

In real time each call lasts as long as it would on the phone: the caller's speech, silences and
the bot's playback. The fixtures' calls are timed once against the built-in example bot on a
virtual clock (milliseconds of work): that is the length of a call the run paces; a bot that
plays longer prompts makes calls longer. From it and ``--concurrency`` / ``--rate`` follow the
run's length and how many new calls per second the concurrency can sustain.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from vcall.simulator.fixture import Scenario
from vcall.simulator.load.runner import LoadConfig
from vcall.simulator.replay import EXAMPLE_BOT, SimulationConfig, resolve_target, simulate


@dataclass(frozen=True, slots=True)
class LoadEstimate:
    mean_call_s: float
    """The mean length of one call (weighted as the run picks them), as the example bot plays it."""
    run_s: float | None
    """The whole run, in real time; ``None`` when not paced (``--as-fast-as-possible``)."""
    sustainable_rate: float
    """New calls per second ``--concurrency`` keeps up with: concurrency / call length."""
    rate_capped: bool
    """``--rate`` asks for more new calls per second than the concurrency sustains."""


def estimate_load(scenarios: Sequence[Scenario], config: LoadConfig) -> LoadEstimate:
    mean_s = _mean_call_s(scenarios, config.weights)
    sustainable = config.concurrency / mean_s if mean_s > 0 else math.inf
    capped = config.realtime and config.rate is not None and config.rate > sustainable * 1.05
    return LoadEstimate(mean_s, _run_s(config, mean_s, sustainable), sustainable, capped)


def _mean_call_s(scenarios: Sequence[Scenario], weights: Mapping[str, int]) -> float:
    run = simulate(list(scenarios), resolve_target(EXAMPLE_BOT), SimulationConfig(seed=0))
    pairs = [(call.duration_ms / 1000, _weight(call.scenario, weights)) for call in run.calls]
    total = sum(weight for _, weight in pairs)
    return sum(seconds * weight for seconds, weight in pairs) / total if total else 0.0


def _weight(scenario: Scenario, weights: Mapping[str, int]) -> int:
    key = Path(scenario.file).stem if scenario.file else scenario.name
    return max(0, weights.get(key, weights.get(scenario.name, 1)))


def _run_s(config: LoadConfig, mean_s: float, sustainable: float) -> float | None:
    if not config.realtime:
        return None
    if config.duration_ms is not None:
        return config.duration_ms / 1000
    calls = config.calls or 0
    per_second = min(config.rate or math.inf, sustainable)
    if per_second == math.inf:
        return mean_s
    return max(calls - 1, 0) / per_second + mean_s
