"""Delivery of one callback over httpx: an in-process ASGI/WSGI app's transport, or a URL
through a proxy.

The platform sends ``call_id``, ``timestamp``, ``content_type`` and ``content`` by POST (the callback page).
vcall puts them form-encoded in the body by default, or in the query string (``--params query``).

``timeout_s`` bounds the whole round trip (connect, send, every interim ``100 Continue``, the
last byte of the body), not each read. The body is read raw and decoded by
:mod:`~vcall.simulator.transport.content_coding`, as the load path's sender does, so both judge a
server the same way (``tests/simulator/transport/test_sender_conformance.py`` holds them to it).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from vcall.simulator.spec import CALLBACK_DELIVERY, MAX_RESPONSE_BYTES
from vcall.simulator.transport.content_coding import ACCEPTED, BodyDecoder, EncodingError
from vcall.simulator.transport.sender import BODY_KEEP_BYTES, EXTRA_RESPONSE, Exchange, Placement


async def deliver(
    client: httpx.AsyncClient,
    url: str,
    params: Mapping[str, str],
    *,
    placement: Placement = Placement.FORM,
    timeout_s: float = 10.0,
) -> Exchange:
    """POST the four parameters; never raises for network trouble (it is in ``Exchange.error``)."""
    request = _build_request(client, url, params, placement, timeout_s)
    started = time.perf_counter()
    try:
        async with asyncio.timeout(timeout_s):  # the whole round trip, not each read
            return await _send(client, request, dict(params), placement, started)
    except TimeoutError:
        detail = f"no whole answer within {timeout_s:g} s"
        return _no_answer(request, params, placement, started, "timeout", Exception(detail))
    except httpx.TimeoutException as error:
        return _no_answer(request, params, placement, started, "timeout", error)
    except (httpx.ConnectError, httpx.UnsupportedProtocol) as error:
        return _no_answer(request, params, placement, started, "connect", error)
    except httpx.HTTPError as error:
        return _no_answer(request, params, placement, started, "protocol", error)


def _no_answer(
    request: httpx.Request,
    params: Mapping[str, str],
    placement: Placement,
    started: float,
    kind: str,
    error: Exception,
) -> Exchange:
    detail = str(error) or type(error).__name__
    return Exchange.no_answer(
        request.method, str(request.url), params, placement.value, started, kind, detail
    )


@dataclass(frozen=True, slots=True)
class HttpxSender:
    """The default sender: an ``httpx.AsyncClient`` (network, or an in-process app's transport)."""

    client: httpx.AsyncClient

    async def __call__(
        self, url: str, params: Mapping[str, str], *, placement: Placement, timeout_s: float
    ) -> Exchange:
        return await deliver(self.client, url, params, placement=placement, timeout_s=timeout_s)


def _build_request(
    client: httpx.AsyncClient,
    url: str,
    params: Mapping[str, str],
    placement: Placement,
    timeout_s: float,
) -> httpx.Request:
    timeout = httpx.Timeout(timeout_s)
    headers = {"Accept-Encoding": ACCEPTED}
    method = CALLBACK_DELIVERY.method
    if placement is Placement.QUERY:
        # Merged, not passed as params=: httpx would drop a query the URL already has (?token=...).
        merged = httpx.URL(url).copy_merge_params(dict(params))
        return client.build_request(method, merged, headers=headers, timeout=timeout)
    return client.build_request(method, url, data=dict(params), headers=headers, timeout=timeout)


async def _send(
    client: httpx.AsyncClient,
    request: httpx.Request,
    params: dict[str, str],
    placement: Placement,
    started: float,
) -> Exchange:
    response = await client.send(request, stream=True)
    headers = dict(response.headers)
    error: str | None = None
    detail = ""
    try:
        decoder = await _read_decoded(response, headers.get("content-encoding"))
        if not decoder.over_limit and await _drop_if_bytes_after(response):
            error, detail = "protocol", EXTRA_RESPONSE
    except EncodingError as undecodable:
        decoder, error, detail = None, "encoding", str(undecodable)
    finally:
        await response.aclose()
    body = decoder.body() if decoder is not None else b""
    too_large = decoder is not None and decoder.over_limit
    return Exchange(
        method=request.method,
        url=str(request.url),
        params=params,
        placement=placement.value,
        status=response.status_code,
        headers=headers,
        body=body[:BODY_KEEP_BYTES] if too_large else body,
        body_truncated=too_large,
        latency_ms=(time.perf_counter() - started) * 1000,
        error="too-large" if too_large else error,
        error_detail=detail,
    )


async def _read_decoded(response: httpx.Response, content_encoding: str | None) -> BodyDecoder:
    """The body, read raw and decoded up to just over the limit (the rest is not read)."""
    try:
        decoder = BodyDecoder(content_encoding, MAX_RESPONSE_BYTES)
        async for chunk in response.aiter_raw():
            decoder.feed(chunk)
            if decoder.over_limit:
                return decoder
        decoder.finish()
    except httpx.StreamConsumed:  # an in-process app's answer httpx has read (and decoded)
        decoder = BodyDecoder(None, MAX_RESPONSE_BYTES)
        decoder.feed(response.content)
    return decoder


async def _drop_if_bytes_after(response: httpx.Response) -> bool:
    """Whether the server sent bytes past the end of this response on its connection (a second
    answer to one request); if so the connection is closed, never reused.

    Bytes that came with the answer sit in h11's receive buffer, and httpcore would hand them to
    the next request on the connection as its answer. httpx has no public way to see them: this
    walks httpcore's stream objects to h11's ``trailing_data`` and says False where they look
    different (the sender conformance tests pin it).
    """
    connection = _h11_connection(response)
    trailing = getattr(getattr(connection, "_h11_state", None), "trailing_data", None)
    if not isinstance(trailing, tuple) or not trailing or not trailing[0]:
        return False
    close = getattr(connection, "aclose", None)
    if close is not None:  # h11 would take even a blank line as the next answer's start
        await close()
    return bool(trailing[0].strip(b"\r\n"))  # blank lines: tolerated, as llhttp skips them


def _h11_connection(response: httpx.Response) -> object | None:
    """httpcore's connection under a streamed response: httpx's stream wraps httpcore's pool
    stream, which wraps the connection's stream."""
    stream: object | None = response.stream
    for _ in range(5):
        connection: object | None = getattr(stream, "_connection", None)
        if connection is not None:
            return connection
        stream = getattr(stream, "_httpcore_stream", None) or getattr(stream, "_stream", None)
    return None
