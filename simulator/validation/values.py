"""Value helpers shared by the rules: typing as the platform reads values, safe display, names.

Nothing here produces findings; it classifies values so that rules can say expected vs actual.
"""

from __future__ import annotations

import difflib
import functools
import json
import math
import re
from collections.abc import Collection, Mapping
from typing import NamedTuple

from vcall.simulator.spec import (
    FORBIDDEN_CHARACTERS,
    LENIENT_BOOLEAN_TEXTS,
    LENIENT_INTEGER_TEXT,
    MAX_JSON_DEPTH,
    TTS_VARIABLE_PATTERN,
    ValueRange,
    ValueType,
)
from vcall.simulator.text_safety import neutralize_controls
from vcall.simulator.validation.registry import suggestions_wanted

INT32 = ValueRange(-(2**31), 2**31 - 1)
"""The platform is a Java service: an Integer field holds a signed 32-bit value."""
_URL_START = re.compile(r"\s*[A-Za-z][A-Za-z0-9+.-]*://")
_JSON_SPECIAL = re.compile(r'[\[\]{}"\\]')
_NAME_NOISE = re.compile(r"[-_\s]")
_FORBIDDEN = re.compile("[" + re.escape("".join(sorted(FORBIDDEN_CHARACTERS))) + "]")
EXACT_TYPES: Mapping[ValueType, type] = {
    ValueType.BOOLEAN: bool,
    ValueType.STRING: str,
    ValueType.JSON_OBJECT: dict,
    ValueType.OBJECT: dict,
}
"""Types that need no further look (an int still needs its 32-bit check)."""


class Typed(NamedTuple):
    """A value as the platform reads it.

    ``value`` is the value in its declared type (int, bool, str, dict) when it could be read;
    ``lenient`` says how it was read leniently (``the string "5000"``); ``mismatch`` says why it
    cannot be read at all (``value`` is then the raw value).
    """

    value: object
    lenient: str = ""
    mismatch: str = ""

    @property
    def ok(self) -> bool:
        return not self.mismatch


def is_blank(value: object) -> bool:
    """Absent (``None``), or a string of nothing but white space."""
    return value is None or (isinstance(value, str) and not value.strip())


def describe(value: object) -> str:
    """What a JSON value is, for messages: ``the string "5000"``, ``a boolean (true)``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"a boolean ({'true' if value else 'false'})"
    if isinstance(value, int | float):
        return f"the number {shown(value)}"
    if isinstance(value, str):
        return f"the string {shown(value)}"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "an array"
    return f"a {type(value).__name__}"


def safe_text(text: str, limit: int = 80) -> str:
    """``text`` printable anywhere: lone surrogates and control characters escaped (a bot's
    ``ESC`` must not retitle the terminal that shows a finding), cut to ``limit`` characters."""
    if text.isprintable():  # no control, format, separator or surrogate character: as it is
        cleaned = text
    else:
        cleaned = neutralize_controls(text.encode("utf-8", "backslashreplace").decode("utf-8"))
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def shown(value: object, limit: int = 60) -> str:
    """A value as JSON text for messages, safe and short."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (ValueError, TypeError, RecursionError):
        text = repr(value)
    return safe_text(text, limit)


