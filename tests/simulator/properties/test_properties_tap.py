"""``vcall tap --properties``: the same checker on real calls; a property a call breaks is a
finding of that call, said when tap closes it."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from vcall.simulator.properties import parse_properties
from vcall.simulator.tap import CallbackRelayed, TapConfig
from vcall.simulator.tap.app import TapApp
from vcall.simulator.tap.forward import BotAnswer

FORM = "application/x-www-form-urlencoded"
NEVER_HANGS_UP = parse_properties(
    "properties:\n  - name: 投诉绝不挂机\n    in: {dynamic_id: complaint}\n"
    "    never: {action: hangup}\n",
    "team.yaml",
)


def body(call_id: str, kind: str, **content: Any) -> bytes:
    fields = {
        "call_id": call_id,
        "timestamp": "1700000000000",
        "content_type": kind,
        "content": json.dumps(content, ensure_ascii=False),
    }
    return urlencode(fields).encode()


def answer(call_id: str, action: str, state: str) -> BotAnswer:
    data = {"call_id": call_id, "action": action, "action_code": f"{state}.wav"}
    payload = {"result": "success", "msg": "", "data": {**data, "dynamic_id": state}}
    return BotAnswer(200, (), json.dumps(payload, ensure_ascii=False).encode(), 1.0)


def _play(events: list[Any], last: str) -> list[str]:
    app = TapApp(
        TapConfig(forward_to="http://127.0.0.1:9/cb", properties=NEVER_HANGS_UP), sink=events.append
    )
    call = "7001^1"
    caller = {"caller": "13912345678", "callee": "057126880000"}
    app.observer.observe(
        "POST", b"", body(call, "callin", **caller), FORM, answer(call, "answer", "start")
    )
    words = {"role": "B", "identity": "id2", "words": "我要投诉", "begin_time": "1700000000"}
    app.observer.observe(
        "POST",
        b"",
        body(call, "normal", dynamic_id="start", **words),
        FORM,
        answer(call, "play", "complaint"),
    )
    words["words"] = "算了"
    app.observer.observe(
        "POST",
        b"",
        body(call, "normal", dynamic_id="complaint", **words),
        FORM,
        answer(call, last, "bye"),
    )
    return [
        finding.message
        for event in events
        if isinstance(event, CallbackRelayed) and event.kind == "properties"
        for finding in event.findings
    ]


def test_a_tapped_call_that_breaks_a_property_gets_its_finding_when_it_closes() -> None:
    found = _play([], "hangup")
    assert len(found) == 1 and "投诉绝不挂机" in found[0]


def test_a_tapped_call_that_keeps_it_has_none() -> None:
    assert _play([], "transfer") == []
