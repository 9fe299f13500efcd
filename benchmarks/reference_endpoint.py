"""A minimal reference endpoint for the load benchmarks: starlette on uvicorn, one worker.

It answers every callback with a valid response (callin -> answer, goodbye words -> hangup,
everything else -> play), reading the four parameters from the form body or the query string.
``GET /count`` says how many callbacks it has answered. Run:
``python benchmarks/reference_endpoint.py PORT [fast|plain]``.
"""

from __future__ import annotations

import json
import sys
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def _answer(params: dict[str, str]) -> dict[str, object]:
    kind = params.get("content_type", "")
    data: dict[str, object] = {"call_id": params.get("call_id", ""), "action_code_break": True}
    if kind == "callin":
        data.update(action="answer", action_code="welcome.wav", mute_time=5000, pause_time=800)
    elif "再见" in params.get("content", ""):
        data.update(action="hangup", action_code="goodbye.wav")
    else:
        data.update(action="play", action_code="reply.wav")
    return {"result": "success", "msg": "成功", "data": data}


COUNTED = [0]
"""Callbacks answered so far (``GET /count``: the benchmarks' count of requests served)."""


async def callback(request: Request) -> Response:
    COUNTED[0] += 1
    body = (await request.body()).decode()
    params = dict(parse_qsl(body)) if body else dict(request.query_params)
    payload = json.dumps(_answer(params), ensure_ascii=False).encode()
    return Response(payload, media_type="application/json")


SERVER_FLAVOURS = {
    "fast": ("uvloop", "httptools"),
    "plain": ("asyncio", "h11"),
}
"""uvicorn as ``pip install 'uvicorn[standard]'`` runs it (C event loop and parser), and as a plain
``pip install uvicorn`` runs it (pure-Python HTTP parser on asyncio's own loop)."""


async def count(request: Request) -> Response:
    return Response(str(COUNTED[0]), media_type="text/plain")


app = Starlette(
    routes=[Route("/callback", callback, methods=["POST"]), Route("/count", count, methods=["GET"])]
)

if __name__ == "__main__":
    import uvicorn

    flavour = sys.argv[2] if len(sys.argv) > 2 else "fast"
    loop, http = SERVER_FLAVOURS[flavour]
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=int(sys.argv[1]),
        loop=loop,
        http=http,
        log_level="warning",
        access_log=False,
    )
