"""tap relays every request as received and the answer unchanged; a bot that is down or slow
gets the status the platform would have seen, never a crash or a blocked call; requests that are
not callbacks are forwarded but not recorded; limits hold."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tap_support import EchoBot, tapped

from vcall.simulator.asgi import Receive, Scope, Send, read_body
from vcall.simulator.emulator.serve import ServerThread, bind_socket
from vcall.simulator.fixture.loader import load_scenario
from vcall.simulator.tap import (
    CallbackRelayed,
    CallClosed,
    MalformedRequest,
    RequestRefused,
    TapConfig,
    TapProblem,
)
from vcall.simulator.tap.app import TapApp
from vcall.simulator.tap.forward import BotAnswer


def params(call_id: str = "100001^200002", kind: str = "normal", **content: str) -> dict[str, str]:
    body = content or {"words": "我想查一下快递", "begin_offset": "1000", "end_offset": "2000"}
    return {
        "call_id": call_id,
        "timestamp": "1659885732000",
        "content_type": kind,
        "content": json.dumps(body, ensure_ascii=False),
    }


ANSWER = b'{"result":"success","msg":"","data":{"call_id":"100001^200002","action":"continue"}}'


def test_a_form_callback_reaches_the_bot_byte_for_byte_and_the_answer_comes_back_unchanged() -> (
    None
):
    bot = EchoBot(body=ANSWER)
    with tapped(bot) as (tap_url, _bot, _app, events):
        body = urlencode(params()).encode()
        response = httpx.post(
            tap_url + "?token=abc",
            content=body,
            headers={"content-type": "application/x-www-form-urlencoded", "x-trace": "7"},
        )
    (received,) = bot.requests
    assert (received["method"], received["path"], received["query"]) == (
        "POST",
        "/callback",
        b"token=abc",
    )
    assert received["body"] == body
    assert received["headers"][b"x-trace"] == b"7"
    assert (response.status_code, response.content) == (200, ANSWER)
    assert response.headers["x-bot"] == "echo"
    (relayed,) = [e for e in events if isinstance(e, CallbackRelayed)]
    assert (relayed.kind, relayed.error) == ("normal", None)


def test_a_query_callback_stays_in_the_query() -> None:
    bot = EchoBot(body=ANSWER)
    with tapped(bot) as (tap_url, _bot, _app, events):
        query = urlencode(params())
        httpx.post(f"{tap_url}?{query}")
    (received,) = bot.requests
    assert received["query"] == query.encode()
    assert received["body"] == b""
    assert [e.kind for e in events if isinstance(e, CallbackRelayed)] == ["normal"]


def test_a_bot_that_is_down_gets_502_and_tap_keeps_relaying(tmp_path: Path) -> None:
    closed = bind_socket("127.0.0.1", 0)
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there any more
    events: list[Any] = []
    config = TapConfig(
        forward_to=f"http://127.0.0.1:{port}/callback", save_dir=tmp_path, timeout_s=2
    )
    with ServerThread(TapApp(config, sink=events.append)) as server:
        first = httpx.post(
            server.url, data=params(kind="callin", caller="13800138000", callee="057126880000")
        )
        second = httpx.post(server.url, data=params())
    assert (first.status_code, second.status_code) == (502, 502)
    relayed = [e for e in events if isinstance(e, CallbackRelayed)]
    assert [e.error for e in relayed] == ["connect", "connect"]
    assert all(any(f.rule == "endpoint-unreachable" for f in e.findings) for e in relayed)
    assert [e.reason for e in events if isinstance(e, CallClosed)] == ["stopped"]


class SlowThenFast:
    """Holds the call ``slow^1`` for longer than tap's timeout; answers the others at once."""

    def __init__(self) -> None:
        self.answered: list[str] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = (await read_body(receive)).decode()
        slow = "slow%5E1" in body
        if slow:
            await asyncio.sleep(1.5)
        self.answered.append("slow" if slow else "fast")
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": ANSWER})


def test_a_slow_bot_gets_504_and_does_not_hold_up_other_calls() -> None:
    bot = SlowThenFast()
    results: dict[str, Any] = {}
    with tapped(bot, timeout_s=0.5) as (tap_url, _bot, _app, events):

        def slow() -> None:
            results["slow"] = httpx.post(tap_url, data=params("slow^1"), timeout=10)
            results["slow_done"] = time.perf_counter()

        thread = threading.Thread(target=slow)
        thread.start()
        time.sleep(0.1)
        fast = httpx.post(tap_url, data=params("fast^2"), timeout=10)
        fast_done = time.perf_counter()
        thread.join()
    assert fast.status_code == 200 and fast_done < results["slow_done"]
    assert results["slow"].status_code == 504
    slow_event = next(e for e in events if isinstance(e, CallbackRelayed) and e.call_id == "slow^1")
    assert slow_event.error == "timeout"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"content_type": "normal", "content": "{}"}, "no call_id"),
        (
            {"call_id": "1^2", "content_type": "normal", "content": "{not json"},
            "content is not JSON",
        ),
        ({"call_id": "1^2", "content_type": "normal", "content": "[1, 2]"}, "JSON list"),
        ({"hello": "world"}, "no call_id or content_type"),
    ],
)
def test_a_malformed_callback_is_forwarded_but_not_recorded(
    data: dict[str, str], reason: str, tmp_path: Path
) -> None:
    bot = EchoBot(body=b"ok")
    with tapped(bot, save_dir=tmp_path) as (tap_url, _bot, app, events):
        response = httpx.post(tap_url, data=data)
    assert response.content == b"ok" and len(bot.requests) == 1
    (malformed,) = [e for e in events if isinstance(e, MalformedRequest)]
    assert reason in malformed.reason
    assert app.observer.counts.callbacks == 0
    assert list(tmp_path.iterdir()) == []


