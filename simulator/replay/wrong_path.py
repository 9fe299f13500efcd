"""A wrong URL path: when every callback got HTTP 404 or 405, the bot is almost certainly served
at another path (or takes another method), and every other finding just repeats that. Commands
(``check``, ``simulate``, ``explore``) print one line instead of a wall of identical failures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from vcall.simulator.transport import Exchange

WRONG_PATH_STATUSES = frozenset({404, 405})
"""Not found, method not allowed: what a server says about a path or method it does not serve."""


@dataclass(frozen=True, slots=True)
class WrongPath:
    """Every callback got the same kind of "not here" answer."""

    status: int
    """The status most of them got (404 or 405)."""
    statuses: tuple[int, ...]
    """Every status seen, ascending (``(404,)`` or ``(404, 405)``)."""
    method: str
    path: str
    """The URL path vcall sent to (never the query string: it can hold parameters)."""
    count: int
    """How many callbacks got it."""

    @property
    def line(self) -> str:
        """``every callback got HTTP 404: is the path right? (vcall sent POST /path)``"""
        got = " or ".join(str(status) for status in self.statuses)
        return f"every callback got HTTP {got}: is the path right? (vcall sent {self.method} {self.path})"


def every_answer_status(exchanges: Iterable[Exchange]) -> int | None:
    """The status (404 or 405) when every exchange got one of them, the most frequent first;
    None when there was none, or any exchange got anything else (another status, no answer)."""
    found = find_wrong_path(exchanges)
    return found.status if found is not None else None


def find_wrong_path(exchanges: Iterable[Exchange]) -> WrongPath | None:
    """What :func:`every_answer_status` says, with the method and path vcall sent, for the line."""
    counts: Counter[int] = Counter()
    first: Exchange | None = None
    for exchange in exchanges:
        if exchange.status not in WRONG_PATH_STATUSES:
            return None
        counts[exchange.status] += 1
        first = first or exchange
    if first is None or first.status is None:
        return None
    status = max(sorted(counts), key=lambda s: counts[s])
    path = urlsplit(first.url).path or "/"
    return WrongPath(status, tuple(sorted(counts)), first.method, path, sum(counts.values()))


__all__ = ("WRONG_PATH_STATUSES", "WrongPath", "every_answer_status", "find_wrong_path")
