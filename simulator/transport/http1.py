"""One keep-alive HTTP/1.1 client connection: an asyncio protocol with httptools' C parser.

The load path's wire: a request is one pre-built ``bytes`` write, the response is parsed by
``httptools`` (llhttp, the parser of Node.js and uvicorn) as it arrives, and the result is handed
to the waiting request through a future. One request at a time per connection; the pool in
:mod:`vcall.simulator.transport.pool` owns the connections. This runs for every callback of a load
run, so the per-response state lives on the connection itself.

Judged as ``delivery.HttpxSender`` judges (``test_sender_conformance.py``): the body is decoded by
:class:`~vcall.simulator.transport.content_coding.BodyDecoder`; the head may take
``MAX_HEADER_BYTES``; bytes after a whole response in the same read are a second answer (a protocol
error, the connection is dropped); ``Content-Length`` with ``chunked`` is read chunked and the
connection is not reused. Memory is bounded: at most the body limit plus one read is held, and a
closed connection lets go of everything (no reference cycle keeps a failed exchange's body).
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import cast

import httptools

from vcall.simulator.transport.content_coding import BodyDecoder, EncodingError
from vcall.simulator.transport.sender import EXTRA_RESPONSE, MAX_HEADER_BYTES

_CONTROL = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")
"""Characters no header value may hold (RFC 9110 §5.5; a tab is allowed)."""


class WireError(Exception):
    """The exchange failed on the wire; ``kind`` is the ``Exchange.error`` it maps to."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind


@dataclass(slots=True)
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes
    """Decoded (gzip, deflate undone), at most the body limit plus one byte."""
    too_large: bool = False
    error: str | None = None
    """``encoding``: a response came, but its body cannot be decoded (``detail`` says why)."""
    detail: str = ""
    header_list: tuple[tuple[str, str], ...] = ()
    """Every header as it came (lower-case names), repeats kept (two ``Set-Cookie``); empty when
    no header repeats: ``headers`` then holds each as it came, in order (built only then: a load
    run reads every answer's headers, and hardly any repeats one)."""


class _Stop(Exception):
    """Raised in a parser callback to stop parsing: the exchange is decided."""


