"""Lenient reading of response fields and SmartCall parameters.

The platform accepts numbers sent as numeric strings and booleans sent as ``"true"`` / ``"True"``
(docs/platform.md §3, §5); the model reads them the same way. A value it cannot read is ignored with
a note, as the platform would ignore it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import TypeGuard

from vcall.simulator.spec import LENIENT_BOOLEAN_TEXTS, LENIENT_INTEGER_TEXT, range_outcome

Note = Callable[[str], None]


def to_int(value: object) -> int | None:
    """An int from an int, an integral float or a numeric string; ``None`` otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and LENIENT_INTEGER_TEXT.fullmatch(value.strip()):
        return int(float(value.strip()))
    return None


def to_bool(value: object) -> bool | None:
    """A bool from a bool, 0/1 or ``"true"``/``"false"`` in any case; ``None`` otherwise."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        return LENIENT_BOOLEAN_TEXTS.get(value.strip().lower())
    return None


def is_mapping(value: object) -> TypeGuard[Mapping[str, object]]:
    """``isinstance(value, Mapping)``, the plain ``dict`` of a parsed answer checked first."""
    return type(value) is dict or isinstance(value, Mapping)


def to_text(value: object) -> str | None:
    """A string from a string or a scalar; ``None`` for absent values, objects and lists."""
    if type(value) is str:
        return value
    if value is None or isinstance(value, Mapping | list):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def to_params(value: object) -> dict[str, str] | None:
    """TTS values from a JSON object or a JSON string holding one; ``None`` when unreadable."""
    if isinstance(value, str):
        if not value.strip():
            return {}
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if not isinstance(value, Mapping):
        return None
    return {str(key): to_text(item) or "" for key, item in value.items()}


def within(name: str, value: int, note: Note) -> int | None:
    """``value`` when inside the range ``spec`` gives ``name``; else what the platform then uses
    (``None``: the value is ignored), with a note saying exactly what the validator says."""
    outcome = range_outcome(name, value)
    if outcome is None:
        return value
    note(outcome.message)
    return outcome.used


class FieldReader:
    """Reads the fields of one response (or one SmartCall request), noting unreadable values."""

    def __init__(self, data: Mapping[str, object], note: Note) -> None:
        self._data = data
        self._note = note

    def present(self, name: str) -> bool:
        value = self._data.get(name)
        return value is not None and value != ""

    def integer(self, name: str) -> int | None:
        if not self.present(name):
            return None
        value = to_int(self._data[name])
        if value is None:
            self._ignored(name, "is not a whole number: ignored")
        return value

    def boolean(self, name: str, default: bool) -> bool:
        if not self.present(name):
            return default
        value = to_bool(self._data[name])
        if value is None:
            self._ignored(name, f"is not a boolean: {str(default).lower()} is used")
            return default
        return value

    def text(self, name: str) -> str | None:
        if name not in self._data:
            return None
        value = to_text(self._data[name])
        if value is None and self._data[name] is not None:
            self._ignored(name, "is not a string: ignored")
        return value

    def params(self, name: str) -> dict[str, str]:
        if not self.present(name):
            return {}
        value = to_params(self._data[name])
        if value is None:
            self._ignored(name, "is not a JSON object: ignored")
            return {}
        return value

    def _ignored(self, name: str, why: str) -> None:
        self._note(f"{name} {self._data[name]!r} {why}")
