"""Comparing two states' answers field by field, with what is noise between versions left out.

A state's fields: ``plays`` (what the caller hears: action_code items, TTS text with numbers
and dates masked), then each field of the answer that made it (``action``, ``action_code``,
``mute_time``, ``dtmf_*``, break flags, ``session_timeout``, transfer numbers ...), the TTS
parameters as ``action_code_param.NAME`` (those a ``$NAME$`` item speaks are in ``plays``).
``dynamic_id`` is never compared: a version that only renames its states is the same to a
caller; that it routes the same is what the alignment checks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from vcall.simulator.dialogue_map import mask
from vcall.simulator.diff.sides import State

ALWAYS_IGNORED = frozenset({"dynamic_id", "call_id"})
SPOKEN = re.compile(r"\$([^$]*)\$")


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    old: str | None
    new: str | None
    """``None``: the field is not in that version's answer."""


def state_fields(state: State, key_only: bool = False) -> dict[str, str]:
    """The fields compared, as text; ``key_only``: those the state's key holds (what a map
    written before answers were kept has)."""
    fields = {"plays": " + ".join(state.plays)}
    answer = state.answer
    if answer is None or key_only:  # a map written before answers were kept: what the key says
        fields["action"] = state.action
        if state.keys:
            fields["keys"] = state.keys
        return fields
    spoken = set(SPOKEN.findall(str(answer.get("action_code") or "")))
    for name, value in answer.items():
        if name == "action_code_param":
            fields.update(_params(value, spoken))
        else:
            fields[name] = _text(value)
    return fields


def _params(value: Any, spoken: set[str]) -> dict[str, str]:
    parsed = value
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return {"action_code_param": mask(value)}
    if not isinstance(parsed, Mapping):
        return {"action_code_param": mask(_text(parsed))}
    return {
        f"action_code_param.{name}": mask(_text(item))
        for name, item in parsed.items()
        if str(name) not in spoken
    }


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def ignored(name: str, ignore: Iterable[str]) -> bool:
    """``--ignore mute_time``; ``--ignore action_code_param`` covers its parameters too."""
    return any(name == skip or name.startswith(skip + ".") for skip in (*ALWAYS_IGNORED, *ignore))


def field_changes(old: State, new: State, ignore: Iterable[str] = ()) -> tuple[FieldChange, ...]:
    """The fields that differ, in a stable order (``plays`` first)."""
    skip = tuple(ignore)
    key_only = old.answer is None or new.answer is None
    before, after = state_fields(old, key_only), state_fields(new, key_only)
    names = [*before, *(name for name in after if name not in before)]
    return tuple(
        FieldChange(name, before.get(name), after.get(name))
        for name in names
        if not ignored(name, skip) and before.get(name) != after.get(name)
    )
