"""The example bot's HTTP side: a plain ASGI callable, no framework.

It reads the four parameters (``call_id``, ``timestamp``, ``content_type``, ``content``) from a
form-encoded body *and* from the query string, with any method and any path, and answers with
``{"result": "success", "msg": "成功", "data": {...}}`` as ``application/json; charset=utf-8``.
Missing or garbled parameters get HTTP 400 with a ``fail`` envelope (docs/platform.md §1, §3).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from vcall.simulator.asgi import App, Receive, Scope, Send, read_body
from vcall.simulator.example_bot.dialogue import answer_callback
from vcall.simulator.spec import CALLBACK_DELIVERY, CallbackKind, ResultValue

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


class BadCallback(ValueError):
    """A callback the bot cannot read; answered with HTTP 400 and a ``fail`` envelope."""


def read_params(query: bytes, body: bytes, content_type: str) -> dict[str, str]:
    """Request parameters from the query string and a form body (the body wins), as docs/platform.md §1
    advises: the vendor says POST but shows every example as a query string."""
    try:
        params = dict(parse_qsl(query.decode("utf-8"), keep_blank_values=True))
        if body and (not content_type or content_type.startswith(FORM_CONTENT_TYPE)):
            params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    except UnicodeDecodeError as err:
        raise BadCallback("parameters are not UTF-8") from err
    return params


def parse_callback(params: Mapping[str, str]) -> tuple[str, CallbackKind, dict[str, Any]]:
    """``call_id``, kind and content of a callback; all four parameters are required (the callback page)."""
    missing = [name for name in CALLBACK_DELIVERY.params if not params.get(name)]
    if missing:
        raise BadCallback(f"missing parameter: {', '.join(missing)}")
    if not params["timestamp"].isdigit():
        raise BadCallback(f"timestamp is not a number: {params['timestamp']!r}")
    if params["content_type"] not in set(CallbackKind):
        raise BadCallback(f"unknown content_type: {params['content_type']!r}")
    try:
        content = json.loads(params["content"])
    except json.JSONDecodeError as err:
        raise BadCallback(f"content is not JSON: {err.msg}") from err
    if not isinstance(content, dict):
        raise BadCallback("content is not a JSON object")
    return params["call_id"], CallbackKind(params["content_type"]), content


def respond(query: bytes, body: bytes, content_type: str) -> tuple[int, dict[str, Any]]:
    """HTTP status and envelope for one request."""
    try:
        call_id, kind, content = parse_callback(read_params(query, body, content_type))
    except BadCallback as err:
        return 400, {"result": ResultValue.FAIL.value, "msg": str(err), "data": {}}
    data = {"call_id": call_id, **answer_callback(kind, content)}
    return 200, {"result": ResultValue.SUCCESS.value, "msg": "成功", "data": data}


async def _lifespan(receive: Receive, send: Send) -> None:
    """Nothing to start or stop, but say so, so servers do not warn."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def _http(scope: Scope, receive: Receive, send: Send) -> None:
    headers = {name.lower(): value for name, value in scope.get("headers", [])}
    content_type = headers.get(b"content-type", b"").decode("latin-1").lower()
    body = await read_body(receive)
    status, envelope = respond(scope.get("query_string", b""), body, content_type)
    payload = json.dumps(envelope, ensure_ascii=False).encode("utf-8")
    response_headers = [
        (b"content-type", b"application/json; charset=utf-8"),
        (b"content-length", str(len(payload)).encode("ascii")),
    ]
    await send({"type": "http.response.start", "status": status, "headers": response_headers})
    await send({"type": "http.response.body", "body": payload})


def create_app() -> App:
    """A new ASGI application (the bot keeps no state, so every instance behaves the same)."""

    async def example_bot(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
        elif scope["type"] == "http":
            await _http(scope, receive, send)

    return example_bot