def test_a_get_without_parameters_is_forwarded() -> None:
    bot = EchoBot(body=b"alive")
    with tapped(bot) as (tap_url, _bot, _app, events):
        response = httpx.get(tap_url)
    assert (response.status_code, response.content, bot.requests[0]["method"]) == (
        200,
        b"alive",
        "GET",
    )
    assert any(isinstance(e, MalformedRequest) for e in events)


def test_a_body_over_the_limit_is_refused_and_not_forwarded() -> None:
    bot = EchoBot()
    with tapped(bot, max_body=2048) as (tap_url, _bot, _app, events):
        response = httpx.post(tap_url, content=b"x" * 5000)
    assert response.status_code == 413
    assert bot.requests == []
    assert [e.status for e in events if isinstance(e, RequestRefused)] == [413]


def test_the_oldest_call_is_closed_when_too_many_are_open() -> None:
    bot = EchoBot(body=ANSWER)
    with tapped(bot, max_open_calls=2) as (tap_url, _bot, app, events):
        for call_id in ("a^1", "b^2", "c^3"):
            httpx.post(tap_url, data=params(call_id))
        closed_while_running = [(e.call_id, e.reason) for e in events if isinstance(e, CallClosed)]
        assert len(app.observer.book) == 2
    assert closed_while_running == [("a^1", "evicted")]


def test_an_idle_call_is_closed_by_the_sweep() -> None:
    now = [1000.0]
    events: list[Any] = []
    app = TapApp(
        TapConfig(forward_to="http://127.0.0.1:9/callback", idle_s=60),
        sink=events.append,
        clock=lambda: now[0],
    )
    answer = BotAnswer(200, (), ANSWER, 1.0)
    app.observer.observe(
        "POST",
        b"",
        urlencode(params("idle^1")).encode(),
        "application/x-www-form-urlencoded",
        answer,
    )
    now[0] += 59
    app.observer.sweep()
    assert not any(isinstance(e, CallClosed) for e in events)
    now[0] += 2
    app.observer.sweep()
    assert [(e.call_id, e.reason) for e in events if isinstance(e, CallClosed)] == [
        ("idle^1", "idle")
    ]
    app.forwarder.close()


def test_a_hangup_answer_closes_the_call_at_once() -> None:
    hangup = b'{"result":"success","msg":"","data":{"call_id":"h^1","action":"hangup"}}'
    bot = EchoBot(body=hangup)
    with tapped(bot) as (tap_url, _bot, app, events):
        httpx.post(tap_url, data=params("h^1"))
        assert [(e.call_id, e.reason) for e in events if isinstance(e, CallClosed)] == [
            ("h^1", "ended")
        ]
        assert len(app.observer.book) == 0


def test_findings_are_reported_one_json_line_each(tmp_path: Path) -> None:
    report = tmp_path / "findings.jsonl"
    bot = EchoBot(body=b'{"result":"success","data":{"action":"fly"}}')
    with tapped(bot, report_json=report) as (tap_url, _bot, _app, events):
        httpx.post(tap_url, data=params("r^1"))
    lines = [json.loads(line) for line in report.read_text().splitlines()]
    relayed = next(e for e in events if isinstance(e, CallbackRelayed))
    assert len(lines) == len(relayed.findings) > 0
    assert {line["call_id"] for line in lines} == {"r^1"}
    assert {"rule", "severity", "message", "content_type", "turn"} <= set(lines[0])


def test_the_platform_not_echoing_dynamic_id_is_a_warning() -> None:
    answer = b'{"result":"success","msg":"","data":{"call_id":"d^1","action":"continue","dynamic_id":"step2"}}'
    bot = EchoBot(body=answer)
    with tapped(bot) as (tap_url, _bot, _app, events):
        httpx.post(tap_url, data=params("d^1"))
        httpx.post(tap_url, data=params("d^1", kind="mute", dynamic_id="step1"))
    second = [e for e in events if isinstance(e, CallbackRelayed)][1]
    assert [f.rule for f in second.findings if f.rule.startswith("tap-")] == [
        "tap-dynamic-id-not-echoed"
    ]


