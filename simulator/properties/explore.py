"""Properties in ``vcall explore``: checked once the crawl's map is drawn (and its problems
shrunk), within what is left of ``--max-time``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from vcall.simulator.dialogue_map import ExploreMap, Move, PathRun
from vcall.simulator.properties.checker import Graph, candidates, check_on_map, judge_played
from vcall.simulator.properties.model import Property, PropertyOutcome
from vcall.simulator.properties.shrinking import Shrinker, shrink_outcomes

Play = Callable[[dict[int, tuple[Move, ...]]], Awaitable[dict[int, PathRun]]]
"""Plays each path as a call (as many as time allows), the runs by the paths' keys."""


async def check_explored(
    explored: ExploreMap,
    properties: Sequence[Property],
    lines: Sequence[str],
    stopped: str,
    play: Play,
    shrinker: Shrinker | None = None,
) -> tuple[list[PropertyOutcome], dict[int, PathRun]]:
    """Each property's outcome (in the order given), and the call that shows each violation
    played (by its index), when one was. With a ``shrinker`` (explore's), each counterexample
    is shrunk while a call on it still shows the violation."""
    graph = Graph.of(explored, lines, stopped)
    outcomes: list[PropertyOutcome | None] = [check_on_map(graph, prop) for prop in properties]
    planned: dict[int, list[tuple[str, tuple[Move, ...]]]] = {}
    paths: dict[int, tuple[Move, ...]] = {}
    for index, prop in enumerate(properties):
        if outcomes[index] is None:
            planned[index] = candidates(graph, prop)
            for _, path in planned[index]:
                paths[len(paths)] = path
    runs = await play(paths) if paths else {}
    shown: dict[int, PathRun] = {}
    offset = 0
    for index, played in planned.items():
        mine = {i: runs[offset + i] for i in range(len(played)) if offset + i in runs}
        outcome = judge_played(graph, properties[index], played, mine)
        outcomes[index] = outcome
        if outcome.violated:
            first = next(i for i, (_, path) in enumerate(played) if path == outcome.path)
            shown[index] = mine[first]
        offset += len(played)
    final = [outcome for outcome in outcomes if outcome is not None]
    if shrinker is not None:

        async def play_one(path: tuple[Move, ...]) -> PathRun | None:
            return (await play({0: path})).get(0)

        shown.update(await shrink_outcomes(final, explored, play_one, shrinker))
    return final, shown
