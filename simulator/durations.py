"""Durations as people write them: ``800ms``, ``12s``, ``1.5s``, ``1m``, ``1m30s``.

Used everywhere a duration is given (fixtures, options, the console). Internally a duration is an
``int`` number of milliseconds.
"""

from __future__ import annotations

import re

from vcall.simulator.errors import DurationError

_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h)")
_UNIT_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000}
MAX_DURATION_MS = 24 * 3_600_000


def parse_duration(text: str | int | float, *, what: str = "duration") -> int:
    """Parse ``800ms`` / ``12s`` / ``1m`` / ``1m30s`` into milliseconds.

    A bare number is rejected (``800`` is ambiguous) unless it is ``0``.
    """
    if isinstance(text, bool):
        raise DurationError(f"{what}: expected a duration such as 800ms, 12s or 1m, got {text!r}")
    if isinstance(text, int | float):
        if text == 0:
            return 0
        raise DurationError(f"{what}: {text!r} has no unit: write {text}ms or {text}s")
    return _parse_text(text.strip().lower(), what)


def _parse_text(text: str, what: str) -> int:
    if text == "0":
        return 0
    pos, total = 0, 0.0
    for match in _PART.finditer(text):
        if match.start() != pos:
            break
        total += float(match.group(1)) * _UNIT_MS[match.group(2)]
        pos = match.end()
    if pos != len(text) or not text:
        raise DurationError(f"{what}: {text!r} is not a duration such as 800ms, 12s, 1m or 1m30s")
    if total > MAX_DURATION_MS:
        raise DurationError(f"{what}: {text!r} is longer than 24h")
    return round(total)


def format_duration(ms: int | float) -> str:
    """The shortest exact human form: ``800ms``, ``12s``, ``1m``, ``1m30s``, ``2.5s``."""
    ms = round(ms)
    if ms < 1000 or (ms % 100 and ms < 60_000):
        return f"{ms}ms" if ms < 1000 else f"{ms / 1000:g}s"
    minutes, rest = divmod(ms, 60_000)
    if not minutes:
        return f"{rest / 1000:g}s"
    return f"{minutes}m" + (f"{rest / 1000:g}s" if rest else "")
