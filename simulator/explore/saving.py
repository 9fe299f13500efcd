"""Writing what an exploration found as fixtures ``vcall simulate`` replays.

One file per problem (``--save``), one per state's shortest path (``--save-paths``). Each records
a call: the caller's steps, and the answers observed as expectations, tagged ``recorded`` (a
person should review them). A problem's fixture fails when replayed as long as the problem is
there: its error findings come back, and a call that never ends is expected to be ended by the
bot (``end: bot_hangup``), which it is not.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vcall.simulator.dialogue_map import EXPLORE_TAG, PathRun, path_document, slug, write_fixture
from vcall.simulator.fixture import EndReason

if TYPE_CHECKING:
    from vcall.simulator.explore.problems import Problem
    from vcall.simulator.explore.result import ExploreResult

NEVER_ENDING = ("dead-end", "loop")
NO_ANSWER = "no-answer"


def save_problem_fixtures(directory: Path, result: ExploreResult) -> list[Path]:
    written = []
    for index, problem in enumerate(result.problems):
        run = result.runs.get(index)
        if run is None:
            continue
        name = f"{index + 1:02d}-{problem.kind.value}"
        if problem.finding is not None:
            name += f"-{slug(problem.finding.rule)}"
        document = problem_document(problem, run, name, result.target)
        written.append(write_fixture(directory, name, document, problem.title))
    return written


def save_path_fixtures(
    directory: Path, result: ExploreResult, runs: Sequence[PathRun]
) -> list[Path]:
    written = []
    for node, run in zip(result.map.nodes.values(), runs, strict=True):
        name = f"path-{node.id}"
        document = path_document(run, name, result.target)
        moves = " → ".join(move.label for move in node.path) or "(the call's start)"
        document["description"] = (
            f"Found by vcall explore against {result.target}: reaches {node.id} "
            f"({node.key.label}) by {moves}. The expectations are the answers observed: review them."
        )
        written.append(write_fixture(directory, name, document, f"state {node.id}"))
    return written


def problem_document(problem: Problem, run: PathRun, name: str, target: str) -> dict[str, Any]:
    document = path_document(run, name, target)
    moves = " → ".join(move.label for move in problem.path) or "(the call's start)"
    text = (
        f"Found by vcall explore against {target}: {problem.summary}. Caller moves: {moves}. "
        "The expectations are the answers observed: review them."
    )
    if problem.kind.value in NEVER_ENDING:
        document["end"] = EndReason.BOT_HANGUP.value
        text += (
            " The caller then stays silent until the session timeout; the fixture expects the "
            "bot to end the call (end: bot_hangup; use transfer if your bot hands over)."
        )
    if problem.kind.value == NO_ANSWER and document["call"].get("direction") != "outbound":
        document["answer"] = {"result": "success"}
        text += " The fixture expects a usable answer to the callin (answer: result success)."
    document["description"] = text
    document["tags"] = [*document.get("tags", []), EXPLORE_TAG, problem.kind.value]
    return document
