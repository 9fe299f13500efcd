"""The bounds every server vcall starts keeps (``tap``, ``emulator``, ``example-bot``).

A peer decides how much it sends and how slowly; these bounds decide what it costs:

- a request head (request line and headers) over :data:`MAX_HEAD_BYTES`: ``431``, connection
  closed;
- a request body over the server's body limit: ``413`` (or the connection closed if the answer
  has begun);
- a request not received whole :data:`REQUEST_READ_S` after its connection opened or its first
  byte came (a client that stops mid-head or mid-body): the connection is closed, the app sees
  the client gone;
- a kept-alive connection idle for :data:`KEEP_ALIVE_S`: closed (uvicorn's ``timeout_keep_alive``);
- more than ``max_connections`` open at once: the connection that has waited longest without a
  request being answered on it is closed to make room (a slow client gives way to a real
  callback); when every connection is busy with a request, the new one gets ``503``. The default
  leaves room under the process's file limit for the connections to the bot and the files.

Each bound counts what it did in :class:`BoundCounts` and, the first time, calls ``notify`` once
with a one-line message (the server's owner prints it). Nothing is printed here.
"""

from __future__ import annotations

import asyncio
import contextlib
import resource
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_HEAD_BYTES = 16 * 1024
DEFAULT_MAX_BODY = 1024 * 1024
REQUEST_READ_S = 10.0
KEEP_ALIVE_S = 5.0
GRACE_S = 5.0
"""How long shutdown waits for requests in progress before abandoning them."""
MAX_CONNECTIONS = 1000
FD_RESERVE = 320
"""File descriptors kept free of client connections: the bot pool (256), files, the loop."""

_STATUS_TEXT = {
    408: b"Request Timeout",
    413: b"Content Too Large",
    431: b"Request Header Fields Too Large",
    503: b"Service Unavailable",
}


@dataclass(slots=True)
class BoundCounts:
    head_too_large: int = 0
    body_too_large: int = 0
    too_slow: int = 0
    """Connections closed because a request did not arrive whole in time."""
    made_room: int = 0
    """Connections closed to make room for a new one."""
    refused: int = 0
    """Connections refused (503) because every open one was busy."""

    def total(self) -> int:
        return (
            self.head_too_large
            + self.body_too_large
            + self.too_slow
            + self.made_room
            + self.refused
        )

    def describe(self) -> str:
        parts = [
            (self.head_too_large, "request head(s) over the limit"),
            (self.body_too_large, "request body(ies) over the limit"),
            (self.too_slow, "slow connection(s) closed"),
            (self.made_room, "connection(s) closed to make room"),
            (self.refused, "connection(s) refused (busy)"),
        ]
        return ", ".join(f"{count} {what}" for count, what in parts if count)


@dataclass(slots=True)
class ServerBounds:
    max_head: int = MAX_HEAD_BYTES
    max_body: int = DEFAULT_MAX_BODY
    request_read_s: float = REQUEST_READ_S
    keep_alive_s: float = KEEP_ALIVE_S
    grace_s: float = GRACE_S
    max_connections: int | None = None
    """``None``: :data:`MAX_CONNECTIONS`, less when the file limit is lower."""
    notify: Callable[[str], None] = lambda _message: None
    counts: BoundCounts = field(default_factory=BoundCounts)
    _said: set[str] = field(default_factory=set)

    def connections_allowed(self) -> int:
        if self.max_connections is not None:
            return self.max_connections
        soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft == resource.RLIM_INFINITY:
            return MAX_CONNECTIONS
        return max(16, min(MAX_CONNECTIONS, soft - FD_RESERVE))

    def hit(self, kind: str, message: str) -> None:
        setattr(self.counts, kind, getattr(self.counts, kind) + 1)
        if kind not in self._said:
            self._said.add(kind)
            self.notify(message + " (said once; counted in the summary)")


def said_by(print_line: Callable[[str], None]) -> ServerBounds:
    """The default bounds, each said once through ``print_line`` (a CLI's console)."""
    return ServerBounds(notify=lambda message: print_line(f"bound: {message}"))


