"""``--properties FILE``: team-written properties in YAML, checked like a fixture: every mistake
reported as ``file:line: message`` (unknown keys with a did-you-mean).

The format (``properties.schema.json`` is its JSON Schema)::

    properties:
      - name: 任何时候都能转人工
        in: any                                   # or {action_code: {contains: menu}}
        when: {say: 转人工}                         # say | press | silence (or a list of them)
        then: {within: 2, action: [transfer, parallel_transfer]}
      - name: 投诉分支绝不挂机
        in: {action_code: {contains: complaint}}
        never: {action: hangup}
      - name: 总能回到主菜单
        in: any
        reachable: {action_code: {contains: menu_root}}
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from vcall.simulator.errors import FixtureError, InputNotFoundError
from vcall.simulator.fixture import Match, MatchKind
from vcall.simulator.properties.model import (
    ANY,
    DEFAULT_WITHIN,
    CallerMove,
    Kind,
    MoveKind,
    Property,
    Selector,
)
from vcall.simulator.safe_yaml import LineDict, LineList, read_text, safe_load

PROPERTY_KEYS = ("name", "in", "when", "then", "never", "reachable")
FORMS = ("then", "never", "reachable")
SELECTOR_FIELDS = ("action", "action_code", "dynamic_id", "keys")
SELECTOR_KINDS = (MatchKind.EQUALS.value, MatchKind.CONTAINS.value, MatchKind.REGEX.value)
THEN_KEYS = ("within", "action")
MOVE_KEYS = tuple(kind.value for kind in MoveKind)
MAX_WITHIN = 20
DIGITS = re.compile(r"^[0-9*#]$")


def schema_text() -> str:
    """The JSON Schema of a properties file (shipped as package data)."""
    return resources.files(__package__).joinpath("properties.schema.json").read_text("utf-8")


def load_properties(path: Path | str) -> tuple[Property, ...]:
    try:
        text = read_text(path)
    except InputNotFoundError:
        raise InputNotFoundError(f"--properties {path}: no such file") from None
    return parse_properties(text, str(path))


def parse_properties(text: str, file: str) -> tuple[Property, ...]:
    document = safe_load(text, file)
    if not isinstance(document, LineDict) or not isinstance(document.get("properties"), LineList):
        line = document.line if isinstance(document, LineDict) else 1
        raise FixtureError("expected 'properties:' with a list of properties", file=file, line=line)
    _unknown(document, ("properties",), "", file)
    listed: LineList = document["properties"]
    problems: list[FixtureError] = []
    found: list[Property] = []
    names: set[str] = set()
    for index, raw in enumerate(listed):
        name = raw.get("name") if isinstance(raw, LineDict) else None
        if isinstance(name, str) and name.strip() in names:
            message = f"properties[{index}]: the name {name.strip()!r} is used twice"
            problems.append(FixtureError(message, file=file, line=raw.line))
        elif isinstance(name, str):
            names.add(name.strip())
        try:
            found.append(_property(raw, index, file, listed.line_of(index)))
        except FixtureError as error:
            problems.extend(error.all)
    if problems:
        raise FixtureError.of_many(problems)
    if not found:
        raise FixtureError("'properties:' is empty", file=file, line=listed.line)
    return tuple(found)


def _property(raw: Any, index: int, file: str, line: int) -> Property:
    what = f"properties[{index}]"
    if not isinstance(raw, LineDict):
        raise FixtureError(
            f"{what}: expected a mapping with name and one of then, never, reachable",
            file=file,
            line=line,
        )
    _unknown(raw, PROPERTY_KEYS, f"{what}.", file)
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise FixtureError(f"{what}: 'name' is missing or empty", file=file, line=raw.line)
    forms = [form for form in FORMS if form in raw]
    if len(forms) != 1:
        raise FixtureError(
            f"{what} ({name}): give exactly one of then (with when), never, reachable",
            file=file,
            line=raw.line,
        )
    where = _selector(raw.get("in", "any"), f"{what}.in", file, raw.line_of("in"))
    form = forms[0]
    if form == "then":
        if "when" not in raw:
            raise FixtureError(
                f"{what}.then: needs a 'when:' (the caller's move)",
                file=file,
                line=raw.line_of("then"),
            )
        moves = _moves(raw["when"], f"{what}.when", file, raw.line_of("when"))
        within, actions = _then(raw["then"], f"{what}.then", file, raw.line_of("then"))
        return Property(
            name.strip(), Kind.WHEN_THEN, where, moves, within, actions, file=file, line=raw.line
        )
    if "when" in raw:
        raise FixtureError(
            f"{what}.when: only a 'then:' property takes a 'when:'",
            file=file,
            line=raw.line_of("when"),
        )
    target = _selector(raw[form], f"{what}.{form}", file, raw.line_of(form))
    if target.any:
        raise FixtureError(
            f"{what}.{form}: name what to match, e.g. {{action: hangup}}",
            file=file,
            line=raw.line_of(form),
        )
    kind = Kind.NEVER if form == "never" else Kind.REACHABLE
    return Property(name.strip(), kind, where, target=target, file=file, line=raw.line)


def _selector(raw: Any, what: str, file: str, line: int) -> Selector:
    if raw == "any":
        return ANY
    if not isinstance(raw, LineDict) or not raw:
        raise FixtureError(
            f"{what}: expected 'any' or a mapping such as {{action_code: {{contains: menu}}}}",
            file=file,
            line=line,
        )
    _unknown(raw, SELECTOR_FIELDS, f"{what}.", file)
    matches = []
    for key, value in raw.items():
        here = raw.line_of(key)
        if not isinstance(value, LineDict):
            if isinstance(value, LineList):
                raise FixtureError(
                    f"{what}.{key}: expected a value or {{contains: ...}}", file=file, line=here
                )
            matches.append(Match(f"data.{key}", MatchKind.EQUALS, value))
            continue
        if len(value) != 1 or next(iter(value)) not in SELECTOR_KINDS:
            raise FixtureError(
                f"{what}.{key}: give one of {', '.join(SELECTOR_KINDS)}", file=file, line=here
            )
        kind, operand = next(iter(value.items()))
        if kind == MatchKind.REGEX.value:
            try:
                re.compile(str(operand))
            except re.error as error:
                raise FixtureError(
                    f"{what}.{key}: invalid regex {operand!r}: {error}", file=file, line=here
                ) from None
        matches.append(Match(f"data.{key}", MatchKind(kind), operand))
    return Selector(tuple(matches))


def _moves(raw: Any, what: str, file: str, line: int) -> tuple[CallerMove, ...]:
    items = list(raw) if isinstance(raw, LineList) else [raw]
    moves = []
    for position, item in enumerate(items):
        here = raw.line_of(position) if isinstance(raw, LineList) else line
        if not isinstance(item, LineDict) or len(item) != 1:
            raise FixtureError(
                f'{what}: expected one of {{say: 转人工}}, {{press: "0"}}, {{silence: true}}',
                file=file,
                line=here,
            )
        _unknown(item, MOVE_KEYS, f"{what}.", file)
        kind, value = next(iter(item.items()))
        move_kind = MoveKind(kind)
        text = "" if value is None or value is True else str(value).strip()
        if move_kind is MoveKind.SAY and not text:
            raise FixtureError(f"{what}.say: give the words", file=file, line=here)
        if move_kind is MoveKind.PRESS and not DIGITS.match(text):
            raise FixtureError(
                f"{what}.press: one key, 0-9, * or #, got {value!r}", file=file, line=here
            )
        if move_kind is MoveKind.SILENCE and value not in (None, True):
            raise FixtureError(f"{what}.silence: write 'silence: true'", file=file, line=here)
        moves.append(CallerMove(move_kind, text))
    if not moves:
        raise FixtureError(f"{what}: no caller move given", file=file, line=line)
    return tuple(moves)


def _then(raw: Any, what: str, file: str, line: int) -> tuple[int, frozenset[str]]:
    if not isinstance(raw, LineDict):
        raise FixtureError(
            f"{what}: expected a mapping such as {{within: 2, action: transfer}}",
            file=file,
            line=line,
        )
    _unknown(raw, THEN_KEYS, f"{what}.", file)
    within = raw.get("within", DEFAULT_WITHIN)
    if isinstance(within, bool) or not isinstance(within, int) or not 1 <= within <= MAX_WITHIN:
        raise FixtureError(
            f"{what}.within: a whole number of turns, 1 to {MAX_WITHIN}",
            file=file,
            line=raw.line_of("within"),
        )
    actions = raw.get("action")
    listed: Sequence[Any] = actions if isinstance(actions, LineList) else [actions]
    names = [str(a).strip() for a in listed if a is not None and str(a).strip()]
    if not names:
        raise FixtureError(
            f"{what}.action: name the action(s) that satisfy it, e.g. transfer",
            file=file,
            line=raw.line_of("action") if "action" in raw else line,
        )
    return within, frozenset(names)


def _unknown(mapping: LineDict, known: Iterable[str], prefix: str, file: str) -> None:
    known = tuple(known)
    problems = []
    for key in mapping:
        if key not in known:
            hint = difflib.get_close_matches(str(key), known, n=1)
            suggestion = (
                f" (did you mean {hint[0]!r}?)"
                if hint
                else f" (expected one of: {', '.join(known)})"
            )
            message = f"unknown key {prefix + str(key)!r}{suggestion}"
            problems.append(FixtureError(message, file=file, line=mapping.line_of(key)))
    if problems:
        raise FixtureError.of_many(problems)
