"""``--save DIR``: one fixture per changed path, the new version's answers as expectations, so
accepting a change turns it into a regression test. Each path is played once more against the
new version (explored now: a saved map cannot answer) and written as explore writes its path
fixtures."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import TYPE_CHECKING

from vcall.simulator.dialogue_map import (
    ExploreMap,
    Move,
    Node,
    builtin_lines,
    moves_for,
    path_document,
    write_fixture,
)
from vcall.simulator.errors import UsageError
from vcall.simulator.explore import PathDriver, open_transport, run_fast
from vcall.simulator.replay import run_context

if TYPE_CHECKING:
    from vcall.simulator.diff.result import DiffResult
    from vcall.simulator.explore import ExploreConfig

SLUG = re.compile(r"[^a-z0-9]+")
DIFF_TAG = "diff"


def changed_paths(result: DiffResult) -> list[tuple[str, tuple[str, ...]]]:
    """Each change the new version shows (not removals, not fixed problems), by path, once."""
    seen: dict[tuple[str, ...], str] = {}
    for change in result.changes:
        if change.new is not None and change.path not in seen:
            seen[change.path] = change.noun
    return [(noun, path) for path, noun in seen.items()]


def save_changes(directory: Path, result: DiffResult, config: ExploreConfig) -> list[Path]:
    explored, target = result.new.result, result.new.target
    if explored is None or target is None:
        raise UsageError("--save needs NEW to be a target (a saved map cannot be played)")
    lines = config.lines or tuple(builtin_lines())
    wanted = []
    for noun, labels in changed_paths(result):
        moves = moves_of(explored.map, labels, lines)
        if moves is not None:
            wanted.append((noun, labels, moves))
    if not wanted:
        return []
    simulation = dataclasses.replace(config.simulation, realtime=False, check_placement=False)

    async def main() -> list[Path]:
        written = []
        async with open_transport(target, simulation, 1) as (http, sender):
            ctx = run_context(http, target, simulation, sender=sender)
            driver = PathDriver(ctx, config.settings, config.identity)
            for index, (noun, labels, moves) in enumerate(wanted, start=1):
                run = await driver.run(moves)
                name = f"{index:02d}-{_slug(noun)}"
                document = path_document(run, name, explored.target)
                shown = " → ".join(labels) or "(the call's start)"
                document["description"] = (
                    f"Written by vcall diff: {noun} at {shown}. The expectations are the new "
                    "version's answers: review them, then keep this as a regression test."
                )
                document["tags"] = [*document.get("tags", []), DIFF_TAG]
                written.append(write_fixture(directory, name, document, f"diff: {noun}"))
        return written

    outcome: list[list[Path]] = []

    async def wrapped() -> None:
        outcome.append(await main())

    run_fast(wrapped())
    return outcome[0]


def moves_of(
    explored: ExploreMap, labels: tuple[str, ...], lines: tuple[str, ...]
) -> tuple[Move, ...] | None:
    """The moves a path of labels stands for, walked on the map from its start (a move's steps
    depend on the state it is played in: a silence lasts that state's ``mute_time``)."""
    node = next((n for n in explored.nodes.values() if not n.path), None)
    by_id = explored.by_id()
    moves: list[Move] = []
    for label in labels:
        if node is None:
            return None
        move = next((m for m in moves_for(node.situation, lines) if m.label == label), None)
        if move is None:
            return None
        moves.append(move)
        node = _next(explored, by_id, node, label)
    return tuple(moves)


def _next(explored: ExploreMap, by_id: dict[str, Node], node: Node, label: str) -> Node | None:
    edges = [e for e in explored.out_edges(node.id) if e.move == label]
    if not edges:
        return None
    return by_id.get(max(edges, key=lambda e: e.count).target)


def _slug(text: str) -> str:
    return SLUG.sub("-", text.lower()).strip("-")[:40] or "change"


__all__ = ("changed_paths", "moves_of", "save_changes")
