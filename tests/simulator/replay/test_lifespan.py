"""An in-process ASGI app gets its lifespan, as uvicorn's default ``--lifespan auto`` gives it.

A FastAPI/Starlette bot that opens what it needs at startup answered every in-process callback
with HTTP 500 (a false error on a correct bot, found with ``tests/outside_bots/lifespan_bot.py``).
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from vcall.simulator.errors import TargetError
from vcall.simulator.replay import lifespan as lifespan_module
from vcall.simulator.replay.targets import IN_PROCESS_URL, app_target


def _recording_app(events: list[str], *, startup: str = "complete") -> Any:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                events.append(message["type"])
                if message["type"] == "lifespan.startup":
                    if startup == "never":
                        await asyncio.sleep(3600)
                    if startup == "failed":
                        await send({"type": "lifespan.startup.failed", "message": "no database"})
                        return
                    scope["state"]["pool"] = "db-pool"
                    await send({"type": "lifespan.startup.complete"})
                else:
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        pool = scope.get("state", {}).get("pool", "none")
        events.append(f"request with {pool}")
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": pool.encode()})

    return app


async def _post_twice(transport: httpx.AsyncBaseTransport) -> list[str]:
    async with httpx.AsyncClient(transport=transport) as client:
        first = await client.post(IN_PROCESS_URL)
        second = await client.post(IN_PROCESS_URL)
    return [first.text, second.text]


def test_startup_runs_once_its_state_reaches_every_request_and_shutdown_runs_at_close() -> None:
    events: list[str] = []
    target = app_target("bot", _recording_app(events))
    assert target.transport is not None
    assert asyncio.run(_post_twice(target.transport)) == ["db-pool", "db-pool"]
    assert events == [
        "lifespan.startup",
        "request with db-pool",
        "request with db-pool",
        "lifespan.shutdown",
    ]
    events.clear()
    assert asyncio.run(_post_twice(target.transport)) == ["db-pool", "db-pool"]  # a new run
    assert events[0] == "lifespan.startup" and events[-1] == "lifespan.shutdown"


def test_an_app_without_lifespan_support_is_called_without_one() -> None:
    async def plain(scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert scope["type"] == "http"  # raises on the lifespan scope, as many bare apps do
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    target = app_target("plain", plain)
    assert target.transport is not None
    assert asyncio.run(_post_twice(target.transport)) == ["ok", "ok"]


def test_a_failed_startup_is_a_target_error_naming_the_app_and_why() -> None:
    target = app_target("bot", _recording_app([], startup="failed"))
    assert target.transport is not None
    with pytest.raises(TargetError, match="'bot': its lifespan startup failed: no database"):
        asyncio.run(_post_twice(target.transport))


def test_a_startup_that_never_answers_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lifespan_module, "STARTUP_TIMEOUT_S", 0.05)
    target = app_target("bot", _recording_app([], startup="never"))
    assert target.transport is not None
    with pytest.raises(TargetError, match=r"did not finish within 0\.05 s"):
        asyncio.run(_post_twice(target.transport))
