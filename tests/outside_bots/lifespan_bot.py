"""A bank-hotline bot that needs its ASGI lifespan, as FastAPI and Starlette bots do.

Written from the vendor pages alone (seeds 000, 001, 004), not from vcall's example bot. On
``lifespan.startup`` it loads its intent table (in a real bot: a database pool, an HTTP client,
a model) and yields it as lifespan state (ASGI ``scope["state"]``, Starlette's ``yield {...}``);
every request reads it from there. Served by uvicorn it works; called without a startup, every
callback is an HTTP 500. It answers the callin, routes a few intents, hangs up on the second
silence (``dynamic_id`` carries the count) and says goodbye on ``不需要``.
"""

import json
from typing import Any
from urllib.parse import parse_qs

INTENTS = {"余额": "bank_balance.wav", "挂失": "bank_report_loss.wav", "转人工": "transfer"}


async def lifespan(receive: Any, send: Any, state: dict[str, Any]) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            state["intents"] = dict(INTENTS)  # loaded once, shared by every request
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            state.clear()
            await send({"type": "lifespan.shutdown.complete"})
            return


def decide(intents: dict[str, str], kind: str, content: dict[str, Any]) -> dict[str, Any]:
    if kind == "callin":
        return {"action": "answer", "action_code": "bank_welcome.wav", "mute_time": 7000}
    if kind == "mute":
        if content.get("dynamic_id") == "quiet":
            return {"action": "hangup", "action_code": "bank_bye.wav"}
        return {"action": "play", "action_code": "bank_are_you_there.wav", "dynamic_id": "quiet"}
    if kind != "normal":
        return {"action": "donothing", "action_code": ""}
    words = str(content.get("words", ""))
    if "不需要" in words:
        return {"action": "hangup", "action_code": "bank_bye.wav"}
    for word, target in intents.items():
        if word in words and target == "transfer":
            return {"action": "transfer", "action_code": "bank_transfer.wav", "number": "95555"}
        if word in words:
            return {"action": "play", "action_code": target}
    return {"action": "play", "action_code": "bank_pardon.wav"}


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        await lifespan(receive, send, scope["state"])
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    params = {k: v[0] for k, v in parse_qs(scope.get("query_string", b"").decode()).items()}
    params.update({k: v[0] for k, v in parse_qs(body.decode()).items()})
    intents = scope.get("state", {}).get("intents")
    if intents is None:  # not started: what a FastAPI bot does when app.state was never set
        await send({"type": "http.response.start", "status": 500, "headers": []})
        await send({"type": "http.response.body", "body": b"Internal Server Error"})
        return
    data = decide(intents, params.get("content_type", ""), json.loads(params.get("content", "{}")))
    payload = {
        "result": "success",
        "msg": "成功",
        "data": {"call_id": params.get("call_id"), **data},
    }
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send(
        {"type": "http.response.body", "body": json.dumps(payload, ensure_ascii=False).encode()}
    )
