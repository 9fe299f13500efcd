"""Reading a response body: size, UTF-8, nesting depth, JSON. Never raises."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from vcall.simulator.spec import MAX_JSON_DEPTH, MAX_RESPONSE_BYTES
from vcall.simulator.validation.values import exceeds_depth, safe_text

_BOM = "\ufeff"
_ISSUE_FLAGS = (
    "too_large",
    "empty",
    "bom",
    "not_utf8",
    "too_deep",
    "not_json",
    "duplicate_keys",
    "non_finite",
    "lone_surrogates",
)
_NO_ISSUES: frozenset[str] = frozenset()


@dataclass(slots=True)
class ParsedBody:
    """What reading the body found. ``value`` is the parsed JSON when ``parsed`` is true.

    Not frozen (treat as immutable): one is built for every response, and a frozen dataclass
    of this size costs several times as much to build.
    """

    size: int
    too_large: bool = False
    empty: bool = False
    bom: bool = False
    not_utf8: str = ""
    """Where and why UTF-8 decoding failed."""
    too_deep: bool = False
    not_json: str = ""
    """Why JSON parsing failed, with line and column."""
    parsed: bool = False
    value: object = None
    duplicate_keys: tuple[str, ...] = ()
    non_finite: tuple[str, ...] = ()
    lone_surrogates: tuple[str, ...] = ()
    """JSON paths of strings with a ``\\uD800``-``\\uDFFF`` escape without its pair; ``value``
    holds them with U+FFFD in its place, so nothing downstream meets text UTF-8 cannot encode."""

    @property
    def issues(self) -> frozenset[str]:
        """What is wrong with the body: the names of its set flags, and ``not_object``."""
        if self._sound():
            return _NO_ISSUES
        found = {name for name in _ISSUE_FLAGS if getattr(self, name)}
        if self.parsed and not isinstance(self.value, dict):
            found.add("not_object")
        return frozenset(found)

    def _sound(self) -> bool:
        """A JSON object with none of the flags set (the common case, checked first)."""
        if self.too_large or self.empty or self.bom or self.too_deep or not self.parsed:
            return False
        if self.not_utf8 or self.not_json or self.duplicate_keys or self.non_finite:
            return False
        if self.lone_surrogates:
            return False
        return isinstance(self.value, dict)


class _Collector:
    """Hooks for ``json.loads`` that note duplicate keys and NaN/Infinity."""

    def __init__(self) -> None:
        self.duplicates: list[str] = []
        self.constants: list[str] = []

    def object_pairs(self, pairs: list[tuple[str, object]]) -> dict[str, object]:
        result = dict(pairs)
        if len(result) != len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    self.duplicates.append(key)
                seen.add(key)
        return result

    def constant(self, name: str) -> float:
        self.constants.append(name)
        return float(name)


def _decode(body: bytes) -> tuple[str | None, str]:
    try:
        return body.decode("utf-8"), ""
    except UnicodeDecodeError as error:
        byte = body[error.start : error.start + 1].hex()
        return None, f"byte 0x{byte} at position {error.start}: {error.reason}"


class _Irregular(Exception):
    """A duplicate key or NaN/Infinity: the fast parse stops, the collecting parse takes over."""


def _pairs_or_stop(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _Irregular
    return result


def _stop(name: str) -> float:
    raise _Irregular


_FAST_DECODER = json.JSONDecoder(object_pairs_hook=_pairs_or_stop, parse_constant=_stop)
"""One decoder for the common, regular document (``json.loads(hooks)`` builds one per call)."""


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
"""A ``\\uD800``-``\\uDFFF`` escape: only through one can a decoded UTF-8 body hold a surrogate."""
_SURROGATE = re.compile("[\ud800-\udfff]")
_MAX_SURROGATE_PATHS = 20


def _repair(value: object, path: str, found: list[str]) -> object:
    """``value`` with every lone surrogate replaced by U+FFFD; ``found`` gets where they were."""
    if isinstance(value, str):
        if _SURROGATE.search(value) is None:
            return value
        if len(found) < _MAX_SURROGATE_PATHS:
            found.append(path)
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        repaired: dict[str, object] = {}
        for key, item in value.items():
            clean_key = str(_repair(key, f"{path}.{key}".lstrip("."), found))
            repaired[clean_key] = _repair(item, f"{path}.{clean_key}".lstrip("."), found)
        return repaired
    if isinstance(value, list):
        return [_repair(item, f"{path}[{index}]", found) for index, item in enumerate(value)]
    return value


def _without_surrogates(parsed: ParsedBody, text: str) -> ParsedBody:
    """``parsed`` with lone surrogates noted and repaired (a cheap search first: rare)."""
    if not parsed.parsed or _SURROGATE_ESCAPE.search(text) is None:
        return parsed
    found: list[str] = []
    value = _repair(parsed.value, "", found)
    if found:
        paths = tuple(_SURROGATE.sub("\ufffd", path) for path in found)
        parsed.value, parsed.lone_surrogates = value, paths
    return parsed


def _load(text: str, size: int, bom: bool) -> ParsedBody:
    if not text.startswith(_BOM):  # json.loads has its own error for a (second) BOM
        try:
            value = _FAST_DECODER.decode(text)
        except (_Irregular, ValueError, RecursionError):
            pass  # the collecting parse below says what is wrong
        else:
            return ParsedBody(size, bom=bom, parsed=True, value=value)
    collector = _Collector()
    try:
        value = json.loads(
            text, object_pairs_hook=collector.object_pairs, parse_constant=collector.constant
        )
    except json.JSONDecodeError as error:
        where = f"line {error.lineno} column {error.colno}"
        return ParsedBody(size, bom=bom, not_json=f"{error.msg} at {where} (character {error.pos})")
    except RecursionError:
        return ParsedBody(size, bom=bom, too_deep=True)
    except ValueError as error:
        return ParsedBody(size, bom=bom, not_json=safe_text(str(error), 200))
    return ParsedBody(
        size,
        bom=bom,
        parsed=True,
        value=value,
        duplicate_keys=tuple(dict.fromkeys(collector.duplicates)),
        non_finite=tuple(dict.fromkeys(collector.constants)),
    )


def parse_body(body: bytes) -> ParsedBody:
    """Read ``body`` as the platform would: a UTF-8 JSON document of bounded size and depth."""
    size = len(body)
    if size > MAX_RESPONSE_BYTES:
        return ParsedBody(size, too_large=True)
    text, problem = _decode(body)
    if text is None:
        return ParsedBody(size, not_utf8=problem)
    bom = text.startswith(_BOM)
    text = text.removeprefix(_BOM)
    if not text or text.isspace():  # not text.strip(), without copying the body
        return ParsedBody(size, empty=True, bom=bom)
    if exceeds_depth(text, MAX_JSON_DEPTH):
        return ParsedBody(size, bom=bom, too_deep=True)
    return _without_surrogates(_load(text, size, bom), text)
