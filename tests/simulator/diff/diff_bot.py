"""Two versions of one small key-menu bot for ``vcall diff`` tests, told apart by ``Version``.

The call is answered with a greeting; whatever comes next opens the menu (one key, 5 s): key 1
the balance, keys 2 and 4 the business hours, key 0 an agent (transfer), any other key the
menu again, no key goodbye. After a played answer, anything says goodbye. Stateless: where the
caller is travels in ``dynamic_id`` (spelt with ``Version.ids``' prefix).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from vcall.simulator.asgi import App, Receive, Scope, Send, read_body
from vcall.simulator.example_bot.asgi import parse_callback, read_params
from vcall.simulator.spec import CallbackKind

BALANCE = "您的余额为35元，感谢您的来电。"
BALANCE_REWORDED = "您当前的账户余额为35元，感谢来电。"
MENU = "您好，查询余额请按1，营业时间请按2或4，人工服务请按0。"
HOURS = "营业厅每天早上9点到晚上6点营业。"
PLANS = "本月新推出的话费套餐，详情请咨询营业厅。"


@dataclass(frozen=True, slots=True)
class Version:
    balance: str = BALANCE
    key2: str = "hours"
    """Where key 2 leads: ``hours`` or ``agent``."""
    key3_plans: bool = False
    """Key 3 opens a new state (the plans) instead of repeating the menu."""
    ids: str = ""
    """A prefix of every ``dynamic_id`` (a version that renames its states)."""
    mute_time: int = 5000
    http_500_on: str = ""
    """A key of the menu whose answer is an HTTP 500 (a problem)."""


V1 = Version()
V2 = replace(V1, balance=BALANCE_REWORDED, key2="agent", key3_plans=True)
"""Exactly three changes: the balance reworded, key 2 re-routed, a state added (key 3)."""
RENAMED = replace(V1, ids="v2-")


def _tts(text: str) -> dict[str, Any]:
    return {
        "action_code": "$text$",
        "action_code_param": json.dumps({"text": text}, ensure_ascii=False),
    }


def _play(v: Version, text: str, state: str) -> dict[str, Any]:
    return {"action": "play", **_tts(text), "dynamic_id": v.ids + state, "mute_time": v.mute_time}


def _menu(v: Version) -> dict[str, Any]:
    return {
        "action": "dtmf",
        **_tts(MENU),
        "dynamic_id": v.ids + "menu",
        "dtmf_max_numbers": 1,
        "dtmf_end_character": "",
        "dtmf_nonin_overtime": 5,
        "mute_time": v.mute_time,
    }


def _agent(v: Version) -> dict[str, Any]:
    return {
        "action": "transfer",
        **_tts("正在为您转接人工服务，请稍候。"),
        "number": "95588",
        "dynamic_id": v.ids + "agent",
    }


def _goodbye(v: Version) -> dict[str, Any]:
    return {"action": "hangup", "action_code": "goodbye.wav", "dynamic_id": v.ids + "bye"}


def answer(v: Version, kind: CallbackKind, content: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    state = str(content.get("dynamic_id") or "").removeprefix(v.ids)
    if kind is CallbackKind.CALLIN:
        return 200, {
            "action": "answer",
            "action_code": "welcome.wav",
            "dynamic_id": v.ids + "start",
        }
    if kind is CallbackKind.TIMEBREAK:
        return 200, {"action": "break", "action_code": "", "dynamic_id": v.ids + state}
    if state == "start":
        return 200, _menu(v)
    if state != "menu":
        return 200, _goodbye(v)
    if kind is not CallbackKind.DTMF:
        return 200, _goodbye(v)
    digits = str(content.get("dtmf_digits", ""))
    if digits == v.http_500_on:
        return 500, {}
    routes = {
        "1": lambda: _play(v, v.balance, "balance"),
        "2": lambda: _agent(v) if v.key2 == "agent" else _play(v, HOURS, "hours"),
        "4": lambda: _play(v, HOURS, "hours"),
        "0": lambda: _agent(v),
        "noInputTimeout": lambda: _goodbye(v),
    }
    if v.key3_plans:
        routes["3"] = lambda: _play(v, PLANS, "plans")
    return 200, routes.get(digits, lambda: _menu(v))()


def version_bot(v: Version) -> App:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = await read_body(receive)
        call_id, kind, content = parse_callback(
            read_params(scope.get("query_string", b""), body, "")
        )
        status, data = answer(v, kind, content)
        envelope = {"result": "success", "msg": "ok", "data": {"call_id": call_id, **data}}
        payload = json.dumps(envelope if status == 200 else {"error": "boom"}, ensure_ascii=False)
        headers = [(b"content-type", b"application/json; charset=utf-8")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload.encode("utf-8")})

    return app
