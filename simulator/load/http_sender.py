"""The load path's sender: pooled keep-alive HTTP/1.1 connections on raw asyncio protocols.

``vcall load`` sends URL targets through :class:`HttpSender` (in-process apps keep httpx's ASGI/WSGI
transports). Per callback it does one pre-encoded write and one C-parsed read: about two thirds of
aiohttp's client CPU per request (see ARCHITECTURE.md, "Load path"). It builds the same
:class:`Exchange` objects as ``delivery.deliver`` and maps failures the same way: ``connect``
(refused, unresolvable, TLS), ``timeout`` (no whole answer within ``timeout_s``), ``protocol``
(not HTTP, closed mid-response, a second answer, a head over ``MAX_HEADER_BYTES``), ``encoding``
(a body that cannot be decoded) and ``too-large`` (over ``MAX_RESPONSE_BYTES``).

A callback is not idempotent: a request is never sent twice. A connection is replaced only when it
is known dead before a byte of the request was written (the pool drops idle connections the server
closed); one that fails after the write is reported, whatever the cause.
"""

from __future__ import annotations

import asyncio
import base64
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit, urlunsplit

import vcall
from vcall.simulator.load.form import encode_form
from vcall.simulator.load.http1 import RawResponse, WireError
from vcall.simulator.load.pool import ConnectionPool, round_trip
from vcall.simulator.replay.content_coding import ACCEPTED
from vcall.simulator.replay.delivery import Placement
from vcall.simulator.replay.results import BODY_KEEP_BYTES, Exchange
from vcall.simulator.spec import CALLBACK_DELIVERY

_METHOD = CALLBACK_DELIVERY.method


@dataclass(frozen=True, slots=True)
class _Route:
    """Where one URL goes: the pool of its origin and the request line and headers to send."""

    pool: ConnectionPool
    form_head: bytes
    """Everything before the body of a form-encoded request, up to ``Content-Length: ``."""
    path: str
    query: str
    head_rest: bytes
    """The headers after the request line, for a request with the parameters in the query."""


class HttpSender:
    """A :class:`~vcall.simulator.replay.delivery.Sender` for network targets; ``close()`` when done."""

    def __init__(self, connections: int) -> None:
        self.connections = connections
        self._routes: dict[str, _Route] = {}
        self._pools: dict[tuple[str, str, int], ConnectionPool] = {}
        self._tls: ssl.SSLContext | None = None

    async def __call__(
        self, url: str, params: Mapping[str, str], *, placement: Placement, timeout_s: float
    ) -> Exchange:
        route = self._routes.get(url) or self._route(url)
        sent = params if type(params) is dict else dict(params)
        request, url = _request(route, url, params, placement)
        started = time.perf_counter()
        try:  # one round trip, never retried (the request may have reached the endpoint)
            pool = route.pool
            loop = asyncio.get_running_loop()
            deadline = loop.time() + timeout_s
            connection = pool.take_idle()
            if connection is None:
                connection = await pool.connect(deadline)
            response = await round_trip(loop, pool, connection, request, deadline, timeout_s)
        except WireError as error:
            return Exchange.no_answer(
                _METHOD, url, sent, str(placement), started, error.kind, str(error)
            )
        return _exchange(url, sent, placement, started, response)

    async def close(self) -> None:
        for pool in self._pools.values():
            pool.close()

    def _route(self, url: str) -> _Route:
        parts = urlsplit(url)
        secure = parts.scheme == "https"
        host = parts.hostname or ""
        port = parts.port or (443 if secure else 80)
        key = (parts.scheme, host, port)
        pool = self._pools.get(key)
        if pool is None:
            tls = self._tls_context() if secure else None
            pool = self._pools[key] = ConnectionPool(host, port, tls, self.connections)
        path = parts.path or "/"
        target = f"{path}?{parts.query}" if parts.query else path
        headers = _headers(parts.netloc)
        form_head = (
            f"{_METHOD} {target} HTTP/1.1\r\n{headers}"
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: "
        ).encode()
        query_rest = f"{headers}Content-Length: 0\r\n\r\n".encode()
        route = self._routes[url] = _Route(pool, form_head, path, parts.query, query_rest)
        return route

    def _tls_context(self) -> ssl.SSLContext:
        if self._tls is None:
            self._tls = ssl.create_default_context()
        return self._tls


def _request(
    route: _Route, url: str, params: Mapping[str, str], placement: Placement
) -> tuple[bytes, str]:
    """The request's bytes, and the URL it goes to (with the parameters, in the query)."""
    if placement is not Placement.QUERY:
        body = encode_form(params)
        return route.form_head + b"%d\r\n\r\n" % len(body) + body, url
    query = encode_form(params).decode("ascii")
    target = f"{route.path}?{route.query}&{query}" if route.query else f"{route.path}?{query}"
    request = f"{_METHOD} {target} HTTP/1.1\r\n".encode() + route.head_rest
    return request, _with_query(url, query)


def _headers(netloc: str) -> str:
    """Host, user agent, accepted encodings, and Basic credentials given in the URL."""
    userinfo, _, host = netloc.rpartition("@")
    lines = [
        f"Host: {host}",
        f"User-Agent: vcall/{vcall.__version__}",
        "Accept: */*",
        f"Accept-Encoding: {ACCEPTED}",
    ]
    if userinfo:
        user, _, password = userinfo.partition(":")
        token = base64.b64encode(f"{unquote(user)}:{unquote(password)}".encode()).decode()
        lines.append(f"Authorization: Basic {token}")
    return "".join(f"{line}\r\n" for line in lines)


def _with_query(url: str, encoded: str) -> str:
    parts = urlsplit(url)
    query = f"{parts.query}&{encoded}" if parts.query else encoded
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _exchange(
    url: str,
    params: dict[str, str],
    placement: Placement,
    started: float,
    response: RawResponse,
) -> Exchange:
    body = response.body
    truncated = response.too_large  # kept whole up to the limit: it is validated whole
    return Exchange(
        method=_METHOD,
        url=url,
        params=params,
        placement=str(placement),
        status=response.status,
        headers=response.headers,
        body=body[:BODY_KEEP_BYTES] if truncated else body,
        body_truncated=truncated,
        latency_ms=(time.perf_counter() - started) * 1000,
        error="too-large" if response.too_large else response.error,
        error_detail=response.detail,
    )