def test_a_callback_after_the_call_was_closed_is_checked_but_opens_no_recording(
    tmp_path: Path,
) -> None:
    hangup = b'{"result":"success","msg":"","data":{"call_id":"late^1","action":"hangup"}}'
    bot = EchoBot(body=hangup)
    with tapped(bot, save_dir=tmp_path) as (tap_url, _bot, app, events):
        httpx.post(tap_url, data=params("late^1", kind="callin", caller="13800138000"))
        httpx.post(tap_url, data=params("late^1", kind="mute"))
        assert len(app.observer.book) == 0
    assert [e.call_id for e in events if isinstance(e, CallClosed)] == ["late^1"]
    assert len([e for e in events if isinstance(e, CallbackRelayed)]) == 2
    assert any(
        "after tap closed the call" in e.message for e in events if isinstance(e, TapProblem)
    )
    assert len(list(tmp_path.glob("*.yaml"))) == 1


def test_a_call_keeps_at_most_max_turns_and_closed_ids_are_bounded() -> None:
    from vcall.simulator.tap.calls import MAX_TURNS, CallBook, TapCall

    call = TapCall("long^1", 0.0, 0.0)
    for _ in range(MAX_TURNS + 5):
        call.add(object(), keep=True)  # type: ignore[arg-type]
    assert (len(call.turns), call.count, call.truncated) == (MAX_TURNS, MAX_TURNS + 5, True)
    book = CallBook(max_open=3)
    for number in range(10):
        book.closed(TapCall(f"{number}^0", 0.0, 0.0))
    assert len(book._closed) == 3


CONTENT_KEYS = [
    "caller",
    "callee",
    "orgcallee",
    "words",
    "begin_offset",
    "end_offset",
    "asr_begin_time",
    "asr_end_time",
    "play_begin_time",
    "play_end_time",
    "is_playing",
    "current_media_code",
    "dtmf_digits",
    "dynamic_id",
    "transfer_status",
    "record_begin_time",
    "begin_time",
]


@settings(max_examples=300, deadline=None)
@given(query=st.binary(max_size=300), body=st.binary(max_size=600), form=st.booleans())
def test_any_request_is_observed_without_an_internal_error(
    query: bytes, body: bytes, form: bool
) -> None:
    events: list[Any] = []
    app = TapApp(TapConfig(forward_to="http://127.0.0.1:9/callback"), sink=events.append)
    content_type = "application/x-www-form-urlencoded" if form else ""
    app.observer.observe("POST", query, body, content_type, BotAnswer(200, (), body, 1.0))
    assert not [e for e in events if isinstance(e, TapProblem)]
    app.forwarder.close()


@settings(max_examples=200, deadline=None)
@given(
    content=st.dictionaries(
        st.sampled_from(CONTENT_KEYS), st.one_of(st.text(max_size=20), st.integers(), st.none())
    ),
    kind=st.sampled_from(
        ["callin", "normal", "mute", "dtmf", "timebreak", "parallel_transfer", "other"]
    ),
)
def test_any_callback_content_is_recorded_and_reconstructed_without_an_internal_error(
    content: dict[str, Any], kind: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    events: list[Any] = []
    directory = tmp_path_factory.mktemp("fuzz")
    app = TapApp(
        TapConfig(forward_to="http://127.0.0.1:9/callback", save_dir=directory), sink=events.append
    )
    answer = BotAnswer(200, (), ANSWER.replace(b"100001^200002", b"f^1"), 1.0)
    for step_kind in ("callin", kind):
        body = urlencode(
            {
                "call_id": "f^1",
                "timestamp": "1700000000000",
                "content_type": step_kind,
                "content": json.dumps(content),
            }
        )
        app.observer.observe(
            "POST", b"", body.encode(), "application/x-www-form-urlencoded", answer
        )
    asyncio.run(app.stop())
    assert not [e for e in events if isinstance(e, TapProblem)], events
    [written] = directory.glob("*.yaml")
    load_scenario(written)  # whatever tap writes loads


class HeadAndCookies:
    """Answers HEAD as HTTP says (the length of the GET, no body) and sets two cookies."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        await read_body(receive)
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", b"%d" % len(ANSWER)),
            (b"set-cookie", b"a=1; Path=/"),
            (b"set-cookie", b"b=2; Path=/"),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send(
            {"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else ANSWER}
        )


def test_head_is_answered_promptly_not_after_the_timeout() -> None:
    with tapped(HeadAndCookies(), timeout_s=3.0) as (tap_url, _bot, _app, _events):
        started = time.monotonic()
        answer = httpx.head(tap_url, timeout=10)
        took = time.monotonic() - started
    assert answer.status_code == 200 and answer.content == b""
    assert answer.headers["content-length"] == str(len(ANSWER))  # the GET's length, relayed
    assert took < 1.5, took


def test_two_set_cookie_headers_stay_two() -> None:
    with tapped(HeadAndCookies()) as (tap_url, _bot, _app, _events):
        answer = httpx.post(tap_url, data=params(), timeout=10)
    assert answer.headers.get_list("set-cookie") == ["a=1; Path=/", "b=2; Path=/"]
    assert answer.content == ANSWER
