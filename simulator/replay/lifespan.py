"""An in-process ASGI app runs its lifespan, as a server would start it.

A FastAPI or Starlette bot often opens what it needs (a database pool, an HTTP client, a loaded
intent model) in its ``lifespan`` startup and keeps it on ``app.state`` or in the lifespan state.
Served by uvicorn it works; called in-process without a startup, every callback fails with HTTP
500: a false error on a correct bot. So the transport of an in-process ASGI app sends
``lifespan.startup`` when the first client opens it and ``lifespan.shutdown`` when the last one
closes, and hands the lifespan state (ASGI ``scope["state"]``) to every request, as uvicorn does in
its default ``--lifespan auto`` mode: an app that does not speak the protocol (it returns or
raises before answering the startup) is simply called without one.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import MutableMapping
from types import TracebackType
from typing import Any

import httpx

from vcall.simulator.errors import TargetError

STARTUP_TIMEOUT_S = 60.0
"""How long an app's startup may take (bounded: a startup that never answers is an error)."""
SHUTDOWN_TIMEOUT_S = 10.0


class LifespanASGITransport(httpx.ASGITransport):
    """httpx's ASGI transport, with the app's lifespan run around the clients that use it."""

    def __init__(self, app: Any, label: str = "app") -> None:
        super().__init__(app=self._with_state)
        self._app = app
        self._label = label
        self._users = 0
        self._state: dict[str, Any] = {}
        self._task: asyncio.Task[None] | None = None
        self._to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._from_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def _with_state(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") == "http" and self._state:
            scope = {**scope, "state": dict(self._state)}
        await self._app(scope, receive, send)

    async def __aenter__(self) -> LifespanASGITransport:
        self._users += 1
        if self._users == 1:
            await self._startup()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        self._users = max(0, self._users - 1)
        if self._users == 0:
            await self._shutdown()

    async def _startup(self) -> None:
        self._state = {}
        self._to_app = asyncio.Queue()
        self._from_app = asyncio.Queue()
        scope = {
            "type": "lifespan",
            "asgi": {"version": "3.0", "spec_version": "2.0"},
            "state": self._state,
        }
        self._task = asyncio.create_task(self._run(scope))
        await self._to_app.put({"type": "lifespan.startup"})
        message = await self._reply(STARTUP_TIMEOUT_S, "startup")
        if message is None:  # no lifespan support: called without one, as uvicorn does
            self._task = None
            return
        if message.get("type") == "lifespan.startup.failed":
            detail = str(message.get("message") or "").strip().splitlines()
            why = f": {detail[-1]}" if detail else ""
            await self._stop()
            raise TargetError(f"target {self._label!r}: its lifespan startup failed{why}")

    async def _shutdown(self) -> None:
        if self._task is None:
            return
        if not self._task.done():
            await self._to_app.put({"type": "lifespan.shutdown"})
            with contextlib.suppress(TargetError):
                await self._reply(SHUTDOWN_TIMEOUT_S, "shutdown")
        await self._stop()

    async def _run(self, scope: dict[str, Any]) -> None:
        async def receive() -> dict[str, Any]:
            return await self._to_app.get()

        async def send(message: dict[str, Any]) -> None:
            await self._from_app.put(message)

        with contextlib.suppress(Exception):  # an app without lifespan support may raise
            await self._app(scope, receive, send)

    async def _reply(self, timeout_s: float, what: str) -> dict[str, Any] | None:
        """The app's answer, or ``None`` when it returned without one (no lifespan support)."""
        assert self._task is not None
        reply = asyncio.ensure_future(self._from_app.get())
        done, _ = await asyncio.wait(
            {reply, self._task}, timeout=timeout_s, return_when=asyncio.FIRST_COMPLETED
        )
        if reply in done:
            return reply.result()
        reply.cancel()
        if self._task in done:
            return None
        await self._stop()
        raise TargetError(
            f"target {self._label!r}: its lifespan {what} did not finish within {timeout_s:g} s"
        )

    async def _stop(self) -> None:
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
