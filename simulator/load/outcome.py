"""A load run from start to outcome, Ctrl-C included: what was done so far is a result too.

:func:`run_load_to_outcome` runs :func:`~vcall.simulator.load.runner.run_load` to its end on the
loop ``run`` gives (injected: the CLI's uvloop runner, ``asyncio.run`` in tests). Ctrl-C — a
``KeyboardInterrupt`` out of the loop, whether the signal cancelled the run or arrived while a
call was being folded in — returns the :class:`LoadResult` of the calls and callbacks done so far,
``interrupted=True``, instead of losing them; nothing is resent. A Ctrl-C before the run has
started is raised as it came.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any

from vcall.simulator.fixture import Scenario
from vcall.simulator.load.runner import LoadConfig, LoadResult, LoadRun, run_load
from vcall.simulator.replay import Target
from vcall.simulator.transport import Sender

LoadCoroutine = Coroutine[Any, Any, LoadResult]
Watch = Callable[[LoadCoroutine, list[LoadRun]], Awaitable[LoadResult]]
"""Wraps the run to show its progress (a live view, progress lines): ``holder`` gets the
:class:`LoadRun` once it starts."""


def run_load_to_outcome(
    scenarios: Sequence[Scenario],
    target: Target,
    config: LoadConfig,
    run: Callable[[Coroutine[Any, Any, LoadResult]], LoadResult],
    watch: Watch | None = None,
    *,
    sender: Sender | None = None,
) -> LoadResult:
    """The load's result, or on Ctrl-C the result so far (``interrupted=True``)."""
    holder: list[LoadRun] = []
    started = time.perf_counter()
    coroutine = run_load(scenarios, target, config, sender=sender, holder=holder)
    try:
        if watch is None:
            return run(coroutine)
        return run(_watched(watch, coroutine, holder))
    except KeyboardInterrupt:
        if not holder:
            raise
        return partial_result(holder[0], (time.perf_counter() - started) * 1000)


async def _watched(watch: Watch, coroutine: LoadCoroutine, holder: list[LoadRun]) -> LoadResult:
    return await watch(coroutine, holder)


def partial_result(load: LoadRun, wall_ms: float) -> LoadResult:
    """What ``load`` did until it was stopped: its statistics and time series so far."""
    return LoadResult(load.stats, load.config, wall_ms, interrupted=True, series=load.series.rows)
