"""Bots for ``vcall check``'s output tests, each with one kind of flaw planted.

Built on :func:`menu_bot.bot_from` (the answers come from a dialogue function), the example bot's
dialogue as the sound base.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs

from menu_bot import bot_from

from vcall.simulator.asgi import App, Receive, Scope, Send, read_body
from vcall.simulator.example_bot.dialogue import answer_callback
from vcall.simulator.spec import CallbackKind

OUT_OF_RANGE_MUTE = 999_999
"""``mute_time`` outside 1000–20000: a warning (the platform falls back to its default)."""


def warns_on_every_callin(kind: CallbackKind, content: Mapping[str, Any]) -> dict[str, Any]:
    """Every ``callin`` answer carries a warning; the ``timebreak`` answer is an error."""
    answer = answer_callback(kind, content)
    if kind is CallbackKind.CALLIN:
        return {**answer, "mute_time": OUT_OF_RANGE_MUTE}
    if kind is CallbackKind.TIMEBREAK:
        return {"action": "answer", "action_code": "", "dynamic_id": "x"}
    return answer


def warns_on_timebreak(kind: CallbackKind, content: Mapping[str, Any]) -> dict[str, Any]:
    answer = answer_callback(kind, content)
    if kind is CallbackKind.TIMEBREAK:
        return {**answer, "mute_time": OUT_OF_RANGE_MUTE}
    return answer


async def _send(send: Send, status: int, body: bytes, content_type: bytes) -> None:
    headers = [(b"content-type", content_type)]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def timebreak_401_in_query() -> App:
    """Answers the form body (a warning on ``timebreak``), but turns down with HTTP 401 a
    ``timebreak`` whose parameters come in the query string."""
    inner = bot_from(warns_on_timebreak)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        query = parse_qs(scope.get("query_string", b"").decode())
        if scope["type"] == "http" and query.get("content_type") == ["timebreak"]:
            await read_body(receive)
            await _send(send, 401, b"unauthorized", b"text/plain")
            return
        await inner(scope, receive, send)

    return app


def not_found() -> App:
    """Served at another path: every request gets HTTP 404."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        await read_body(receive)
        body = json.dumps({"detail": "Not Found"}).encode()
        await _send(send, 404, body, b"application/json")

    return app


def callin_not_found() -> App:
    """Answers outbound calls, but every ``callin`` gets HTTP 404 (not a wrong path: some
    answers are fine)."""
    inner = bot_from(answer_callback)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        body = await read_body(receive)
        if scope["type"] == "http" and b"content_type=callin" in body:
            await _send(send, 404, b"Not Found", b"text/plain")
            return

        async def again() -> dict[str, Any]:  # the body once more, for the inner bot
            return {"type": "http.request", "body": body, "more_body": False}

        await inner(scope, again, send)

    return app


def never_collects(kind: CallbackKind, content: Mapping[str, Any]) -> dict[str, Any]:
    """Never collects keys: the behaviours that need keys being collected are not reached."""
    answer = answer_callback(kind, content)
    if answer.get("action") == "dtmf":
        return {"action": "play", "action_code": "menu.wav", "dynamic_id": "menu"}
    return answer


def warned_bot() -> App:
    return bot_from(warns_on_every_callin)


def never_collecting_bot() -> App:
    return bot_from(never_collects)