def _read_integer(value: object) -> int | None:
    """An int, an integral float (``5000.0``) or a numeric string, as the model reads them."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, str) and LENIENT_INTEGER_TEXT.fullmatch(value.strip()):
        return int(float(value.strip()))
    return None


def coerce(value: object, kind: ValueType, *, wire_strings: bool = False) -> Typed:
    """Read ``value`` as ``kind``. ``wire_strings``: strings are the normal form (query params)."""
    if type(value) is EXACT_TYPES.get(kind):
        return Typed(value)
    if kind is ValueType.INTEGER:
        return _coerce_integer(value, wire_strings)
    if kind is ValueType.BOOLEAN:
        return _coerce_boolean(value, wire_strings)
    if kind is ValueType.STRING:
        return _coerce_string(value, wire_strings)
    if kind is ValueType.JSON_OBJECT and isinstance(value, str | Mapping):
        return Typed(value)
    if kind is ValueType.OBJECT and isinstance(value, Mapping):
        return Typed(value)
    return Typed(value, mismatch=f"expected {kind.value}, got {describe(value)}")


def _coerce_integer(value: object, wire_strings: bool) -> Typed:
    number = _read_integer(value)
    if number is None:
        return Typed(value, mismatch=f"expected an integer, got {describe(value)}")
    if not INT32.contains(number):
        return Typed(value, mismatch=f"{number} does not fit a 32-bit integer")
    if isinstance(value, str) and not wire_strings:
        return Typed(number, lenient=describe(value))
    if isinstance(value, float):  # 5000.0: a JSON number, integral
        return Typed(number, lenient=describe(value))
    return Typed(number)


def _coerce_boolean(value: object, wire_strings: bool) -> Typed:
    if isinstance(value, bool):
        return Typed(value)
    if isinstance(value, str) and value.strip().lower() in LENIENT_BOOLEAN_TEXTS:
        flag = LENIENT_BOOLEAN_TEXTS[value.strip().lower()]
        plain = wire_strings and value.strip().lower() in ("true", "false")
        return Typed(flag, lenient="" if plain else describe(value))
    if type(value) is int and value in (0, 1):  # 1 for true: a lenient JSON number
        return Typed(bool(value), lenient=describe(value))
    return Typed(value, mismatch=f"expected a boolean, got {describe(value)}")


def _coerce_string(value: object, wire_strings: bool) -> Typed:
    if isinstance(value, str):
        return Typed(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = str(value)
        return Typed(text, lenient="" if wire_strings else describe(value))
    return Typed(value, mismatch=f"expected a string, got {describe(value)}")


def normalized_name(name: str) -> str:
    return _NAME_NOISE.sub("", name).lower()


MAX_SUGGESTION_CANDIDATES = 256
"""More candidates than this (a hostile play code's variables): no did-you-mean, its cost
grows with their number."""


def did_you_mean(name: str, candidates: Collection[str]) -> str | None:
    """The candidate ``name`` most likely meant (case, ``_``/``-`` and typos forgiven); None
    past a rule's findings cap or among too many candidates."""
    if not suggestions_wanted():
        return None
    if len(candidates) > MAX_SUGGESTION_CANDIDATES or len(name) > MAX_SUGGESTION_CANDIDATES:
        return None
    return _closest(name, tuple(candidates))


@functools.lru_cache(maxsize=1024)
def _closest(name: str, names: tuple[str, ...]) -> str | None:
    wanted = normalized_name(name)
    for candidate in names:
        if normalized_name(candidate) == wanted:
            return candidate
    matches = difflib.get_close_matches(name.lower(), [c.lower() for c in names], 1, 0.75)
    if not matches:
        return None
    return next(c for c in names if c.lower() == matches[0])


def suggestion(name: str, candidates: Collection[str]) -> str:
    """``: did you mean X?`` or nothing."""
    match = did_you_mean(name, candidates)
    return f": did you mean {safe_text(match)}?" if match else ""


def forbidden_positions(
    text: str, exempt: frozenset[int] = frozenset(), *, first: int | None = None
) -> tuple[list[tuple[str, int]], int]:
    """The forbidden characters in ``text`` with their 0-based positions, skipping ``exempt``:
    the ``first`` ones (all when None), and how many there are in all (counted in C: a 1 MiB
    value of them costs milliseconds)."""
    total = sum(text.count(char) for char in FORBIDDEN_CHARACTERS)
    if not total:
        return [], 0
    total -= sum(1 for position in exempt if text[position] in FORBIDDEN_CHARACTERS)
    hits: list[tuple[str, int]] = []
    for match in _FORBIDDEN.finditer(text):
        if match.start() not in exempt:
            hits.append((match.group(), match.start()))
            if first is not None and len(hits) >= first:
                break
    return hits, total


def has_forbidden(text: str) -> bool:
    """Whether ``text`` holds any forbidden character at all (the cheap first look)."""
    return _FORBIDDEN.search(text) is not None


def blank_play_code_syntax(code: str) -> str:
    """``action_code``/``VoiceCode`` with what is syntax blanked out, positions kept (so a
    forbidden character found in it is one of ``code`` at the same position): ``$name$``
    variables, and in a network file's URL the scheme's ``://``, the authority (``user@``,
    ``host:port``), the query string and the fragment (the SmartCall page allows URLs). Spans, not sets of
    positions: a 1 MiB code of variables costs milliseconds."""
    spans = sorted(_syntax_spans(code))
    if not spans:
        return code
    parts: list[str] = []
    done = 0
    for start, end in spans:
        if end <= done:
            continue
        start = max(start, done)
        parts.append(code[done:start])
        parts.append(" " * (end - start))
        done = end
    parts.append(code[done:])
    return "".join(parts)


def _syntax_spans(code: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    if "://" in code:
        offset = 0
        for item in code.split(","):
            start = _URL_START.match(item)
            if start is not None:
                spans.extend((offset + a, offset + b) for a, b in _url_syntax(item, start.end()))
            offset += len(item) + 1
    spans.extend(match.span() for match in TTS_VARIABLE_PATTERN.finditer(code))
    return spans


def _url_syntax(item: str, after_scheme: int) -> list[tuple[int, int]]:
    """Spans in one URL ``item`` that are URL syntax (``after_scheme``: just past ``://``)."""
    path_at = next((i for i in range(after_scheme, len(item)) if item[i] in "/?#"), len(item))
    query_at = next((i for i in range(path_at, len(item)) if item[i] in "?#"), len(item))
    # the scheme's ://, the authority (user@, host:port), the query string and the fragment
    return [(after_scheme - 3, path_at), (query_at, len(item))]


def tts_variables(code: str) -> list[str]:
    """The ``$name$`` variables of a play code, in order, each once."""
    return list(dict.fromkeys(TTS_VARIABLE_PATTERN.findall(code)))


def exceeds_depth(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether JSON ``text`` nests deeper than ``limit`` (strings skipped); linear, never raises."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth, in_string, escaped_at = 0, False, -1
    for match in _JSON_SPECIAL.finditer(text):
        position, char = match.start(), match.group()
        if in_string:
            if position == escaped_at:
                continue
            if char == "\\":
                escaped_at = position + 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def load_json_object(text: str) -> tuple[dict[str, object] | None, str]:
    """Parse a JSON string that should hold an object: ``(object, "")`` or ``(None, problem)``."""
    if not text.strip():
        return {}, ""
    if exceeds_depth(text):
        return None, f"nests deeper than {MAX_JSON_DEPTH} levels"
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        return None, f"is not valid JSON ({error.msg} at position {error.pos})"
    except (ValueError, RecursionError) as error:
        return None, f"is not valid JSON ({safe_text(str(error))})"
    if not isinstance(value, dict):
        return None, f"holds {describe(value)}, not a JSON object"
    return value, ""
