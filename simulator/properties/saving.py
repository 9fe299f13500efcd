"""``explore --save DIR``: one fixture per violated property, replaying red while the bot breaks
it and green once it is fixed.

The fixture plays the counterexample's caller moves and expects only what the property says
(the answers observed on the way are not recorded: a fix may change them):

- ``call-can-end``: the moves to the state no move leaves; the bot is expected to have ended the
  call by then (``end: bot_hangup``; write ``transfer`` if your bot hands over).
- ``silence-ends``, ``no-repeat``: the caller then stays silent for one more than the allowed
  silences or repeats, and the bot is expected to end the call (``end: bot_hangup``).
- ``when``/``then``: the call is expected to end by the ``then`` action (``end: transfer``)
  when that action ends a call, else the move's answer is expected to be one of them.
- ``never``: the answer to the last move is expected not to match.
- ``reachable`` is a claim about every path, which one call cannot show: no fixture.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from vcall.simulator.dialogue_map import (
    EXPLORE_TAG,
    ExploreMap,
    Move,
    PathRun,
    path_document,
    write_fixture,
)
from vcall.simulator.fixture import EndReason, MatchKind
from vcall.simulator.properties.checker import silent_until
from vcall.simulator.properties.model import Kind, PropertyOutcome
from vcall.simulator.properties.shrinking import tail_length

PROPERTY_TAG = "property"
ENDS = (
    ("hangup", EndReason.BOT_HANGUP.value),
    ("transfer", EndReason.TRANSFER.value),
    ("parallel_transfer", EndReason.PARALLEL_TRANSFER.value),
    ("parallel_bridge", EndReason.PARALLEL_BRIDGE.value),
)
"""The end a fixture expects for a ``then:`` action that ends the call, most likely first (a
fixture names one: edit it if your bot ends the call another way)."""
SLUG = re.compile(r"[^a-z0-9]+")


def fixture_path(outcome: PropertyOutcome, explored: ExploreMap) -> tuple[Move, ...] | None:
    """The moves the property's fixture plays (``None``: no fixture for it): the counterexample
    (shrunk), except that ``no-repeat``'s repeated moves become one long silence."""
    prop = outcome.property
    node = explored.by_id().get(outcome.states[0]) if outcome.states else None
    if not outcome.violated or node is None or prop.kind is Kind.REACHABLE:
        return None
    if prop.kind is Kind.NO_REPEAT:
        reach = outcome.path[: len(outcome.path) - tail_length(outcome)]
        return (*reach, silent_until(node.situation, prop.limit))
    return outcome.path


def save_property_fixtures(
    directory: Path, outcomes: list[PropertyOutcome], runs: Mapping[int, PathRun], target: str
) -> list[Path]:
    written = []
    for index, outcome in enumerate(outcomes):
        run = runs.get(index)
        if run is None or not outcome.violated:
            continue
        name = f"property-{index + 1:02d}-{_slug(outcome.property.name, index)}"
        path = write_fixture(directory, name, property_document(outcome, run, name, target), name)
        outcome.saved = str(path)
        written.append(path)
    return written


def property_document(
    outcome: PropertyOutcome, run: PathRun, name: str, target: str
) -> dict[str, Any]:
    prop = outcome.property
    document = path_document(run, name, target)
    document.pop("answer", None)
    document.pop("end", None)
    steps: list[dict[str, Any]] = document["steps"]
    for step in steps:
        step.pop("expect", None)
    moves = " → ".join(move.label for move in outcome.path)
    text = (
        f"Found by vcall explore against {target}: property {prop.name!r} ({prop.describe()}) "
        f"is violated: {outcome.reason}. Caller moves: {moves}."
    )
    if prop.kind in (Kind.CAN_END, Kind.SILENCE_ENDS, Kind.NO_REPEAT):
        document["end"] = EndReason.BOT_HANGUP.value
        text += " The bot is expected to end the call (bot_hangup; write transfer if your bot"
        text += " hands over)."
    elif prop.kind is Kind.WHEN_THEN:
        endings = [end for action, end in ENDS if action in prop.actions]
        if endings:
            document["end"] = endings[0]
            text += f" The call is expected to end by {endings[0]}."
        elif steps:
            steps[-1]["expect"] = {"action": {"regex": _one_of(sorted(prop.actions))}}
    elif prop.kind is Kind.NEVER and steps:
        steps[-1]["expect"] = _negated(prop.target.matches)
        text += " The last answer is expected not to match."
    document["description"] = text
    document["tags"] = [*document.get("tags", []), EXPLORE_TAG, PROPERTY_TAG]
    return document


def _one_of(values: list[str]) -> str:
    return "^(" + "|".join(re.escape(value) for value in values) + ")$"


def _negated(matches: tuple[Any, ...]) -> dict[str, Any]:
    """Each match turned into a regex that fails where it would have matched (a property with
    several matches is saved with the first, the one that names what must not happen)."""
    first = matches[0]
    field_name = first.path.removeprefix("data.")
    if field_name == "keys":
        field_name = "dtmf_max_numbers"
    value = str(first.value)
    if first.kind is MatchKind.EQUALS:
        pattern = f"^(?!{re.escape(value)}$)"
    elif first.kind is MatchKind.CONTAINS:
        pattern = f"^(?![\\s\\S]*{re.escape(value)})"
    else:
        pattern = f"^(?![\\s\\S]*(?:{value}))"
    return {field_name: {"regex": pattern}}


def _slug(name: str, index: int) -> str:
    return SLUG.sub("-", name.lower()).strip("-")[:40] or f"p{index + 1}"
