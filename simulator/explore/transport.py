"""How ``explore`` and ``check`` reach the bot: the load path's client for a URL.

A URL target goes through :class:`~vcall.simulator.transport.http_sender.HttpSender`, the keep-alive
HTTP/1.1 client of ``vcall load`` (a third of httpx's CPU per callback; judged alike by the
hostile-server suite, and it never sends a request twice). An in-process app, and a URL a
proxy from the environment applies to, keep httpx (which honours ``HTTP_PROXY`` and friends).
"""

from __future__ import annotations

import asyncio
import urllib.request
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx

from vcall.simulator.replay import SimulationConfig, Target, open_client
from vcall.simulator.transport import Sender

_T = TypeVar("_T")


def run_fast(coroutine: Coroutine[Any, Any, _T]) -> _T:
    """Run on uvloop when it is installed (as ``vcall load`` does), else on asyncio's loop;
    Ctrl-C cancels the coroutine either way."""
    factory: Callable[[], asyncio.AbstractEventLoop] | None = None
    try:
        import uvloop

        factory = uvloop.new_event_loop
    except ImportError:
        pass
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(coroutine)


@asynccontextmanager
async def open_transport(
    target: Target, config: SimulationConfig, connections: int
) -> AsyncIterator[tuple[httpx.AsyncClient, Sender | None]]:
    """An httpx client (an app's lifespan runs in it) and the sender to use instead, if any."""
    async with open_client(target, config) as http:
        if not fast_path(target):
            yield http, None
            return
        from vcall.simulator.transport import HttpSender

        sender = HttpSender(connections=max(1, connections))
        try:
            yield http, sender
        finally:
            await sender.close()


def fast_path(target: Target) -> bool:
    """Whether callbacks to ``target`` go through the load path's client."""
    if target.in_process:
        return False
    parts = urlsplit(target.url)
    if parts.scheme not in ("http", "https"):
        return False
    host = parts.hostname or ""
    loopback = host in ("localhost", "::1") or host.startswith("127.")
    return loopback or not _proxied(parts.scheme, host)


def _proxied(scheme: str, host: str) -> bool:
    proxies = urllib.request.getproxies()
    if not (proxies.get(scheme) or proxies.get("all")):
        return False
    return not urllib.request.proxy_bypass(host)
