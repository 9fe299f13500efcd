"""Forwarding one request to the bot as received, and its answer back as it came.

The request keeps its method, its query string (appended to the bot URL's own), its body bytes
and its headers, except the hop-by-hop ones and ``Accept-Encoding`` (the answer is handed back
decoded, so it is asked for plainly). It travels on pooled keep-alive HTTP/1.1 connections (the
load path's :mod:`~vcall.simulator.transport.pool`: one write, a C-parsed read). A request is sent
once: a connection that fails is never retried, since a callback is not idempotent.

When no answer comes, tap answers as the platform would have seen the bot fail: ``502`` when the
bot cannot be reached or answers garbage, ``504`` when it does not answer in time.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from vcall.simulator.errors import UsageError
from vcall.simulator.transport import ConnectionPool, WireError, round_trip

HOP_BY_HOP = frozenset(
    {
        "host",
        "connection",
        "keep-alive",
        "content-length",
        "transfer-encoding",
        "te",
        "trailer",
        "upgrade",
        "proxy-authorization",
        "proxy-connection",
        "accept-encoding",
        "expect",
    }
)
ANSWER_DROPPED = frozenset({"content-encoding", "date", "server"}) | HOP_BY_HOP
FAILURE_STATUS = {"connect": 502, "protocol": 502, "too-large": 502, "timeout": 504}


@dataclass(frozen=True, slots=True)
class BotAnswer:
    """What the bot answered (``error`` is ``None``), or why it did not."""

    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    latency_ms: float
    error: str | None = None
    """``connect``, ``timeout``, ``protocol`` or ``too-large``: then ``status`` is tap's own."""
    detail: str = ""
    length: int | None = None
    """The length the answer declares when it differs from ``body``'s: a ``HEAD`` answer's
    ``Content-Length`` is the length of the ``GET`` (RFC 9110 §9.3.2), with no body."""

    @property
    def header_dict(self) -> dict[str, str]:
        return {name.decode("latin-1"): value.decode("latin-1") for name, value in self.headers}


class Forwarder:
    """Sends requests to one bot URL; ``close()`` when done."""

    def __init__(self, url: str, *, timeout_s: float, connections: int = 256) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(f"--forward-to {url!r}: an http:// or https:// URL is needed")
        secure = parts.scheme == "https"
        tls = ssl.create_default_context() if secure else None
        port = parts.port or (443 if secure else 80)
        self.url = url
        self.timeout_s = timeout_s
        self._pool = ConnectionPool(parts.hostname, port, tls, connections)
        self._path = parts.path or "/"
        self._query = parts.query
        self._host = parts.netloc.rpartition("@")[2].encode("latin-1")

    async def forward(
        self, method: str, query: bytes, headers: Iterable[tuple[bytes, bytes]], body: bytes
    ) -> BotAnswer:
        """One round trip; never raises for the bot's trouble (see ``BotAnswer.error``)."""
        request = self._request(method, query, headers, body)
        started = time.perf_counter()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout_s
        try:
            connection = self._pool.take_idle() or await self._pool.connect(deadline)
            raw = await round_trip(
                loop,
                self._pool,
                connection,
                request,
                deadline,
                self.timeout_s,
                head_only=method == "HEAD",
            )
        except WireError as error:
            return _failed(error.kind, str(error), started)
        except OSError as error:  # the socket failed outside the protocol's own handling
            return _failed("connect", str(error) or type(error).__name__, started)
        latency = (time.perf_counter() - started) * 1000
        if raw.too_large:
            return _failed("too-large", "the bot's answer is over 1 MiB", started)
        kept = tuple(  # each header as it came: two Set-Cookie stay two
            (name.encode("latin-1"), value.encode("latin-1"))
            for name, value in raw.header_list or tuple(raw.headers.items())
            if name not in ANSWER_DROPPED
        )
        length = _head_length(raw.headers) if method == "HEAD" else None
        return BotAnswer(raw.status, kept, raw.body, latency, length=length)

    def close(self) -> None:
        self._pool.close()

    def _request(
        self, method: str, query: bytes, headers: Iterable[tuple[bytes, bytes]], body: bytes
    ) -> bytes:
        target = self._path.encode("latin-1")
        own = self._query.encode("latin-1")
        joined = b"&".join(part for part in (own, query) if part)
        if joined:
            target += b"?" + joined
        lines = [b"%s %s HTTP/1.1\r\nHost: %s\r\n" % (method.encode("ascii"), target, self._host)]
        for name, value in headers:
            if name.lower().decode("latin-1") not in HOP_BY_HOP:
                lines.append(name + b": " + value + b"\r\n")
        lines.append(b"Content-Length: %d\r\n\r\n" % len(body))
        lines.append(body)
        return b"".join(lines)


def _head_length(headers: Mapping[str, str]) -> int | None:
    """A ``HEAD`` answer's declared ``Content-Length``, when it is a plain number."""
    declared = headers.get("content-length", "").strip()
    return int(declared) if declared.isdigit() and len(declared) < 19 else None


def _failed(kind: str, detail: str, started: float) -> BotAnswer:
    latency = (time.perf_counter() - started) * 1000
    status = FAILURE_STATUS.get(kind, 502)
    return BotAnswer(status, (), b"", latency, kind, detail)
