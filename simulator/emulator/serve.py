"""Serving an ASGI app (the emulator, the example bot) with uvicorn on a socket bound up front.

Binding first lets ``--port 0`` pick a free port and say which before the server starts, and lets
tests start a real server in a thread without racing for a port. Nothing is printed here.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Awaitable
from types import TracebackType
from typing import Any

import uvicorn

from vcall.simulator.errors import UsageError

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


def _server(app: Any, sock: socket.socket) -> uvicorn.Server:
    config = uvicorn.Config(
        app, log_level=LOG_LEVEL, access_log=False, lifespan="on", server_header=False
    )
    return uvicorn.Server(config)


async def serve(app: Any, sock: socket.socket, *, until: Awaitable[None] | None = None) -> None:
    """Serve ``app`` on ``sock`` until Ctrl-C (uvicorn re-raises it afterwards) or until
    ``until`` completes, then shut down gracefully (the app's lifespan shutdown runs)."""
    server = _server(app, sock)
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

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self._sock = bind_socket(host, port)
        self.url = base_url(self._sock)
        self._server = _server(app, self._sock)
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
