"""Typed loading of fixture files (one scenario per YAML/JSON file) with ``file:line`` errors.

The published JSON Schema (``schemas/fixture.schema.json``) describes the same shape for editors;
this loader is what vcall trusts, and its errors say what is wrong and where.
"""

from __future__ import annotations

import difflib
import glob
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vcall.simulator.durations import parse_duration
from vcall.simulator.errors import DurationError, FixtureError, InputNotFoundError
from vcall.simulator.scenario import (
    Action,
    BargeIn,
    CallSettings,
    Direction,
    EndReason,
    Expectation,
    Hangup,
    Match,
    MatchKind,
    Press,
    Say,
    Scenario,
    Silence,
    Step,
    Wait,
)
from vcall.simulator.spec import SMARTCALL_PARAMS, CallbackKind
from vcall.simulator.yaml_lines import LineDict, LineList, load_yaml

FIXTURE_SUFFIXES = (".yaml", ".yml", ".json")
TOP_KEYS = ("name", "description", "tags", "call", "media", "variables", "answer", "steps", "end")
CALL_KEYS = ("direction", "caller", "callee", "orgcallee", "smartcall")
STEP_OPTIONS: Mapping[str, tuple[str, ...]] = {
    "say": ("duration", "early_media", "expect"),
    "silence": ("expect",),
    "press": ("gap", "expect"),
    "barge_in": ("after", "for", "expect"),
    "wait": ("expect",),
    "hangup": ("expect",),
}
EXPECTABLE_END_REASONS = tuple(r.value for r in EndReason if r is not EndReason.ENDPOINT_FAILED)
"""What ``end:`` may name; ``endpoint_failed`` is vcall's own outcome, not a way a call ends."""
_VARIABLE = re.compile(r"\$\{(env:)?([A-Za-z_][A-Za-z0-9_]*)\}")
_DIGITS = re.compile(r"^[0-9*#]+$")
_ALL_STEP_KEYS = tuple(
    dict.fromkeys([*STEP_OPTIONS, *(o for opts in STEP_OPTIONS.values() for o in opts)])
)
_WAIT_UNTIL_IDLE = ("playback", "", None)


@dataclass(frozen=True, slots=True)
class _Where:
    """The file being loaded, for error messages."""

    file: str

    def error(self, message: str, line: int | None) -> FixtureError:
        return FixtureError(message, file=self.file, line=line)


# --- entry points -------------------------------------------------------------------------------


