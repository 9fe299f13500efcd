"""The call ids of one run: every call gets its own, seeded or not.

A run that builds several contexts (``vcall check``'s crawl and its two placement runs) shares
one :class:`CallIds`, so a bot that refuses a second ``callin`` with an id it has seen (the follow-up page:
``call_id`` is "这通呼叫的唯一ID", the call's unique id) is never sent one. The id keeps the
platform's shape, two 12-digit numbers joined by ``^`` (the follow-up page: ``100001616500^100001871490``);
the second number counts the run's calls from a drawn start, so no two ids of one run are equal,
and the same seed gives the same ids in the same order.
"""

from __future__ import annotations

import random

LOW = 10**11
SPAN = 9 * 10**11
"""Twelve-digit numbers: ``LOW`` to ``LOW + SPAN - 1``."""


class CallIds:
    """A run-scoped source of unique call ids (reproducible with a seed)."""

    __slots__ = ("_count", "_rng", "_start")

    def __init__(self, seed: int | None = None, *, rng: random.Random | None = None) -> None:
        self._rng = rng if rng is not None else random.Random(seed)
        self._start = self._rng.randrange(SPAN)
        self._count = 0

    def __call__(self) -> str:
        """The next id: unique within this source for its first ``SPAN`` calls."""
        serial = LOW + (self._start + self._count) % SPAN
        self._count += 1
        return f"{LOW + self._rng.randrange(SPAN)}^{serial}"

    @property
    def issued(self) -> int:
        return self._count
