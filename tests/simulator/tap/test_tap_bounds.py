"""tap never loses a call and stays bounded: every open call is written when it stops, however
many; a call's recording, the open calls' recordings and ``--save`` have caps that are said;
the summary counts what the bot failed (5xx and no answer alike)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from vcall.simulator.tap import CallClosed, TapConfig, TapProblem
from vcall.simulator.tap.app import TapApp
from vcall.simulator.tap.calls import CloseReason
from vcall.simulator.tap.forward import BotAnswer

FORM = "application/x-www-form-urlencoded"


def body(call_id: str, kind: str = "callin", **content: Any) -> bytes:
    content = content or {"caller": "13912345678", "callee": "057126880000"}
    fields = {
        "call_id": call_id,
        "timestamp": "1700000000000",
        "content_type": kind,
        "content": json.dumps(content, ensure_ascii=False),
    }
    return urlencode(fields).encode()


def answer(call_id: str, action: str = "continue", **data: Any) -> BotAnswer:
    payload = {"result": "success", "msg": "", "data": {"call_id": call_id, "action": action}}
    payload["data"].update(data)
    return BotAnswer(200, (), json.dumps(payload, ensure_ascii=False).encode(), 1.0)


def app_saving(directory: Path, events: list[Any], **options: Any) -> TapApp:
    config = TapConfig(forward_to="http://127.0.0.1:9/cb", save_dir=directory, **options)
    return TapApp(config, sink=events.append, number_key=b"k")


def test_every_open_call_is_written_when_tap_stops_however_many(tmp_path: Path) -> None:
    events: list[Any] = []
    app = app_saving(tmp_path, events)
    calls = 1500  # more than the writer's live backlog and the summary's path list
    for number in range(calls):
        call_id = f"{number}^1"
        app.observer.observe("POST", b"", body(call_id), FORM, answer(call_id))
    asyncio.run(app.stop())
    assert len(list(tmp_path.glob("*.yaml"))) == calls
    assert app.observer.counts.saved_count == calls
    assert app.observer.counts.not_saved == 0
    assert not [e for e in events if isinstance(e, TapProblem)]


def test_two_calls_saved_in_the_same_second_get_distinct_names(tmp_path: Path) -> None:
    app = app_saving(tmp_path, [])
    for call_id in ("a^1", "b^1"):
        app.observer.observe("POST", b"", body(call_id), FORM, answer(call_id, "hangup"))
    asyncio.run(app.stop())
    names = {
        line
        for path in tmp_path.glob("*.yaml")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("name:")
    }
    assert len(names) == 2, names


def test_a_5xx_and_no_answer_count_as_the_bot_failing() -> None:
    app = TapApp(TapConfig(forward_to="http://127.0.0.1:9/cb"))
    app.observer.observe("POST", b"", body("x^1"), FORM, BotAnswer(500, (), b"oops", 1.0))
    app.observer.observe("POST", b"", body("y^1"), FORM, BotAnswer(503, (), b"", 1.0))
    app.observer.observe(
        "POST", b"", body("z^1"), FORM, BotAnswer(502, (), b"", 1.0, "connect", "refused")
    )
    app.observer.observe("POST", b"", body("w^1"), FORM, answer("w^1"))
    assert app.observer.counts.bot_failed == 3
    app.forwarder.close()


def test_a_call_larger_than_the_recording_cap_keeps_its_beginning(tmp_path: Path) -> None:
    events: list[Any] = []
    app = app_saving(tmp_path, events, max_call_bytes=64 * 1024)
    words = "我" * 3_000  # ~27 KiB a callback, form-encoded
    app.observer.observe("POST", b"", body("big^1"), FORM, answer("big^1"))
    for _ in range(20):
        app.observer.observe(
            "POST", b"", body("big^1", "normal", words=words), FORM, answer("big^1")
        )
    call = app.observer.book.pop("big^1")
    assert call is not None and call.truncated
    assert call.count == 21 and len(call.turns) < 4
    app.observer.close(call, CloseReason.STOPPED)
    asyncio.run(app.stop())
    [path] = tmp_path.glob("*.yaml")
    assert "Only the first" in path.read_text(encoding="utf-8")


def test_open_recordings_over_the_total_cap_close_the_oldest_call(tmp_path: Path) -> None:
    events: list[Any] = []
    app = app_saving(tmp_path, events, max_call_bytes=64 * 1024, max_open_bytes=200 * 1024)
    words = "好" * 3_000  # ~27 KiB a callback, form-encoded
    for number in range(10):
        call_id = f"{number}^9"
        app.observer.observe("POST", b"", body(call_id), FORM, answer(call_id))
        app.observer.observe(
            "POST", b"", body(call_id, "normal", words=words), FORM, answer(call_id)
        )
    assert app.observer.open_bytes <= 200 * 1024
    asyncio.run(app.stop())
    evicted = [e for e in events if isinstance(e, CallClosed) and e.reason == "evicted"]
    assert evicted and evicted[0].call_id == "0^9"
    assert len(list(tmp_path.glob("*.yaml"))) == 10


def test_save_stops_at_its_cap_and_says_so(tmp_path: Path) -> None:
    events: list[Any] = []
    app = app_saving(tmp_path, events, save_max_files=3)
    for number in range(5):
        call_id = f"{number}^3"
        app.observer.observe("POST", b"", body(call_id), FORM, answer(call_id, "hangup"))
    asyncio.run(app.stop())
    assert len(list(tmp_path.glob("*.yaml"))) == 3
    assert app.observer.counts.not_saved == 2
    problems = [e.message for e in events if isinstance(e, TapProblem)]
    assert problems == [
        "--save holds 3 fixture(s) (--save-max-files 3): later calls are not written"
    ]


def test_slow_connections_past_the_limit_do_not_stop_real_callbacks_through_tap() -> None:
    import socket

    import httpx
    from tap_support import EchoBot, tapped

    from vcall.simulator.tap import BoundReached

    with tapped(EchoBot()) as (tap_url, _bot, app, events):
        app.bounds.max_connections = 8
        url = httpx.URL(tap_url)
        slow = [socket.create_connection((url.host, url.port or 80)) for _ in range(20)]
        for client in slow:
            client.sendall(b"POST /callback HTTP/1.1\r\nContent-Length: 10\r\n\r\nab")
        try:
            with httpx.Client(trust_env=False, timeout=10) as client:
                statuses = [
                    client.post(tap_url, content=body(f"{n}^5"), headers={"content-type": FORM})
                    for n in range(5)
                ]
        finally:
            for one in slow:
                one.close()
    assert [answer.status_code for answer in statuses] == [200] * 5
    assert app.bounds.counts.made_room >= 12
    closed = "more than 8 connections open: the longest-waiting idle one was closed"
    assert any(isinstance(e, BoundReached) and closed in e.message for e in events)
