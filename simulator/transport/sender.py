"""The contract of every way vcall sends a callback: the ``Sender`` protocol, the ``Exchange`` it
reports, and the wire limits both senders keep (``httpx_sender.py`` for in-process apps and
proxies, ``http_sender.py``, the keep-alive HTTP/1.1 client, for URLs).

A callback is not idempotent: a sender never resends one. It never raises for network trouble
either: what went wrong is in ``Exchange.error``. ``tests/simulator/transport/
test_sender_conformance.py`` holds both senders to the same findings against hostile servers.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

MAX_HEADER_BYTES = 100 * 1024
"""The most a response's status line and headers may take: httpx's own limit (h11's
``max_incomplete_event_size`` as httpcore sets it); the load path's sender applies the same."""
EXTRA_RESPONSE = "the server sent more after the response than the request asked for"


class Placement(StrEnum):
    FORM = "form"
    QUERY = "query"


BODY_KEEP_BYTES = 64 * 1024
"""How much of a response body the reports show (the rest is cut, and said so). An answer is kept
and validated whole up to ``MAX_RESPONSE_BYTES``; only one over that limit is kept cut to this."""


@dataclass(slots=True)
class Exchange:
    """One HTTP round trip: what was sent and what came back (or why nothing did).

    Not frozen, like :class:`Turn`: one is built for every callback of a load run, and a frozen
    dataclass costs three times as much to build. Treat both as immutable all the same.
    """

    method: str
    url: str
    params: dict[str, str]
    placement: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    body_truncated: bool = False
    latency_ms: float = 0.0
    error: str | None = None
    """Why no usable HTTP response came: ``connect``, ``timeout``, ``too-large``, ``protocol``."""
    error_detail: str = ""

    @classmethod
    def no_answer(
        cls,
        method: str,
        url: str,
        params: Mapping[str, str],
        placement: str,
        started: float,
        error: str,
        detail: str,
    ) -> Exchange:
        """A round trip that got no usable answer; ``started`` is its ``time.perf_counter()``."""
        latency = (time.perf_counter() - started) * 1000
        return cls(
            method,
            url,
            dict(params),
            placement,
            latency_ms=latency,
            error=error,
            error_detail=detail,
        )

    @property
    def body_text(self) -> str:
        """The body as reports show it: at most ``BODY_KEEP_BYTES`` of it, a cut said so."""
        cut = self.body_truncated or len(self.body) > BODY_KEEP_BYTES
        text = self.body[:BODY_KEEP_BYTES].decode("utf-8", errors="replace")
        return text + (" …(cut)" if cut else "")


class Sender(Protocol):
    """Sends one callback's parameters and reports the round trip; never raises for network trouble."""

    async def __call__(
        self, url: str, params: Mapping[str, str], *, placement: Placement, timeout_s: float
    ) -> Exchange: ...
