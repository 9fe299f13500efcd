"""A repayment-reminder bot, mostly for outbound SmartCall calls, as an ASGI app (FastAPI style).

Written from the vendor pages alone (seeds 001, 002, 003, 004; SPEC-NOTES §2-§3), not from
vcall's example bot. Outbound, SmartCall's ``VoiceCode`` opens the call, so the first callback
the bot sees is a ``normal`` (early-media sentences, ``current_media_code`` ``early_media``, are
ignored) or a ``mute``. It plays a non-breakable legal notice (``action_code_break`` false),
collects an 11-digit phone number with no end character (``dtmf_end_character`` "" is allowed:
支持空), transfers to ``+86`` numbers, answers ``continue``/``break`` while something plays, and
answers an inbound ``callin`` with no opening prompt at all (``action_code`` is optional there).
Dialogue state travels in ``dynamic_id`` only.
"""

import json
from typing import Any
from urllib.parse import parse_qs

AMOUNTS = {"13800138000": "1280.50"}


def ok(call_id: str, action: str, **fields: Any) -> dict[str, Any]:
    return {
        "result": "success",
        "msg": "ok",
        "data": {"call_id": call_id, "action": action, **fields},
    }


def on_normal(call_id: str, content: dict[str, Any]) -> dict[str, Any]:
    if content.get("current_media_code") == "early_media":
        return ok(call_id, "donothing", action_code="")
    words = str(content.get("words", "")).strip()
    step = str(content.get("dynamic_id", ""))
    if not words:
        return ok(
            call_id,
            "continue" if content.get("is_playing") == "true" else "donothing",
            action_code="",
        )
    if "等一下" in words or "等等" in words:
        return ok(call_id, "break", action_code="", action_break=True)
    if "还了" in words or "不需要" in words:
        return ok(call_id, "hangup", action_code="remind_thanks.wav")
    if "人工" in words:
        return ok(call_id, "transfer", action_code="remind_transfer.wav", number="+8657126880000")
    if "号码" in words or "按键" in words:
        return ok(
            call_id,
            "dtmf",
            action_code="remind_enter_phone.wav",
            dtmf_max_numbers=11,
            dtmf_nonin_overtime=10,
            dtmf_end_character="",
            dynamic_id="phone",
        )
    if "多少" in words or "金额" in words:
        return ok(
            call_id,
            "play",
            action_code="remind_amount.wav,$amount$",
            action_code_param=json.dumps({"amount": "一千二百八十元五角"}, ensure_ascii=False),
            action_break=True,
            dynamic_id="amount",
        )
    if step != "notice":
        return ok(
            call_id,
            "play",
            action_code="remind_legal_notice.wav",
            action_code_break=False,
            action_break=True,
            mute_time=6000,
            dynamic_id="notice",
        )
    return ok(call_id, "play", action_code="remind_pardon.wav", dynamic_id=step)


def on_dtmf(call_id: str, content: dict[str, Any]) -> dict[str, Any]:
    digits = str(content.get("dtmf_digits", ""))
    if digits == "noInputTimeout" or len(digits) < 11:
        return ok(call_id, "hangup", action_code="remind_call_later.wav")
    return ok(call_id, "play", action_code="remind_phone_saved.wav", dynamic_id="saved")


def on_mute(call_id: str, content: dict[str, Any]) -> dict[str, Any]:
    step = str(content.get("dynamic_id", ""))
    if step.startswith("mute2") or step.startswith("mute1"):
        return ok(call_id, "hangup", action_code="remind_bye.wav")
    return ok(call_id, "play", action_code="remind_hello.wav", dynamic_id="mute1")


def dispatch(content_type: str, call_id: str, content: dict[str, Any]) -> dict[str, Any]:
    if content_type == "callin":
        return ok(call_id, "answer", mute_time=5000, pause_time=600, record_flag=False)
    if content_type == "normal":
        return on_normal(call_id, content)
    if content_type == "dtmf":
        return on_dtmf(call_id, content)
    if content_type == "mute":
        return on_mute(call_id, content)
    return ok(call_id, "donothing", action_code="")


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    body = b""
    more = True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    params = {k: v[0] for k, v in parse_qs(scope.get("query_string", b"").decode()).items()}
    params.update({k: v[0] for k, v in parse_qs(body.decode()).items()})
    content = json.loads(params.get("content", "{}"))
    result = dispatch(params.get("content_type", ""), params.get("call_id", ""), content)
    payload = json.dumps(result, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json; charset=utf-8")],
        }
    )
    await send({"type": "http.response.body", "body": payload})