class Connection(asyncio.Protocol):
    """A client connection; :meth:`request` sends one request and waits for its response."""

    def __init__(self, loop: asyncio.AbstractEventLoop, body_limit: int) -> None:
        self.loop = loop
        self.body_limit = body_limit
        self.transport: asyncio.Transport | None = None
        self.parser: httptools.HttpResponseParser | None = _parser(self)
        self.closed = False
        self.idle = False
        """Between exchanges: the last response was read whole and the server keeps the
        connection open."""
        self._waiter: asyncio.Future[RawResponse] | None = None
        self._started = False
        self._head_bytes = 0
        self._raw_headers: list[tuple[bytes, bytes]] = []
        self._headers: dict[str, str] | None = None
        """Once the response's headers are complete."""
        self._decoder: BodyDecoder | None = None
        self._complete = False
        self._reusable = False
        self._head_only = False
        self._header_list: tuple[tuple[str, str], ...] = ()

    # --- the client side --------------------------------------------------------------------

    def request(self, data: bytes, *, head_only: bool = False) -> asyncio.Future[RawResponse]:
        """Send one whole request; the future gets the response or a :class:`WireError`.
        ``head_only``: a ``HEAD`` request, whose answer has no body whatever its length says."""
        assert self.transport is not None and self._waiter is None
        waiter: asyncio.Future[RawResponse] = self.loop.create_future()
        self._waiter = waiter
        self.idle = self._started = self._complete = False
        self._head_bytes = 0
        self._raw_headers = []
        self._headers = None
        self._decoder = None
        self._head_only = head_only
        self._header_list = ()
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
        self._let_go()

    # --- asyncio.Protocol -------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass

    def data_received(self, data: bytes) -> None:
        parser = self.parser
        if parser is None:
            return
        if self._waiter is None:  # after the answer was taken: never read as another's answer
            self.close()
            return
        self._started = True
        if self._headers is None:
            self._head_bytes += len(data)
        try:
            parser.feed_data(data)
        except httptools.HttpParserCallbackError as error:
            self._parser_stopped(error.__context__ or error)
            return
        except httptools.HttpParserError as error:
            self._parser_stopped(error)
            return
        if self._complete:
            self._finish()
        elif self._headers is None and self._head_bytes > MAX_HEADER_BYTES:
            self._fail("protocol", f"the response head is over {MAX_HEADER_BYTES} bytes")

    def eof_received(self) -> bool:
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.idle = False
        self.transport = None
        if self._waiter is not None:
            self._lost(exc)
        self._let_go()
        self.parser = None  # the parser holds this protocol: no cycle outlives the connection

    # --- httptools callbacks ----------------------------------------------------------------

    def on_message_begin(self) -> None:
        if self._complete:
            raise _Stop(EXTRA_RESPONSE)

    def on_header(self, name: bytes, value: bytes) -> None:
        if _CONTROL.search(value) is not None:  # llhttp is lenient here; h11 (httpx) is not
            raise _Stop(f"the header {name.decode('latin-1')!r} holds a control character")
        self._raw_headers.append((name, value))

    def on_headers_complete(self) -> None:
        raw = self._raw_headers
        headers = self._headers = _header_dict(raw)
        if len(headers) != len(raw):  # a repeated header: only then is the list not the dict's
            self._header_list = tuple(
                (name.decode("latin-1").lower(), value.decode("latin-1")) for name, value in raw
            )
        self._raw_headers = []
        parser = self.parser
        if self._head_only and parser is not None and parser.get_status_code() >= 200:
            self._complete = True  # no body follows; the connection is not reused
            self._reusable = False
            return
        coding = headers.get("transfer-encoding")
        if coding is not None and coding.strip().lower() != "chunked":
            raise _Stop(f"unsupported Transfer-Encoding {coding!r}: only chunked is")
        self._decoder = BodyDecoder(headers.get("content-encoding"), self.body_limit)

    def on_body(self, data: bytes) -> None:
        decoder = self._decoder
        if decoder is None or self._complete:
            return
        decoder.feed(data)
        if decoder.over_limit:
            raise _Stop("too-large")

    def on_message_complete(self) -> None:
        parser = self.parser
        assert parser is not None
        if 100 <= parser.get_status_code() < 200:  # interim (100 Continue): more follows
            self._raw_headers, self._headers, self._head_bytes = [], None, 0
            return
        if self._decoder is not None:
            self._decoder.finish()
        headers = self._headers or {}
        ambiguous = "content-length" in headers and "transfer-encoding" in headers
        self._reusable = parser.should_keep_alive() and not ambiguous
        self._complete = True

    # --- internals --------------------------------------------------------------------------

    def _parser_stopped(self, cause: BaseException) -> None:
        """The parser stopped: over a limit, a second answer, an undecodable body, bad HTTP."""
        if isinstance(cause, _Stop) and str(cause) == "too-large":
            self._finish(too_large=True)
            self.close()  # the rest of the body is not read: the connection cannot be reused
        elif isinstance(cause, _Stop):
            self._fail("protocol", str(cause))
        elif isinstance(cause, EncodingError):
            self._finish(error=str(cause))
            self.close()
        elif self._complete:
            self._fail("protocol", EXTRA_RESPONSE)
        elif isinstance(cause, httptools.HttpParserError):
            self._fail("protocol", f"the response is not valid HTTP/1.1: {cause}")
        else:
            self._fail("protocol", f"the response could not be read: {cause}")

    def _lost(self, exc: Exception | None) -> None:
        """The connection closed with an exchange under way. Never resent: the request may
        have reached the endpoint."""
        if self._complete or self._reads_until_close():
            try:
                if not self._complete and self._decoder is not None:
                    self._decoder.finish()  # a body delimited by the end of the connection
            except EncodingError as error:
                self._finish(error=str(error))
                return
            self._finish()
            return
        detail = f": {exc}" if exc else ""
        not_resent = " (not resent: the callback may have reached the endpoint)"
        if self._started:
            self._fail("protocol", f"the server closed the connection mid-response{detail}")
        else:
            message = f"the server closed the connection without a response{detail}{not_resent}"
            self._fail("protocol", message)

    def _reads_until_close(self) -> bool:
        """Headers complete, no ``Content-Length``, not chunked: the body ends with the
        connection."""
        headers = self._headers
        if headers is None:
            return False
        return "content-length" not in headers and "transfer-encoding" not in headers

    def _finish(self, *, too_large: bool = False, error: str | None = None) -> None:
        waiter, self._waiter = self._waiter, None
        decoder, self._decoder = self._decoder, None
        body = decoder.body() if decoder is not None and error is None else b""
        parser = self.parser
        status = parser.get_status_code() if parser is not None else 0
        headers = self._headers or {}
        if self._complete and self._reusable:
            self.idle = True
        elif not self.closed:
            self.close()
        if waiter is not None and not waiter.done():
            kind = "encoding" if error is not None else None
            answer = RawResponse(status, headers, body, too_large, kind, error or "")
            answer.header_list = self._header_list
            waiter.set_result(answer)

    def _fail(self, kind: str, detail: str) -> None:
        waiter, self._waiter = self._waiter, None
        self.close()
        if waiter is not None and not waiter.done():
            waiter.set_exception(WireError(kind, detail))

    def _let_go(self) -> None:
        """Drop what an exchange held: a closed connection may linger until its owner lets go."""
        self._decoder = None
        self._raw_headers = []


def _parser(connection: Connection) -> httptools.HttpResponseParser:
    """llhttp, as lenient as h11 (httpx) where RFC 9112 lets a client be: Content-Length beside
    chunked is read chunked (§6.3), a folded header is unfolded (§5.2), a bare LF ends a line
    (§2.2), a higher minor version (``HTTP/1.2``) is read as HTTP/1.1 (§2.3)."""
    parser = httptools.HttpResponseParser(connection)
    parser.set_dangerous_leniencies(
        lenient_chunked_length=True,
        lenient_headers=True,
        lenient_optional_cr_before_lf=True,
        lenient_version=True,
    )
    return parser


def _header_dict(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    """Names in lower case; a repeated header's values joined with ``, ``."""
    headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in raw}
    if len(headers) == len(raw):
        return headers
    joined: dict[str, list[str]] = {}
    for name, value in raw:
        joined.setdefault(name.decode("latin-1").lower(), []).append(value.decode("latin-1"))
    return {name: ", ".join(values) for name, values in joined.items()}
