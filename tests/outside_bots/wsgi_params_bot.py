"""An insurance hotline bot written the way a Flask team writes one, as a bare WSGI app.

Written from the vendor pages alone (seeds 000, 001, 004; SPEC-NOTES §1-§3), not from vcall's
example bot: it is the outside world vcall is judged against. It reads the four parameters as
request parameters, form body or query string alike (what Flask's ``request.values`` and Spring's
``@RequestParam`` do), keeps no state of its own (the menu position travels in ``dynamic_id``),
and uses a DTMF menu, ``transfer`` to an agent, and hangs up after a second silence.
"""

import json
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

StartResponse = Callable[[str, list[tuple[str, str]]], Any]

AGENT_NUMBER = "4008123123"


def request_values(environ: dict[str, Any]) -> dict[str, str]:
    """Query string and form body merged, body winning (Flask's request.values)."""
    values = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    length = int(environ.get("CONTENT_LENGTH") or 0)
    content_type = environ.get("CONTENT_TYPE", "")
    if length and content_type.startswith("application/x-www-form-urlencoded"):
        body = environ["wsgi.input"].read(length).decode("utf-8")
        values.update({k: v[0] for k, v in parse_qs(body).items()})
    return values


def reply(call_id: str, action: str, **fields: Any) -> dict[str, Any]:
    return {
        "result": "success",
        "msg": "成功",
        "data": {"call_id": call_id, "action": action, **fields},
    }


def on_callin(call_id: str, content: dict[str, Any]) -> dict[str, Any]:
    return reply(
        call_id,
        "answer",
        action_code="ins_welcome.wav",
        action_code_break=True,
        session_timeout=300,
        record_flag=True,
        asr_base_id="customer_service_8k",
        mute_time=8000,
        pause_time=800,
        dynamic_id="greet",
    )


def menu(call_id: str, prompt: str = "ins_menu.wav") -> dict[str, Any]:
    return reply(
        call_id,
        "dtmf",
        action_code=prompt,
        dtmf_max_numbers=1,
        dtmf_nonin_overtime=5,
        dtmf_end_character="#",
        dynamic_id="menu",
    )


def on_normal(call_id: str, content: dict[str, Any]) -> dict[str, Any]:
    words = str(content.get("words", ""))
    if "人工" in words or "客服" in words:
        return reply(call_id, "transfer", action_code="ins_transfer.wav", number=AGENT_NUMBER)
    if "按键" in words or "菜单" in words or "查" in words:
        return menu(call_id)
    if "不需要" in words or "再见" in words:
        return reply(call_id, "hangup", action_code="ins_bye.wav")
    if content.get("is_playing") == "true":
        return reply(call_id, "continue", action_code="")
    return reply(call_id, "play", action_code="ins_pardon.wav", dynamic_id="greet")


def on_dtmf(call_id: str, content: dict[str, Any]) -> dict[str, Any]:
    digits = str(content.get("dtmf_digits", ""))
    if digits.startswith("1"):
        return reply(call_id, "play", action_code="ins_policy.wav", dynamic_id="policy")
    if digits.startswith("2"):
        return reply(call_id, "transfer", action_code="ins_transfer.wav", number=AGENT_NUMBER)
    if digits.startswith("9"):
        return reply(call_id, "hangup", action_code="ins_bye.wav")
    if digits == "noInputTimeout":
        return menu(call_id, "ins_no_key.wav,ins_menu.wav")
    return menu(call_id, "ins_bad_key.wav,ins_menu.wav")


def on_mute(call_id: str, content: dict[str, Any]) -> dict[str, Any]:
    where = str(content.get("dynamic_id", ""))
    if where.endswith("-quiet"):
        return reply(call_id, "hangup", action_code="ins_bye_silence.wav")
    return reply(call_id, "play", action_code="ins_still_there.wav", dynamic_id=f"{where}-quiet")


HANDLERS = {"callin": on_callin, "normal": on_normal, "dtmf": on_dtmf, "mute": on_mute}


def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    values = request_values(environ)
    call_id = values.get("call_id", "")
    try:
        content = json.loads(values.get("content") or "{}")
    except ValueError:
        content = {}
    handler = HANDLERS.get(values.get("content_type", ""))
    if handler is None:  # timebreak and anything new: let the platform go on
        answer = reply(call_id, "donothing", action_code="")
    else:
        answer = handler(call_id, content)
    body = json.dumps(answer, ensure_ascii=False).encode("utf-8")
    start_response("200 OK", [("Content-Type", "application/json;charset=UTF-8")])
    return [body]
