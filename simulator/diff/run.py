"""``diff()``: what changed between two versions of a bot. The one entry point ``vcall diff``
calls.

Each version is a target (explored now) or a saved explore report (read back). Targets are
explored with one :class:`~vcall.simulator.explore.run.ExploreConfig`: the same move bank,
seed and bounds for both.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from vcall.simulator.dialogue_map import Identity
from vcall.simulator.diff.align import align
from vcall.simulator.diff.result import DiffResult
from vcall.simulator.diff.sides import Side, read_side, side_from_result
from vcall.simulator.explore import ExploreConfig, explore
from vcall.simulator.replay import Target

Source = Target | Path
"""A version: a target to explore, or the path of a saved explore report."""


@dataclass(frozen=True, slots=True)
class DiffConfig:
    explore: ExploreConfig = field(default_factory=ExploreConfig)
    ignore: tuple[str, ...] = ()
    """Answer fields the team expects to change (``mute_time``, ``action_code_param.voice``)."""
    save_dir: Path | None = None
    """One fixture per changed path, the new version's answers as expectations."""


def load_side(source: Source, config: ExploreConfig) -> Side:
    """A saved map read back, or a target explored; an exploration stopped with Ctrl-C raises
    ``KeyboardInterrupt`` (half a map would show half the bot as removed)."""
    if isinstance(source, Path):
        return read_side(source)
    result = explore(source, config)
    if result.interrupted:
        raise KeyboardInterrupt
    return side_from_result(result, source)


def diff(old: Source, new: Source, config: DiffConfig | None = None) -> DiffResult:
    config = config or DiffConfig()
    started = time.perf_counter()
    explore_config = config.explore
    saved = [source for source in (old, new) if isinstance(source, Path)]
    if saved:  # a live version is told apart as finely as the saved map it is compared with
        explore_config = _identity_of(saved[0], explore_config)
    before = load_side(old, explore_config)
    after = load_side(new, explore_config)
    result = DiffResult(before, after, align(before, after, config.ignore), config.ignore)
    if config.save_dir is not None:
        from vcall.simulator.diff.saving import save_changes

        result.saved = save_changes(config.save_dir, result, explore_config)
    result.wall_s = time.perf_counter() - started
    return result


def _identity_of(path: Path, config: ExploreConfig) -> ExploreConfig:
    side = read_side(path)
    try:
        identity = Identity(side.identity)
    except ValueError:
        return config
    return dataclasses.replace(config, identity=identity)


__all__: Sequence[str] = ("DiffConfig", "DiffResult", "Source", "diff", "load_side")
