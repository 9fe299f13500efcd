"""Serving an ASGI app (the emulator, the example bot) with uvicorn on a socket bound up front.

Binding first lets ``--port 0`` pick a free port and say which before the server starts, and lets
tests start a real server in a thread without racing for a port. Nothing is printed here.

Every server keeps :mod:`~vcall.simulator.server_bounds` (head and body size, slow clients,
connections). Shutdown (Ctrl-C, SIGTERM) stops accepting, waits at most ``GRACE_S`` (5 s) for the
requests in progress, abandons the rest, and then always runs the app's lifespan shutdown (where
tap writes its open calls), a second Ctrl-C included: it only skips the wait.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Awaitable
from types import FrameType, TracebackType
from typing import Any

import uvicorn

from vcall.simulator.errors import UsageError
from vcall.simulator.server_bounds import GRACE_S, ServerBounds, guarded_protocol

__all__ = ["GRACE_S", "ServerBounds", "ServerThread", "base_url", "bind_socket", "serve_app"]

LOG_LEVEL = "warning"


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (``port`` 0: a free one). UsageError when the
    address cannot be used."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted connections inherit it: without it a kept-alive answer written in two parts
        # (uvicorn's head, then body) waits ~40 ms for the client's delayed ACK.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as error:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    return sock


def base_url(sock: socket.socket) -> str:
    """``http://127.0.0.1:8080`` for a bound socket (IPv6 hosts in brackets)."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


class _Server(uvicorn.Server):
    """uvicorn's server whose shutdown always reaches the app, and re-raises a signal once."""

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        seen = sig in self._captured_signals
        super().handle_exit(sig, frame)
        if seen:  # a second Ctrl-C: skip the wait, but re-raise it once, after the shutdown
            self._captured_signals.pop()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        await super().shutdown(sockets)
        if self.force_exit:  # uvicorn skips the app's shutdown then: it must still run
            await self.lifespan.shutdown()


def _server(app: Any, bounds: ServerBounds | None) -> uvicorn.Server:
    bounds = bounds or ServerBounds()
    config = uvicorn.Config(
        app,
        log_level=LOG_LEVEL,
        access_log=False,
        lifespan="on",
        server_header=False,
        http=guarded_protocol(bounds),
        timeout_keep_alive=int(max(1, bounds.keep_alive_s)),
        timeout_graceful_shutdown=int(max(1, bounds.grace_s)),
    )
    return _Server(config)


async def serve_app(
    app: Any,
    sock: socket.socket,
    *,
    until: Awaitable[None] | None = None,
    bounds: ServerBounds | None = None,
) -> None:
    """Serve ``app`` on ``sock`` until Ctrl-C or SIGTERM (re-raised afterwards) or until
    ``until`` completes, then shut down within the grace period (the app's lifespan shutdown
    runs)."""
    server = _server(app, bounds)
    serving = asyncio.ensure_future(server.serve(sockets=[sock]))
    if until is not None:
        stop = asyncio.ensure_future(until)
        await asyncio.wait({serving, stop}, return_when=asyncio.FIRST_COMPLETED)
        server.should_exit = True
        stop.cancel()
    await serving


class ServerThread:
    """A real uvicorn server in a background thread (for tests and embedding)::

    with ServerThread(app) as server:
        httpx.post(server.url + "/?...")
    """

    def __init__(
        self,
        app: Any,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        bounds: ServerBounds | None = None,
    ) -> None:
        self.app = app
        self.bounds = bounds or ServerBounds()
        self._sock = bind_socket(host, port)
        self.url = base_url(self._sock)
        self._server = _server(app, self.bounds)
        self._thread = threading.Thread(target=self._run, name="vcall-server", daemon=True)

    def _run(self) -> None:
        self._server.run(sockets=[self._sock])

    def __enter__(self) -> ServerThread:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def stop(self, timeout: float = 10.0) -> None:
        self._server.should_exit = True
        self._thread.join(timeout)
        self._sock.close()
