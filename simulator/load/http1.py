"""One keep-alive HTTP/1.1 client connection: an asyncio protocol with httptools' C parser.

The load path's wire: a request is one pre-built ``bytes`` write, the response is parsed by
``httptools`` (llhttp, the parser of Node.js and uvicorn) as it arrives, and the result is handed
to the waiting request through a future. One request at a time per connection; the pool in
:mod:`vcall.simulator.load.http_sender` owns the connections.
"""

from __future__ import annotations

import asyncio
import zlib
from dataclasses import dataclass, field

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
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    too_large: bool = False


class _Body:
    """The response body as it arrives: decoded (gzip, deflate) and bounded to ``limit`` + 1."""

    __slots__ = ("chunks", "decoder", "limit", "size")

    def __init__(self, limit: int, encoding: str) -> None:
        self.chunks: list[bytes] = []
        self.size = 0
        self.limit = limit
        wbits = _DECODERS.get(encoding.strip().lower())
        self.decoder = zlib.decompressobj(wbits) if wbits is not None else None

    def add(self, data: bytes) -> bool:
        """Take a piece; False once the body is over the limit (the rest is not wanted)."""
        if self.decoder is not None:
            data = self._decode(data)
        self.chunks.append(data)
        self.size += len(data)
        return self.size <= self.limit

    def _decode(self, data: bytes) -> bytes:
        assert self.decoder is not None
        try:  # at most what the limit still allows, plus one byte to tell it is over
            return self.decoder.decompress(data, self.limit + 1 - self.size)
        except zlib.error as error:
            raise WireError("protocol", f"the response body cannot be decoded: {error}") from None

    def bytes(self) -> bytes:
        body = self.chunks[0] if len(self.chunks) == 1 else b"".join(self.chunks)
        return body[: self.limit + 1]


class Connection(asyncio.Protocol):
    """A client connection; :meth:`request` sends one request and waits for its response."""

    def __init__(self, body_limit: int) -> None:
        self.body_limit = body_limit
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.closed = False
        self.requests = 0
        self._waiter: asyncio.Future[RawResponse] | None = None
        self._response = RawResponse()
        self._body: _Body | None = None
        self._started = False
        self._complete = False

    # --- the client side --------------------------------------------------------------------

    def request(self, data: bytes) -> asyncio.Future[RawResponse]:
        """Send one whole request; the future gets the response or a :class:`WireError`."""
        assert self.transport is not None and self._waiter is None
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[RawResponse] = loop.create_future()
        self._waiter = waiter
        self._response = RawResponse()
        self._body = None
        self._started = self._complete = False
        self.requests += 1
        self.transport.write(data)
        return waiter

    @property
    def reusable(self) -> bool:
        return not self.closed and self._waiter is None and self._complete

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.abort()

    # --- asyncio.Protocol -------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        if self._waiter is None:
            self._fail("protocol", "the server sent data no request asked for")
            return
        try:
            self.parser.feed_data(data)
        except WireError as error:
            self._fail(error.kind, str(error))
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
        if self._waiter is None:
            return
        if self._started and self._body is not None and self._read_until_close():
            self._finish()  # a body delimited by the end of the connection is complete now
            return
        detail = f": {exc}" if exc else ""
        if self._started:
            self._fail("protocol", f"the server closed the connection mid-response{detail}")
        else:
            self._fail(
                "protocol",
                f"the server closed the connection without a response{detail}",
                before_response=True,
            )

    # --- httptools callbacks ----------------------------------------------------------------

    def on_message_begin(self) -> None:
        self._started = True

    def on_header(self, name: bytes, value: bytes) -> None:
        key = name.decode("latin-1").lower()
        text = value.decode("latin-1")
        headers = self._response.headers
        headers[key] = f"{headers[key]}, {text}" if key in headers else text

    def on_headers_complete(self) -> None:
        self._response.status = self.parser.get_status_code()
        encoding = self._response.headers.get("content-encoding", "")
        self._body = _Body(self.body_limit, encoding)

    def on_body(self, data: bytes) -> None:
        if self._body is not None and self._waiter is not None and not self._body.add(data):
            self._response.too_large = True
            self._finish()
            self.close()  # the rest of the body is not read: the connection cannot be reused

    def on_message_complete(self) -> None:
        if self._waiter is None:
            return
        self._complete = True
        keep_alive = self.parser.should_keep_alive()
        self._finish()
        if not keep_alive:
            self.close()

    # --- internals --------------------------------------------------------------------------

    def _read_until_close(self) -> bool:
        """No ``Content-Length`` and not chunked: the body ends with the connection."""
        headers = self._response.headers
        return "content-length" not in headers and "transfer-encoding" not in headers

    def _finish(self) -> None:
        waiter, self._waiter = self._waiter, None
        if self._body is not None:
            self._response.body = self._body.bytes()
        if waiter is not None and not waiter.done():
            waiter.set_result(self._response)

    def _fail(self, kind: str, detail: str, *, before_response: bool = False) -> None:
        waiter, self._waiter = self._waiter, None
        self.close()
        if waiter is not None and not waiter.done():
            waiter.set_exception(WireError(kind, detail, before_response=before_response))
