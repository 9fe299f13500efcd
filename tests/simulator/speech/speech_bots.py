"""Tiny bots for the speech tests: ``data`` (without ``call_id``) from a function of the callback."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from vcall.simulator.asgi import App, Receive, Scope, Send, read_body
from vcall.simulator.example_bot.asgi import parse_callback, read_params
from vcall.simulator.spec import CallbackKind

Answer = Callable[[CallbackKind, Mapping[str, Any]], dict[str, Any]]


def json_bot(answer: Answer) -> App:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = await read_body(receive)
        query = scope.get("query_string", b"")
        call_id, kind, content = parse_callback(read_params(query, body, ""))
        data = {"call_id": call_id, **answer(kind, content)}
        payload = json.dumps({"result": "success", "msg": "ok", "data": data}, ensure_ascii=False)
        headers = [(b"content-type", b"application/json; charset=utf-8")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": payload.encode("utf-8")})

    return app