def raise_file_limit() -> None:
    """Raise the soft open-file limit to the hard one (a server's process, not a library's)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard and soft != resource.RLIM_INFINITY:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def guarded_protocol(bounds: ServerBounds) -> type[HttpToolsProtocol]:
    """uvicorn's httptools protocol with ``bounds`` applied (pass as ``Config(http=...)``)."""
    return type("GuardedProtocol", (_GuardedProtocol,), {"bounds": bounds})


class _GuardedProtocol(HttpToolsProtocol):
    bounds: ClassVar[ServerBounds]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._in_head = True
        self._whole = False
        self._head_bytes = 0
        self._body_bytes = 0
        self._opened = 0.0
        self._closed_by_bound = False

    # --- connections ------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        others = list(self.connections)
        super().connection_made(transport)
        self._opened = self.loop.time()
        self._arm()
        allowed = self.bounds.connections_allowed()
        if len(others) + 1 <= allowed:
            return
        idle = [c for c in others if isinstance(c, _GuardedProtocol) and not c._busy()]
        if idle:
            oldest = min(idle, key=lambda c: c._opened)
            self.bounds.hit(
                "made_room",
                f"more than {allowed} connections open: the longest-waiting idle one was closed",
            )
            oldest._close()
            return
        self.bounds.hit("refused", f"more than {allowed} connections open, all busy: answered 503")
        self._refuse(503)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def shutdown(self) -> None:
        """Shutdown: a request not received whole is abandoned now (its client is taken as
        gone); one being answered gets the grace period."""
        if not self._whole and self.cycle is not None and not self.cycle.response_complete:
            self._close()
            return
        super().shutdown()

    def _busy(self) -> bool:
        """A request on this connection came whole and is being answered."""
        return self._whole and self.cycle is not None and not self.cycle.response_complete

    # --- the request as it arrives ----------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        if self._closed_by_bound:
            return
        if self._in_head:
            self._head_bytes += len(data)
        super().data_received(data)
        if self._in_head and self._head_bytes > self.bounds.max_head and not self._closed_by_bound:
            self.bounds.hit(
                "head_too_large", f"a request head over {self.bounds.max_head} bytes: answered 431"
            )
            self._refuse(431)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head = True
        self._whole = False
        self._head_bytes = 0
        self._body_bytes = 0
        if self._deadline is None:
            self._arm()

    def on_headers_complete(self) -> None:
        self._in_head = False
        for name, value in self.headers:
            if name == b"content-length" and value.isdigit() and int(value) > self.bounds.max_body:
                self._body_over()
                return
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if self._closed_by_bound:
            return
        self._body_bytes += len(body)
        if self._body_bytes > self.bounds.max_body:
            self._body_over()
            return
        super().on_body(body)

    def on_message_complete(self) -> None:
        self._disarm()
        self._whole = True
        if self._closed_by_bound or self.cycle is None:
            return
        super().on_message_complete()

    # --- refusing ---------------------------------------------------------------------------

    def _body_over(self) -> None:
        self.bounds.hit(
            "body_too_large", f"a request body over {self.bounds.max_body} bytes: answered 413"
        )
        self._refuse(413)

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.bounds.request_read_s, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        self.bounds.hit(
            "too_slow",
            f"a request not received whole within {self.bounds.request_read_s:g} s: "
            "connection closed",
        )
        self._close()

    def _refuse(self, status: int) -> None:
        answering = self.cycle is not None and self.cycle.response_started
        if not answering and not self.transport.is_closing():
            reason = _STATUS_TEXT[status]
            self.transport.write(
                b"HTTP/1.1 %d %s\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                % (status, reason)
            )
        self._close()

    def _close(self) -> None:
        self._closed_by_bound = True
        self._disarm()
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.disconnected = True
            self.cycle.message_event.set()
        if not self.transport.is_closing():
            self.transport.close()
