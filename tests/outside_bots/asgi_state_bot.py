"""A parcel-delivery bot as a raw ASGI app keeping per-call state keyed by call_id.

Written from the vendor pages alone (seeds 000, 001, 002, 004; SPEC-NOTES §2-§3), not from
vcall's example bot. Its style is the seeds' own examples: numbers sent as strings
(``"mute_time": "10000"``), a top-level ``"code": 200`` and ``"extend"`` in ``data``, TTS
variables (``$name$`` with ``action_code_param`` as a JSON string), a time break on the opening,
``parallel_transfer`` to a call centre and ``parallel_bridge`` on its result callback, and a
hang-up on the second silence. It answers inbound calls (``callin``) and outbound ones (the first
callback is a ``normal``; early-media sentences, ``current_media_code`` ``early_media``, are
ignored).
"""

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

CUSTOMERS = {"13800138000": "张先生", "13912345678": "李女士"}


@dataclass
class CallState:
    name: str = "您"
    mutes: int = 0
    turns: int = 0


CALLS: dict[str, CallState] = {}


def reply(call_id: str, action: str, **fields: Any) -> dict[str, Any]:
    data = {"call_id": call_id, "action": action, **fields, "extend": "parcel-bot"}
    return {"code": 200, "result": "success", "msg": "成功", "data": data}


def tts(**values: str) -> str:
    return json.dumps(values, ensure_ascii=False)


def on_callin(call_id: str, content: dict[str, Any], state: CallState) -> dict[str, Any]:
    state.name = CUSTOMERS.get(str(content.get("caller", "")), "您")
    return reply(
        call_id,
        "answer",
        action_code="$greeting$,parcel_intro.wav",
        action_code_param=tts(greeting=f"{state.name}好，这里是顺达快递"),
        action_code_break="true",
        action_code_time_break="1500",
        mute_time="10000",
        pause_time="800",
        session_timeout="600",
        tts_conf="true",
        tts_style="xiaoyun",
        tts_volume="50",
        tts_speed="0",
    )


def on_normal(call_id: str, content: dict[str, Any], state: CallState) -> dict[str, Any]:
    if content.get("current_media_code") == "early_media":
        return reply(call_id, "donothing")
    words = str(content.get("words", ""))
    state.turns += 1
    if "人工" in words or "投诉" in words:
        return reply(
            call_id,
            "parallel_transfer",
            action_code="parcel_hold.wav",
            transfer_playfile="agent_whisper.wav",
            cc_name="aliyun_cc",
            is_monitor="false",
        )
    if "不" in words or "再见" in words:
        return reply(call_id, "hangup", action_code="parcel_bye.wav")
    if "快递" in words or "到哪" in words or "查" in words:
        return reply(
            call_id,
            "play",
            action_code="$status$",
            action_code_param=tts(
                status=f"{state.name}，您的快递预计明天下午3:30送达，单号YT2024051866"
            ),
        )
    if content.get("is_playing") == "true":
        return reply(call_id, "donothing")
    return reply(
        call_id,
        "play",
        action_code="parcel_pardon.wav,$name$",
        action_code_param=tts(name=state.name),
    )


def on_mute(call_id: str, content: dict[str, Any], state: CallState) -> dict[str, Any]:
    state.mutes += 1
    if state.mutes >= 2:
        return reply(call_id, "hangup", action_code="parcel_bye.wav")
    return reply(
        call_id,
        "play",
        action_code="$ask$",
        action_code_param=tts(ask=f"{state.name}，您还在吗？"),
    )


def on_timebreak(call_id: str, content: dict[str, Any], state: CallState) -> dict[str, Any]:
    return reply(call_id, "break")


def on_parallel_transfer(call_id: str, content: dict[str, Any], state: CallState) -> dict[str, Any]:
    if content.get("transfer_status") == "success":
        return reply(call_id, "parallel_bridge")
    return reply(call_id, "play", action_code="parcel_agents_busy.wav")


def on_dtmf(call_id: str, content: dict[str, Any], state: CallState) -> dict[str, Any]:
    return reply(call_id, "donothing")


HANDLERS = {
    "callin": on_callin,
    "normal": on_normal,
    "mute": on_mute,
    "timebreak": on_timebreak,
    "parallel_transfer": on_parallel_transfer,
    "dtmf": on_dtmf,
}


async def read_body(receive: Any) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


def params_of(scope: dict[str, Any], body: bytes) -> dict[str, str]:
    values = {k: v[0] for k, v in parse_qs(scope.get("query_string", b"").decode()).items()}
    values.update({k: v[0] for k, v in parse_qs(body.decode("utf-8")).items()})
    return values


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    values = params_of(scope, await read_body(receive))
    call_id = values.get("call_id", "")
    content = json.loads(values.get("content") or "{}")
    state = CALLS.setdefault(call_id, CallState())
    handler = HANDLERS.get(values.get("content_type", ""), on_dtmf)
    answer = handler(call_id, content, state)
    if answer["data"]["action"] in ("hangup", "transfer", "parallel_bridge"):
        CALLS.pop(call_id, None)
    body = json.dumps(answer, ensure_ascii=False).encode("utf-8")
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})
