"""State identity: what the bot does, reduced to a key two calls can be compared by.

A state is the bot's answer as the caller experiences it: its action, what it plays (the
``action_code`` items, a TTS item as the text it speaks), its key-collection settings and its
``dynamic_id``. Values that change from call to call (numbers, dates, times) are masked so that
"您的余额为 35 元" and "您的余额为 12 元" are one state. :class:`Identity` coarsens or refines this.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

DATE = re.compile(r"\d{4}[-/年.]\d{1,2}[-/月.]\d{1,2}日?|\d{1,2}月\d{1,2}[日号]")
TIME = re.compile(r"\d{1,2}[:：]\d{2}(?:[:：]\d{2})?")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
TTS_ITEM = re.compile(r"^\$([^$]*)\$$")
NO_CHANGE_ACTIONS = frozenset({"continue", "donothing"})
"""Answers after which the bot is where it was: the same state, unless ``dynamic_id`` moved."""
TEXT_CUT = 60
"""A state's label shows this many characters of what it plays."""


class Identity(StrEnum):
    """How finely states are told apart."""

    COARSE = "coarse"
    """Action, the files played and key settings: TTS text and ``dynamic_id`` are ignored."""
    NORMAL = "normal"
    """Also the spoken TTS text (numbers and dates masked) and ``dynamic_id``."""
    FINE = "fine"
    """Like ``normal`` without masking: every distinct number is a state of its own."""


@dataclass(frozen=True, slots=True)
class StateKey:
    """What identifies a state; ``key`` is its stable text form (used in maps and reports)."""

    action: str
    plays: tuple[str, ...] = ()
    keys: str = ""
    """Key-collection settings (``dtmf`` only): ``max=4 end=# timeout=5s``."""
    dynamic_id: str = ""

    @property
    def key(self) -> str:
        parts = [self.action, "+".join(self.plays)]
        if self.keys:
            parts.append(self.keys)
        if self.dynamic_id:
            parts.append(f"id={self.dynamic_id}")
        return " | ".join(parts)

    @property
    def label(self) -> str:
        """Short form for graphs: action and the start of what it plays."""
        plays = " + ".join(self.plays)
        if len(plays) > TEXT_CUT:
            plays = plays[: TEXT_CUT - 1] + "…"
        return f"{self.action}: {plays}" if plays else self.action


def mask(text: str) -> str:
    """Dates, times and numbers replaced by placeholders (``<date>``, ``<time>``, ``<n>``)."""
    text = DATE.sub("<date>", text)
    text = TIME.sub("<time>", text)
    return NUMBER.sub("<n>", text)


KNOWN_CAP = 4096
"""Answers whose state is remembered (a crawl meets the same few answers again and again)."""
KNOWN_TEXT_MAX = 2048
"""Only answers whose ``action_code``/``action_code_param`` are at most this long are
remembered (the memo stays a few MB whatever the bot says)."""
_known: dict[tuple[object, ...], StateKey] = {}
_FIELDS = (
    "action",
    "action_code",
    "action_code_param",
    "dtmf_max_numbers",
    "dtmf_end_character",
    "dtmf_nonin_overtime",
    "dynamic_id",
)
_LONG_FIELDS = ("action_code", "action_code_param", "dynamic_id")


def state_of(data: Mapping[str, Any], identity: Identity = Identity.NORMAL) -> StateKey:
    """The state an answer's ``data`` puts the call in (computed once per distinct answer)."""
    if any(len(str(data.get(name) or "")) > KNOWN_TEXT_MAX for name in _LONG_FIELDS):
        return _state_of(data, identity)
    try:
        seen = (identity, *(_hashable(data.get(name)) for name in _FIELDS))
        known = _known.get(seen)
    except TypeError:  # a value that cannot be a key (a list as action_code_param ...)
        return _state_of(data, identity)
    if known is None:
        if len(_known) >= KNOWN_CAP:
            _known.clear()
        known = _known[seen] = _state_of(data, identity)
    return known


def _hashable(value: Any) -> object:
    """``value`` as part of a key: its type too (``1`` and ``"1"`` are read alike, but a
    mapping is not hashable and raises ``TypeError``)."""
    return (type(value), value)


def _state_of(data: Mapping[str, Any], identity: Identity) -> StateKey:
    action = _text(data.get("action")) or "(no action)"
    plays = tuple(_plays(data, identity))
    keys = _key_settings(data) if action == "dtmf" else ""
    dynamic_id = "" if identity is Identity.COARSE else _text(data.get("dynamic_id"))
    return StateKey(action, plays, keys, dynamic_id)


def is_no_change(data: Mapping[str, Any] | None, current: StateKey | None) -> bool:
    """Whether the answer leaves the bot where it was (``continue``/``donothing`` keeping its
    ``dynamic_id``; an unusable answer, which the platform treats as ``donothing``)."""
    if data is None:
        return True
    if _text(data.get("action")) not in NO_CHANGE_ACTIONS:
        return False
    if current is None:
        return True
    dynamic_id = _text(data.get("dynamic_id"))
    return not dynamic_id or not current.dynamic_id or dynamic_id == current.dynamic_id


def _plays(data: Mapping[str, Any], identity: Identity) -> list[str]:
    code = _text(data.get("action_code"))
    if not code:
        return []
    values = _tts_values(data.get("action_code_param"))
    items = []
    for item in (part.strip() for part in code.split(",")):
        variable = TTS_ITEM.match(item)
        if variable is None or identity is Identity.COARSE:
            items.append(item)
            continue
        spoken = values.get(variable.group(1))
        if spoken is None:
            items.append(item)
        else:
            items.append(spoken if identity is Identity.FINE else mask(spoken))
    return items


def _tts_values(param: Any) -> dict[str, str]:
    if isinstance(param, str):
        try:
            param = json.loads(param)
        except ValueError:
            return {}
    if not isinstance(param, Mapping):
        return {}
    return {str(name): _text(value) for name, value in param.items()}


def _key_settings(data: Mapping[str, Any]) -> str:
    most = _text(data.get("dtmf_max_numbers")) or "-"
    end = _text(data.get("dtmf_end_character")) or "-"
    timeout = _text(data.get("dtmf_nonin_overtime")) or "-"
    return f"max={most} end={end} timeout={timeout}s"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