def load_scenario(path: str | Path, environ: Mapping[str, str] | None = None) -> Scenario:
    """Load one fixture file."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputNotFoundError(f"{file}: no such fixture file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise FixtureError(f"cannot read: {error}", file=file) from None
    return parse_scenario(text, file, environ)


def parse_scenario(
    text: str, file: str = "<fixture>", environ: Mapping[str, str] | None = None
) -> Scenario:
    """Parse fixture text (YAML or JSON) into a :class:`Scenario`."""
    where = _Where(file)
    document = load_yaml(text, file)
    if not isinstance(document, LineDict):
        raise where.error("a fixture must be a mapping with name and steps", 1)
    env = os.environ if environ is None else environ
    document = _substitute(document, _variables(document, where, env), env, where, document.line)
    return _scenario(document, where)


def expand_fixture_paths(patterns: Sequence[str]) -> list[Path]:
    """Files, directories (their fixture files, sorted) and globs -> fixture files, each once."""
    found: list[Path] = []
    for pattern in patterns:
        found.extend(_expand_one(pattern))
    unique = list(dict.fromkeys(path.resolve() for path in found))
    return [
        Path(os.path.relpath(path)) if path.is_relative_to(Path.cwd()) else path for path in unique
    ]


def load_scenarios(
    patterns: Sequence[str], environ: Mapping[str, str] | None = None
) -> list[Scenario]:
    return [load_scenario(path, environ) for path in expand_fixture_paths(patterns)]


def _expand_one(pattern: str) -> list[Path]:
    path = Path(pattern)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix in FIXTURE_SUFFIXES and p.is_file())
        if not files:
            raise InputNotFoundError(
                f"{pattern}: no fixture files (*.yaml, *.yml, *.json) in this directory"
            )
        return files
    if path.is_file():
        return [path]
    matches = sorted(Path(p) for p in glob.glob(pattern, recursive=True) if Path(p).is_file())
    if not matches:
        raise InputNotFoundError(f"{pattern}: no such fixture file, directory or glob match")
    return matches


# --- variables ----------------------------------------------------------------------------------


def _variables(document: LineDict, where: _Where, env: Mapping[str, str]) -> dict[str, str]:
    raw = document.pop("variables", None)
    if raw is None:
        return {}
    if not isinstance(raw, LineDict):
        raise where.error(
            "variables: expected a mapping of name: value", document.line_of("variables")
        )
    values: dict[str, str] = {}
    for name, value in raw.items():
        if value is None or isinstance(value, dict | list):
            raise where.error(
                f"variables.{name}: expected a text or number value", raw.line_of(name)
            )
        values[name] = _substitute_text(str(value), values, env, where, raw.line_of(name))
    return values


def _substitute(
    value: Any, variables: Mapping[str, str], env: Mapping[str, str], where: _Where, line: int
) -> Any:
    if isinstance(value, LineDict):
        for key in list(value):
            value[key] = _substitute(value[key], variables, env, where, value.line_of(key))
        return value
    if isinstance(value, LineList):
        for index, item in enumerate(value):
            value[index] = _substitute(item, variables, env, where, value.line_of(index))
        return value
    if isinstance(value, str):
        return _substitute_text(value, variables, env, where, line)
    return value


def _substitute_text(
    text: str, variables: Mapping[str, str], env: Mapping[str, str], where: _Where, line: int
) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(2)
        source = env if match.group(1) else variables
        if name not in source:
            kind = "environment variable" if match.group(1) else "variable"
            raise where.error(f"{kind} {name!r} is not set (used as {match.group(0)})", line)
        return source[name]

    return _VARIABLE.sub(replace, text)


# --- the scenario -------------------------------------------------------------------------------


def _scenario(doc: LineDict, where: _Where) -> Scenario:
    _reject_unknown(doc, TOP_KEYS, "", where)
    name = _required_text(doc, "name", where)
    call = _call(doc.get("call"), where, doc.line_of("call"))
    steps = _steps(doc, where)
    answer = _expectation(doc.get("answer"), where, doc.line_of("answer"), "answer")
    if answer is not None and call.direction is Direction.OUTBOUND:
        raise where.error("answer: outbound calls have no callin to answer", doc.line_of("answer"))
    return Scenario(
        name=name,
        description=str(doc.get("description", "")),
        call=call,
        media=_media(doc.get("media"), where, doc.line_of("media")),
        answer=answer,
        steps=steps,
        end=_end_reason(doc, where),
        tags=_tags(doc, where),
        file=where.file,
    )


def _reject_unknown(mapping: LineDict, known: Iterable[str], prefix: str, where: _Where) -> None:
    known = tuple(known)
    for key in mapping:
        if key not in known:
            hint = difflib.get_close_matches(key, known, n=1)
            suggestion = (
                f" (did you mean {hint[0]!r}?)"
                if hint
                else f" (expected one of: {', '.join(known)})"
            )
            raise where.error(f"unknown key {prefix + key!r}{suggestion}", mapping.line_of(key))


def _required_text(doc: LineDict, key: str, where: _Where) -> str:
    value = doc.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise where.error(f"{key!r} is required", doc.line_of(key))
    if isinstance(value, dict | list):
        raise where.error(f"{key}: expected text", doc.line_of(key))
    return str(value)


def _tags(doc: LineDict, where: _Where) -> tuple[str, ...]:
    tags = doc.get("tags", [])
    if not isinstance(tags, list) or any(isinstance(tag, dict | list) for tag in tags):
        raise where.error("tags: expected a list of words", doc.line_of("tags"))
    return tuple(str(tag) for tag in tags)


def _end_reason(doc: LineDict, where: _Where) -> EndReason | None:
    if "end" not in doc:
        return None
    value = str(doc["end"])
    if value not in EXPECTABLE_END_REASONS:
        choices = ", ".join(EXPECTABLE_END_REASONS)
        raise where.error(f"end: {value!r} is not one of {choices}", doc.line_of("end"))
    return EndReason(value)


def _call(raw: Any, where: _Where, line: int) -> CallSettings:
    if raw is None:
        return CallSettings()
    if not isinstance(raw, LineDict):
        raise where.error("call: expected a mapping (direction, caller, callee, ...)", line)
    _reject_unknown(raw, CALL_KEYS, "call.", where)
    direction = str(raw.get("direction", Direction.INBOUND.value))
    if direction not in {d.value for d in Direction}:
        raise where.error(
            f"call.direction: {direction!r} is not inbound or outbound", raw.line_of("direction")
        )
    smartcall = _smartcall(raw.get("smartcall"), where, raw.line_of("smartcall"))
    if smartcall and direction != Direction.OUTBOUND:
        raise where.error(
            "call.smartcall: only outbound calls have SmartCall settings", raw.line_of("smartcall")
        )
    defaults = CallSettings()
    return CallSettings(
        direction=Direction(direction),
        caller=_number(raw, "caller", defaults.caller, where),
        callee=_number(raw, "callee", defaults.callee, where),
        orgcallee=_number(raw, "orgcallee", "", where),
        smartcall=smartcall,
    )


def _number(raw: LineDict, key: str, default: str, where: _Where) -> str:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise where.error(f"call.{key}: expected a phone number", raw.line_of(key))
    return str(value)


def _smartcall(raw: Any, where: _Where, line: int) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, LineDict):
        raise where.error("call.smartcall: expected a mapping of SmartCall parameters", line)
    _reject_unknown(raw, SMARTCALL_PARAMS, "call.smartcall.", where)
    return {key: value for key, value in raw.items()}


def _media(raw: Any, where: _Where, line: int) -> dict[str, int]:
    if raw is None:
        return {}
    if not isinstance(raw, LineDict):
        raise where.error("media: expected a mapping of media code: duration", line)
    return {
        str(code): _duration(value, f"media.{code}", where, raw.line_of(code))
        for code, value in raw.items()
    }


def _duration(value: Any, what: str, where: _Where, line: int) -> int:
    try:
        return parse_duration(value, what=what)
    except DurationError as error:
        raise where.error(str(error), line) from None


# --- steps --------------------------------------------------------------------------------------


def _steps(doc: LineDict, where: _Where) -> tuple[Step, ...]:
    raw = doc.get("steps")
    if raw is None:
        raise where.error("'steps' is required (a list of caller steps)", doc.line)
    if not isinstance(raw, LineList):
        raise where.error("steps: expected a list", doc.line_of("steps"))
    return tuple(_step(item, index, where, raw.line_of(index)) for index, item in enumerate(raw))


def _step(raw: Any, index: int, where: _Where, line: int) -> Step:
    if raw == "hangup" or (isinstance(raw, str) and raw.strip() == "hangup"):
        return Step(Hangup(), line=line, index=index)
    if not isinstance(raw, LineDict):
        raise where.error(
            f"steps[{index}]: expected a step such as 'say: 你好' or 'silence: 5s'", line
        )
    kinds = [key for key in raw if key in STEP_OPTIONS]
    if not kinds:
        _reject_unknown(raw, _ALL_STEP_KEYS, f"steps[{index}].", where)
    if len(kinds) != 1:
        found = ", ".join(kinds) or "none"
        raise where.error(
            f"steps[{index}]: exactly one of {', '.join(STEP_OPTIONS)} (found {found})", line
        )
    kind = kinds[0]
    _reject_unknown(raw, (kind, *STEP_OPTIONS[kind]), f"steps[{index}].", where)
    action = _STEP_BUILDERS[kind](raw, kind, where)
    expect = _expectation(raw.get("expect"), where, raw.line_of("expect"), f"steps[{index}].expect")
    return Step(action, expect=expect, line=line, index=index)


def _text(raw: LineDict, key: str, where: _Where) -> str:
    value = raw.get(key)
    if value is None or isinstance(value, dict | list) or not str(value).strip():
        raise where.error(f"{key}: expected the words the caller says", raw.line_of(key))
    return str(value)


def _optional_duration(raw: LineDict, key: str, where: _Where) -> int | None:
    return None if raw.get(key) is None else _duration(raw[key], key, where, raw.line_of(key))


def _say(raw: LineDict, kind: str, where: _Where) -> Say:
    early = raw.get("early_media", False)
    if not isinstance(early, bool):
        raise where.error("early_media: expected true or false", raw.line_of("early_media"))
    return Say(_text(raw, kind, where), _optional_duration(raw, "duration", where), early)


def _silence(raw: LineDict, kind: str, where: _Where) -> Silence:
    return Silence(_duration(raw.get(kind), kind, where, raw.line_of(kind)))


def _press(raw: LineDict, kind: str, where: _Where) -> Press:
    digits = raw.get(kind)
    text = "" if digits is None or isinstance(digits, bool | dict | list) else str(digits)
    if not _DIGITS.match(text):
        raise where.error(
            f'press: {digits!r} is not keys (0-9, *, #); quote it: press: "1#"', raw.line_of(kind)
        )
    return Press(text, _optional_duration(raw, "gap", where))


def _barge_in(raw: LineDict, kind: str, where: _Where) -> BargeIn:
    after = _optional_duration(raw, "after", where) or 0
    duration = _optional_duration(raw, "for", where)
    if duration is None:
        raise where.error(
            "barge_in: 'for' (how long the caller talks) is required", raw.line_of(kind)
        )
    return BargeIn(_text(raw, kind, where), after, duration)


def _wait(raw: LineDict, kind: str, where: _Where) -> Wait:
    value = raw.get(kind)
    if value in _WAIT_UNTIL_IDLE or value == {}:
        return Wait(None)
    return Wait(_duration(value, kind, where, raw.line_of(kind)))


def _hangup(raw: LineDict, kind: str, where: _Where) -> Hangup:
    if raw.get(kind) not in (None, {}, True):
        raise where.error("hangup takes no value: write '- hangup'", raw.line_of(kind))
    return Hangup()


_STEP_BUILDERS: Mapping[str, Callable[[LineDict, str, _Where], Action]] = {
    "say": _say,
    "silence": _silence,
    "press": _press,
    "barge_in": _barge_in,
    "wait": _wait,
    "hangup": _hangup,
}

# --- expectations -------------------------------------------------------------------------------


def _expectation(raw: Any, where: _Where, line: int, what: str) -> Expectation | None:
    if raw is None:
        return None
    if not isinstance(raw, LineDict):
        raise where.error(f"{what}: expected a mapping such as {{action: play}}", line)
    callback = None
    matches: list[Match] = []
    for key, value in raw.items():
        if key == "callback":
            callback = _callback_kind(value, where, raw.line_of(key), what)
        else:
            matches.append(_match(key, value, where, raw.line_of(key), what))
    return Expectation(tuple(matches), callback, line)


def _callback_kind(value: Any, where: _Where, line: int, what: str) -> CallbackKind:
    try:
        return CallbackKind(str(value))
    except ValueError:
        kinds = ", ".join(kind.value for kind in CallbackKind)
        raise where.error(f"{what}.callback: {value!r} is not one of {kinds}", line) from None


def _match(key: str, value: Any, where: _Where, line: int, what: str) -> Match:
    path = key if "." in key or key in ("result", "msg", "data") else f"data.{key}"
    if not isinstance(value, LineDict):
        return Match(path, MatchKind.EQUALS, value)
    if len(value) != 1:
        raise where.error(f"{what}.{key}: give one of equals, regex, contains, absent", line)
    kind_name, operand = next(iter(value.items()))
    try:
        kind = MatchKind(kind_name)
    except ValueError:
        raise where.error(
            f"{what}.{key}: {kind_name!r} is not equals, regex, contains or absent", line
        ) from None
    if kind is MatchKind.REGEX:
        _check_regex(operand, where, line, f"{what}.{key}")
    return Match(path, kind, operand)


def _check_regex(pattern: Any, where: _Where, line: int, what: str) -> None:
    try:
        re.compile(str(pattern))
    except re.error as error:
        raise where.error(f"{what}: invalid regex {pattern!r}: {error}", line) from None
