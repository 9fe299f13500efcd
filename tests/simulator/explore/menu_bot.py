"""A three-level key menu bot for exploration tests and the benchmark, with faults to plant.

The call is answered with a greeting; whatever comes first (speech, silence) opens the main menu
(keys 1-4, one key, 5 s). Each key opens a sub-menu, three levels deep; a level-3 key plays an
answer (a leaf) after which anything ends the call. ``0`` goes back up, other keys repeat the
menu, no key hangs up. Stateless: where the caller is travels in ``dynamic_id`` (``m12`` is menu
1 then 2). 1 + 1 + 4 + 16 + 64 = 86 states plus the endings.

Faults (``Faults``), each at a key path: an HTTP 500, a TTS variable without a value, a forbidden
character in ``dynamic_id``, a menu that never ends the call (it answers everything with the
same "please hold").
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from vcall.simulator.asgi import App, Receive, Scope, Send, read_body
from vcall.simulator.example_bot.asgi import parse_callback, read_params
from vcall.simulator.spec import CallbackKind

KEYS = "1234"
DEPTH = 3


@dataclass(frozen=True, slots=True)
class Faults:
    http_500: str = ""
    """The key path whose last key gets an HTTP 500 (``12``: key 1, then key 2)."""
    tts_missing: str = ""
    """The leaf whose answer names a TTS variable without a value."""
    bad_dynamic_id: str = ""
    """The menu whose ``dynamic_id`` holds a forbidden character (``^``)."""
    never_ends: str = ""
    """The key path that leads to a "please hold" no move ever leaves."""


PLANTED = Faults(http_500="12", tts_missing="213", bad_dynamic_id="3", never_ends="44")


def _tts(text: str) -> dict[str, Any]:
    return {
        "action_code": "$text$",
        "action_code_param": json.dumps({"text": text}, ensure_ascii=False),
    }


def _menu(path: str, faults: Faults) -> dict[str, Any]:
    name = "主菜单" if not path else f"{'-'.join(path)}号菜单"
    state = f"m{path}" + ("^" if path and path == faults.bad_dynamic_id else "")
    return {
        "action": "dtmf",
        **_tts(f"这里是{name}，请按一到四选择，按零返回。"),
        "dynamic_id": state,
        "action_code_break": True,
        "dtmf_max_numbers": 1,
        "dtmf_end_character": "",
        "dtmf_nonin_overtime": 5,
        "mute_time": 5000,
    }


def _leaf(path: str, faults: Faults) -> dict[str, Any]:
    answer = {
        "action": "play",
        **_tts(f"这是第{'-'.join(path)}项业务的说明。"),
        "dynamic_id": f"m{path}",
    }
    if path == faults.tts_missing:
        answer["action_code"] = "$text$,$name$"
    return {**answer, "action_code_break": True, "mute_time": 5000}


def _hold() -> dict[str, Any]:
    return {
        "action": "play",
        **_tts("请稍候，正在为您查询。"),
        "dynamic_id": "hold",
        "mute_time": 5000,
    }


def _goodbye() -> dict[str, Any]:
    return {"action": "hangup", "action_code": "goodbye.wav", "dynamic_id": "bye"}


def _opened(path: str, faults: Faults) -> dict[str, Any]:
    if path == faults.never_ends and path:
        return _hold()
    return _leaf(path, faults) if len(path) == DEPTH else _menu(path, faults)


def answer(
    kind: CallbackKind, content: Mapping[str, Any], faults: Faults, keys: str = KEYS
) -> tuple[int, dict[str, Any]]:
    """HTTP status and ``data`` for one callback."""
    state = str(content.get("dynamic_id") or "").rstrip("^")
    if kind is CallbackKind.CALLIN:
        greeting = {"action": "answer", "action_code": "welcome.wav", "dynamic_id": "start"}
        return 200, {**greeting, "mute_time": 1000, "session_timeout": 600}
    if state == "hold":
        return 200, _hold()
    if kind is CallbackKind.TIMEBREAK:
        return 200, {"action": "break", "action_code": "", "dynamic_id": state}
    if state == "start":
        return 200, _menu("", faults)
    path = state[1:]
    if kind is not CallbackKind.DTMF or len(path) == DEPTH:
        return 200, _goodbye()
    digits = str(content.get("dtmf_digits", ""))
    if digits == "noInputTimeout":
        return 200, _goodbye()
    if digits == "0":
        return 200, _menu(path[:-1], faults)
    if digits not in keys:
        return 200, _menu(path, faults)
    if path + digits == faults.http_500:
        return 500, {}
    return 200, _opened(path + digits, faults)


def menu_bot(faults: Faults = Faults(), keys: str = KEYS) -> App:
    """The bot as an ASGI app; ``keys``: the keys each menu offers (fewer for quick tests)."""
    return status_bot(lambda kind, content: answer(kind, content, faults, keys))


StatusDialogue = Callable[[CallbackKind, Mapping[str, Any]], tuple[int, dict[str, Any]]]


def status_bot(dialogue: StatusDialogue) -> App:
    """A bot whose HTTP status and ``data`` (without ``call_id``) come from ``dialogue``; any
    status but 200 is sent with a body that is no envelope."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = await read_body(receive)
        call_id, kind, content = parse_callback(
            read_params(scope.get("query_string", b""), body, "")
        )
        status, data = dialogue(kind, content)
        envelope = {"result": "success", "msg": "ok", "data": {"call_id": call_id, **data}}
        payload = json.dumps(envelope if status == 200 else {"error": "boom"}, ensure_ascii=False)
        headers = [(b"content-type", b"application/json; charset=utf-8")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload.encode("utf-8")})

    return app


Dialogue = Callable[[CallbackKind, Mapping[str, Any]], dict[str, Any]]


def bot_from(dialogue: Dialogue) -> App:
    """A tiny bot whose ``data`` (without ``call_id``) comes from ``dialogue``."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = await read_body(receive)
        query = scope.get("query_string", b"")
        call_id, kind, content = parse_callback(read_params(query, body, ""))
        data = {"call_id": call_id, **dialogue(kind, content)}
        payload = json.dumps({"result": "success", "msg": "ok", "data": data}, ensure_ascii=False)
        headers = [(b"content-type", b"application/json; charset=utf-8")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": payload.encode("utf-8")})

    return app


def play(text: str, state: str) -> dict[str, Any]:
    return {"action": "play", **_tts(text), "dynamic_id": state, "mute_time": 5000}


def query_only(dialogue: Dialogue) -> App:
    """Like :func:`bot_from`, but reading only the query string, as many hand-written bots do:
    with the parameters in the form body it answers ``result: fail`` (HTTP 200)."""
    inner = bot_from(dialogue)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and b"call_id=" not in scope.get("query_string", b""):
            await read_body(receive)
            payload = {"result": "fail", "msg": "call_id is required", "data": {}}
            headers = [(b"content-type", b"application/json; charset=utf-8")]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": json.dumps(payload).encode()})
            return
        await inner(scope, receive, send)

    return app
