"""One keep-alive HTTP/1.1 client connection: an asyncio protocol with httptools' C parser.

The load path's wire: a request is one pre-built ``bytes`` write, the response is parsed by
``httptools`` (llhttp, the parser of Node.js and uvicorn) as it arrives, and the result is handed
to the waiting request through a future. One request at a time per connection; the pool in
:mod:`vcall.simulator.load.http_sender` owns the connections. This runs for every callback of a
load run, so the per-response state lives on the connection itself.
"""

from __future__ import annotations

import asyncio
import zlib
from dataclasses import dataclass
from typing import cast

import httptools

_DECODERS = {"gzip": zlib.MAX_WBITS | 16, "x-gzip": zlib.MAX_WBITS | 16, "deflate": zlib.MAX_WBITS}


class WireError(Exception):
    """The exchange failed on the wire; ``kind`` is the ``Exchange.error`` it maps to."""

    def __init__(self, kind: str, detail: str, *, before_response: bool = False) -> None:
        super().__init__(detail)
        self.kind = kind
        self.before_response = before_response
        """Nothing of a response had arrived (a reused connection may have been closed idle)."""


@dataclass(slots=True)
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes
    """Decoded (gzip, deflate undone), at most the body limit plus one byte."""
    too_large: bool = False


class Connection(asyncio.Protocol):
    """A client connection; :meth:`request` sends one request and waits for its response."""

    def __init__(self, loop: asyncio.AbstractEventLoop, body_limit: int) -> None:
        self.loop = loop
        self.body_limit = body_limit
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.closed = False
        self.idle = False
        """Between exchanges: the last response was read whole and the server keeps the
        connection open."""
        self._waiter: asyncio.Future[RawResponse] | None = None
        self._started = False
        self._raw_headers: list[tuple[bytes, bytes]] = []
        self._headers: dict[str, str] | None = None
        """Once the response's headers are complete."""
        self._chunks: list[bytes] = []
        self._size = 0
        self._decoder: zlib._Decompress | None = None

    # --- the client side --------------------------------------------------------------------

    def request(self, data: bytes) -> asyncio.Future[RawResponse]:
        """Send one whole request; the future gets the response or a :class:`WireError`."""
        assert self.transport is not None and self._waiter is None
        waiter: asyncio.Future[RawResponse] = self.loop.create_future()
        self._waiter = waiter
        self.idle = self._started = False
        self._raw_headers = []
        self._headers = None
        self._chunks = []
        self._size = 0
        self._decoder = None
        self.transport.write(data)
        return waiter

    def expire(self, detail: str) -> None:
        """The exchange under way took too long: it fails as a timeout."""
        self._fail("timeout", detail)

    def close(self) -> None:
        self.closed = True
        self.idle = False
        if self.transport is not None:
            self.transport.abort()

    # --- asyncio.Protocol -------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass

    def data_received(self, data: bytes) -> None:
        if self._waiter is None:
            self._fail("protocol", "the server sent data no request asked for")
            return
        self._started = True
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserCallbackError as error:
            cause = error.__context__
            if isinstance(cause, WireError):
                self._fail(cause.kind, str(cause))
            else:
                self._fail("protocol", f"the response could not be read: {cause or error}")
        except httptools.HttpParserError as error:
            self._fail("protocol", f"the response is not valid HTTP/1.1: {error}")

    def eof_received(self) -> bool:
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.idle = False
        if self._waiter is None:
            return
        if self._started and self._reads_until_close():
            self._finish()  # a body delimited by the end of the connection is complete now
            return
        detail = f": {exc}" if exc else ""
        if self._started:
            self._fail("protocol", f"the server closed the connection mid-response{detail}")
        else:
            message = f"the server closed the connection without a response{detail}"
            self._fail("protocol", message, before_response=True)

    # --- httptools callbacks ----------------------------------------------------------------

    def on_header(self, name: bytes, value: bytes) -> None:
        self._raw_headers.append((name, value))

    def on_headers_complete(self) -> None:
        self._headers = _header_dict(self._raw_headers)
        encoding = self._headers.get("content-encoding")
        if encoding is not None:
            wbits = _DECODERS.get(encoding.strip().lower())
            self._decoder = None if wbits is None else zlib.decompressobj(wbits)

    def on_body(self, data: bytes) -> None:
        if self._waiter is None:
            return  # over the limit already: the rest is not read
        if self._decoder is not None:
            data = self._decode(data)
        self._chunks.append(data)
        self._size += len(data)
        if self._size > self.body_limit:
            self._finish(too_large=True)
            self.close()  # the rest of the body is not read: the connection cannot be reused

    def on_message_complete(self) -> None:
        if self._waiter is None:
            return
        if 100 <= self.parser.get_status_code() < 200:  # interim (100 Continue): more follows
            self._raw_headers, self._headers = [], None
            return
        keep_alive = self.parser.should_keep_alive()
        self._finish()
        if keep_alive:
            self.idle = True
        else:
            self.close()

    # --- internals --------------------------------------------------------------------------

    def _decode(self, data: bytes) -> bytes:
        assert self._decoder is not None
        try:  # at most what the limit still allows, plus one byte to tell it is over
            return self._decoder.decompress(data, self.body_limit + 1 - self._size)
        except zlib.error as error:
            raise WireError("protocol", f"the response body cannot be decoded: {error}") from None

    def _reads_until_close(self) -> bool:
        """Headers complete, no ``Content-Length``, not chunked: the body ends with the
        connection."""
        headers = self._headers
        if headers is None:
            return False
        return "content-length" not in headers and "transfer-encoding" not in headers

    def _finish(self, *, too_large: bool = False) -> None:
        waiter, self._waiter = self._waiter, None
        chunks = self._chunks
        body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        if too_large:
            body = body[: self.body_limit + 1]
        status = self.parser.get_status_code()
        if waiter is not None and not waiter.done():
            waiter.set_result(RawResponse(status, self._headers or {}, body, too_large))

    def _fail(self, kind: str, detail: str, *, before_response: bool = False) -> None:
        waiter, self._waiter = self._waiter, None
        self.close()
        if waiter is not None and not waiter.done():
            waiter.set_exception(WireError(kind, detail, before_response=before_response))


def _header_dict(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    """Names in lower case; a repeated header's values joined with ``, ``."""
    headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in raw}
    if len(headers) == len(raw):
        return headers
    joined: dict[str, list[str]] = {}
    for name, value in raw:
        joined.setdefault(name.decode("latin-1").lower(), []).append(value.decode("latin-1"))
    return {name: ", ".join(values) for name, values in joined.items()}
