"""Writing what an exploration found as fixtures ``vcall simulate`` replays.

One file per problem (``--save``), one per state's shortest path (``--save-paths``). Each records
a call: the caller's steps, and the answers observed as expectations, tagged ``recorded`` (a
person should review them). A problem's fixture fails when replayed as long as the problem is
there: its error findings come back, and a call that never ends is expected to be ended by the
bot (``end: bot_hangup``), which it is not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vcall.simulator.atomic import write_atomic
from vcall.simulator.errors import UsageError
from vcall.simulator.explore.driver import PathRun
from vcall.simulator.fixture import EndReason, document_yaml
from vcall.simulator.live import CallRecording, fixture_document

if TYPE_CHECKING:
    from vcall.simulator.explore.problems import Problem
    from vcall.simulator.explore.result import ExploreResult

EXPLORE_TAG = "explore"
NEVER_ENDING = ("dead-end", "loop")
NO_ANSWER = "no-answer"
SLUG = re.compile(r"[^a-z0-9]+")


def save_problem_fixtures(directory: Path, result: ExploreResult) -> list[Path]:
    written = []
    for index, problem in enumerate(result.problems):
        run = result.runs.get(index)
        if run is None:
            continue
        name = f"{index + 1:02d}-{problem.kind.value}"
        if problem.finding is not None:
            name += f"-{_slug(problem.finding.rule)}"
        document = problem_document(problem, run, name, result.target)
        written.append(_write(directory, name, document, problem.title))
    return written


def save_path_fixtures(
    directory: Path, result: ExploreResult, runs: Sequence[PathRun]
) -> list[Path]:
    written = []
    for node, run in zip(result.map.nodes.values(), runs, strict=True):
        name = f"path-{node.id}"
        document = _document(run, name, result.target)
        moves = " → ".join(move.label for move in node.path) or "(the call's start)"
        document["description"] = (
            f"Found by vcall explore against {result.target}: reaches {node.id} "
            f"({node.key.label}) by {moves}. The expectations are the answers observed: review them."
        )
        written.append(_write(directory, name, document, f"state {node.id}"))
    return written


def problem_document(problem: Problem, run: PathRun, name: str, target: str) -> dict[str, Any]:
    document = _document(run, name, target)
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


def _document(run: PathRun, name: str, target: str) -> dict[str, Any]:
    result = run.result
    recording = CallRecording(
        settings=result.scenario.call,
        steps=run.steps,
        turns=result.turns,
        call_id=result.call_id,
        end_reason=result.end_reason,
        target=target,
    )
    return fixture_document(recording, name)


def _write(directory: Path, name: str, document: dict[str, Any], what: str) -> Path:
    header = (
        f"# Written by vcall explore ({what}).\n"
        "# Replay it: vcall simulate TARGET --fixture THIS_FILE\n"
    )
    path = directory / f"{name}.yaml"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        write_atomic(path, document_yaml(document, header))
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
    return path


def _slug(text: str) -> str:
    return SLUG.sub("-", text.lower()).strip("-")[:40] or "problem"
