"""``TapApp``: the ASGI app the platform's callback URL points at.

Each request is read (up to ``max_body``), forwarded to the bot as received, and the bot's answer
is sent back unchanged; only then is the callback judged and recorded (:class:`CallObserver`).
Requests run concurrently: a slow or dead bot holds only its own callback, never another call's.
The lifespan starts the idle sweep; its shutdown (Ctrl-C, SIGTERM) closes every open call, so each
is written as a fixture before tap exits.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable

from vcall.simulator.asgi import Receive, Scope, Send
from vcall.simulator.server_bounds import DEFAULT_MAX_BODY, ServerBounds
from vcall.simulator.tap.config import TapConfig
from vcall.simulator.tap.events import (
    BoundReached,
    CallClosed,
    RequestRefused,
    TapEvent,
    TapSink,
    ignore,
)
from vcall.simulator.tap.forward import BotAnswer, Forwarder
from vcall.simulator.tap.observer import CallObserver
from vcall.simulator.tap.privacy import NumberFaker, Redactor
from vcall.simulator.tap.shadow import Shadow

SWEEP_EVERY_S = 1.0
TOO_LARGE = BotAnswer(413, ((b"content-type", b"text/plain; charset=utf-8"),), b"", 0.0, "refused")
STOPPING = BotAnswer(503, ((b"connection", b"close"),), b"", 0.0, "stopped")


class BodyTooLarge(Exception):
    pass


class ClientGone(Exception):
    """The platform closed the connection before its request was whole: nothing to forward."""


class TapApp:
    def __init__(
        self,
        config: TapConfig,
        *,
        sink: TapSink = ignore,
        clock: Callable[[], float] = time.time,
        number_key: bytes | None = None,
        shadow: Shadow | None = None,
    ) -> None:
        """``number_key``: the key of the number fakes (tests fix it; by default a random one).
        ``shadow``: a candidate bot sent a copy of each callback (``--shadow``)."""
        self.config = config
        self.shadow = shadow
        if shadow is not None:
            sink = _telling_shadow(sink, shadow)
        self.sink = sink
        self.redactor = Redactor(
            NumberFaker(keep=config.keep_numbers, key=number_key), config.redact
        )
        self.forwarder = Forwarder(
            config.forward_to, timeout_s=config.timeout_s, connections=config.connections
        )
        self.observer = CallObserver(config, self.redactor, sink, clock=clock)
        if shadow is not None:  # what it shows is redacted as tap's own lines are
            shadow.shown = lambda text: self.redactor.text(text, {})
            if self.observer.report is not None:
                shadow.report = self.observer.report_line
        self.bounds = ServerBounds(
            max_body=max(config.max_body, DEFAULT_MAX_BODY),
            notify=lambda message: sink(BoundReached(message)),
        )
        """The server bounds (serve tap with them): what they did is in ``bounds.counts``."""
        self._sweeper: asyncio.Task[None] | None = None
        self._stopped = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.relay(scope, receive, send)
        elif scope["type"] == "lifespan":
            await self._lifespan(receive, send)

    async def relay(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        method = scope["method"]
        query = scope.get("query_string", b"")
        headers = scope["headers"]
        try:
            body = await _read_limited(receive, self.config.max_body)
        except ClientGone:
            return
        except BodyTooLarge:
            self.observer.counts.refused += 1
            self.sink(RequestRefused(f"request body over {self.config.max_body} bytes", 413))
            await _answer(send, TOO_LARGE)
            return
        try:
            answer = await self.forwarder.forward(method, query, headers, body)
        except asyncio.CancelledError:  # shutdown's grace period is over: abandoned, said
            self.sink(RequestRefused("the bot had not answered when tap stopped", 503))
            await _answer(send, STOPPING)
            return
        await _answer(send, answer)
        own_ms = (time.perf_counter() - started) * 1000 - answer.latency_ms
        self.observer.counts.own_time.record_ms(max(own_ms, 0.0))
        self.observer.observe(method, query, body, _content_type(headers), answer)
        if self.shadow is not None:  # after production's answer went out: never delays it
            self.shadow.offer(method, query, headers, body, answer)

    async def start(self) -> None:
        if self._sweeper is None:
            self._sweeper = asyncio.get_running_loop().create_task(self._sweep())
            if self.shadow is not None:
                await self.shadow.start()

    async def stop(self) -> None:
        """Close every open call (fixtures written), the files and the bot connections."""
        if self._stopped:
            return
        self._stopped = True
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        if self.shadow is not None:
            await self.shadow.stop()
        await self.observer.stop()
        self.forwarder.close()

    async def _sweep(self) -> None:
        interval = min(SWEEP_EVERY_S, self.config.idle_s / 4)
        while True:
            await asyncio.sleep(interval)
            self.observer.sweep()

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await self.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return


def _telling_shadow(sink: TapSink, shadow: Shadow) -> TapSink:
    """``sink``, and each closed call's fixture told to the shadow (a divergent call's)."""

    def both(event: TapEvent) -> None:
        if isinstance(event, CallClosed):
            shadow.call_closed(event.call_id, event.saved)
        sink(event)

    return both


async def _read_limited(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


async def _answer(send: Send, answer: BotAnswer) -> None:
    length = len(answer.body) if answer.length is None else answer.length
    headers = [*answer.headers, (b"content-length", b"%d" % length)]
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body})


def _content_type(headers: list[tuple[bytes, bytes]]) -> str:
    for name, value in headers:
        if name.lower() == b"content-type":
            return value.decode("latin-1")
    return ""
