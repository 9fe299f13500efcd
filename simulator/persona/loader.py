"""Reading persona files (YAML or JSON), every mistake located as ``file:line: what``.

One persona per file, or several under ``personas:``::

    name: parcel
    goal: 查一下快递到哪了，然后挂机
    say: 查快递                 # the key phrase (default: drawn from the goal)
    facts: {phone: '13800138000', order: '20241234'}
    style: patient              # impatient, elderly, talks-over, fragments
    asr: on                     # or {fillers: 0.2, digits: mixed}
    budget: 10                  # caller turns before giving up
    success: {heard: 预计明天送达}  # heard / transfer / end / action
    hears: {menu.wav: 查快递请按1，转人工请按2}
    call: {caller: '13900001111'}
    seed: 7
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from vcall.simulator.errors import FixtureError, InputNotFoundError
from vcall.simulator.fixture.asr import AsrConfigError, asr_config
from vcall.simulator.fixture.scenario import CallSettings, EndReason
from vcall.simulator.persona.model import MAX_BUDGET, Persona, Style, SuccessMatcher
from vcall.simulator.safe_yaml import LineDict, LineList, read_text, safe_load

KEYS = (
    "name",
    "goal",
    "say",
    "facts",
    "style",
    "asr",
    "budget",
    "success",
    "hears",
    "call",
    "seed",
)
SUCCESS_KEYS = ("heard", "transfer", "end", "action")
CALL_KEYS = ("caller", "callee", "orgcallee")
MAX_FILE_BYTES = 1024 * 1024


class _Where:
    def __init__(self, file: str) -> None:
        self.file = file

    def error(self, message: str, line: int) -> FixtureError:
        return FixtureError(message, file=self.file, line=line or None)


def load_personas(path: str | Path) -> list[Persona]:
    """Every persona of one file."""
    try:
        text = read_text(path, MAX_FILE_BYTES)
    except InputNotFoundError:
        raise InputNotFoundError(f"cannot read persona file {path}: no such file") from None
    return parse_personas(text, str(path))


def parse_personas(text: str, file: str = "<persona>") -> list[Persona]:
    where = _Where(file)
    document = safe_load(text, file)
    if not isinstance(document, LineDict):
        raise where.error("a persona file is a mapping (goal: ...), or personas: [...]", 1)
    if "personas" in document:
        items = document["personas"]
        if not isinstance(items, LineList) or not items:
            raise where.error("personas: a non-empty list", document.line_of("personas"))
        extra = [key for key in document if key != "personas"]
        if extra:
            raise where.error(
                f"unknown key {extra[0]!r} beside personas:", document.line_of(extra[0])
            )
        return [_persona(item, where, items.line_of(i), i) for i, item in enumerate(items)]
    return [_persona(document, where, document.line, 0)]


def _persona(raw: Any, where: _Where, line: int, index: int) -> Persona:
    if not isinstance(raw, LineDict):
        raise where.error("a persona is a mapping with a goal:", line)
    for key in raw:
        if key not in KEYS:
            raise where.error(f"unknown key {key!r} (expected {', '.join(KEYS)})", raw.line_of(key))
    goal = _text(raw, "goal", where, required=True)
    name = _text(raw, "name", where) or (Path(where.file).stem + (f"-{index + 1}" if index else ""))
    try:
        asr = asr_config(raw.get("asr"), "asr")
    except AsrConfigError as error:
        raise where.error(str(error), raw.line_of("asr")) from None
    return Persona(
        name=name,
        goal=goal,
        say=_text(raw, "say", where),
        facts=_strings(raw, "facts", where),
        style=_style(raw, where),
        asr=asr,
        budget=_int(raw, "budget", where, 12, 1, MAX_BUDGET),
        success=_success(raw, where),
        hears=_strings(raw, "hears", where),
        call=_call(raw, where),
        seed=_int(raw, "seed", where, 0, 0, 2**63),
        file=where.file,
    )


def _text(raw: LineDict, key: str, where: _Where, required: bool = False) -> str:
    value = raw.get(key)
    if value is None:
        if required:
            raise where.error(f"{key}: required", raw.line)
        return ""
    if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
        raise where.error(f"{key}: expected text, got {value!r}", raw.line_of(key))
    return str(value).strip()


def _strings(raw: LineDict, key: str, where: _Where) -> Mapping[str, str]:
    value = raw.get(key)
    if value is None:
        return {}
    if not isinstance(value, LineDict):
        raise where.error(f"{key}: expected a mapping of names to text", raw.line_of(key))
    for name, item in value.items():
        if not isinstance(item, str | int) or isinstance(item, bool):
            raise where.error(f"{key}.{name}: expected text, got {item!r}", value.line_of(name))
    return {str(name): str(item) for name, item in value.items()}


def _style(raw: LineDict, where: _Where) -> Style:
    value = raw.get("style", Style.PATIENT.value)
    try:
        return Style(str(value))
    except ValueError:
        choices = ", ".join(style.value for style in Style)
        raise where.error(
            f"style: {value!r} is not one of {choices}", raw.line_of("style")
        ) from None


def _int(raw: LineDict, key: str, where: _Where, default: int, low: int, high: int) -> int:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise where.error(
            f"{key}: {value!r} is not a whole number from {low} to {high}", raw.line_of(key)
        )
    return value


def _success(raw: LineDict, where: _Where) -> SuccessMatcher | None:
    value = raw.get("success")
    if value is None:
        return None
    line = raw.line_of("success")
    if not isinstance(value, LineDict) or not value:
        raise where.error(f"success: a mapping of {', '.join(SUCCESS_KEYS)}", line)
    for key in value:
        if key not in SUCCESS_KEYS:
            raise where.error(
                f"success: unknown key {key!r} (expected {', '.join(SUCCESS_KEYS)})",
                value.line_of(key),
            )
    end = value.get("end")
    ending: EndReason | None = None
    if end is not None:
        try:
            ending = EndReason(str(end))
        except ValueError:
            choices = ", ".join(reason.value for reason in EndReason)
            raise where.error(
                f"success.end: {end!r} is not one of {choices}", value.line_of("end")
            ) from None
    heard = str(value.get("heard", ""))
    if heard:
        try:
            re.compile(heard)
        except re.error as error:
            raise where.error(
                f"success.heard: not a regular expression: {error}", value.line_of("heard")
            ) from None
    return SuccessMatcher(
        heard=heard,
        transfer=str(value.get("transfer", "")),
        end=ending,
        action=str(value.get("action", "")),
    )


def _call(raw: LineDict, where: _Where) -> CallSettings:
    value = raw.get("call")
    if value is None:
        return CallSettings()
    if not isinstance(value, LineDict):
        raise where.error(
            "call: expected a mapping (caller, callee, orgcallee)", raw.line_of("call")
        )
    for key in value:
        if key not in CALL_KEYS:
            raise where.error(
                f"call: unknown key {key!r} (expected {', '.join(CALL_KEYS)})", value.line_of(key)
            )
    base = CallSettings()
    return CallSettings(
        caller=str(value.get("caller", base.caller)),
        callee=str(value.get("callee", base.callee)),
        orgcallee=str(value.get("orgcallee", "")),
    )
