"""In-process endpoints for the Locust calls' tests (imported by ``module:attr``)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

Scope = MutableMapping[str, Any]


async def wrong_action(
    scope: Scope,
    receive: Callable[[], Awaitable[MutableMapping[str, Any]]],
    send: Callable[[MutableMapping[str, Any]], Awaitable[None]],
) -> None:
    """Answers every callback with an action the platform does not know (otherwise valid)."""
    assert scope["type"] == "http"
    form = parse_qs((await receive()).get("body", b"").decode())
    data = {"call_id": form["call_id"][0], "action": "dance", "action_code": "a.wav"}
    body = json.dumps({"result": "success", "msg": "ok", "data": data}).encode()
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def foreign(
    scope: Scope,
    receive: Callable[[], Awaitable[MutableMapping[str, Any]]],
    send: Callable[[MutableMapping[str, Any]], Awaitable[None]],
) -> None:
    """A valid bot of its own: it answers, then plays its own file to everything (never what
    the example bot's fixtures expect)."""
    assert scope["type"] == "http"
    form = parse_qs((await receive()).get("body", b"").decode())
    action = "answer" if form["content_type"][0] == "callin" else "play"
    data = {"call_id": form["call_id"][0], "action": action, "action_code": "mine.wav"}
    body = json.dumps({"result": "success", "msg": "ok", "data": data}).encode()
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})
