"""The console says what the platform will do, and why nothing happened when nothing did."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

from console_driver import drive, lines, options

from vcall.simulator.example_bot import create_app
from vcall.simulator.replay.targets import Target, app_target

ORDER = "你好，我想查一下我的快递"


def _mute_time_bot(mute_time_ms: int) -> Target:
    """The example bot, except that its callin answer asks for ``mute_time_ms``."""
    example = create_app()

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":  # the lifespan vcall runs, as uvicorn would
            await example(scope, receive, send)
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        replayed = [{"type": "http.request", "body": body, "more_body": False}]
        callin = parse_qs(body.decode()).get("content_type") == ["callin"]

        async def receive_again() -> dict[str, Any]:
            return replayed.pop(0) if replayed else {"type": "http.disconnect"}

        async def send_changed(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.body" and callin:
                envelope = json.loads(message["body"])
                envelope["data"]["mute_time"] = mute_time_ms
                message = {**message, "body": json.dumps(envelope).encode()}
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message["headers"] if k != b"content-length"]
                message = {**message, "headers": headers}
            await send(message)

        await example(scope, receive_again, send_changed)  # type: ignore[arg-type]

    return app_target("mute_time_bot", app)


def test_an_out_of_range_mute_time_shows_what_the_platform_uses() -> None:
    out = drive(lines("/state"), options(_mute_time_bot(30_000))).output
    assert "mute_time 10s (asked 30s: out of range)" in out
    assert "mute_time 30s" not in out
    assert "(was 10s)" not in out.split("→ callin", 1)[1].split("╰", 1)[0]


def test_an_in_range_mute_time_shows_what_it_changed() -> None:
    out = drive("", options(_mute_time_bot(7_000))).output
    assert "mute_time 7s (was 10s)" in out and "asked" not in out


def test_a_silence_shorter_than_the_playback_says_why_no_mute_came() -> None:
    out = drive(lines(ORDER, "/silence 1s")).output
    assert "→ mute" not in out
    assert "no mute: “" in out and "still plays for" in out
    assert "the platform sends mute after 5s of quiet once playback ends" in out


def test_a_silence_after_the_playback_but_short_of_mute_time_says_so() -> None:
    out = drive(lines("/wait", "/silence 2s")).output
    assert "→ mute" not in out
    assert "no mute yet: the platform sends mute after 5s of quiet" in out


def test_leaving_the_console_ends_the_call_by_leaving_not_end_of_scenario() -> None:
    out = drive(lines(ORDER, "/quit")).output
    assert "■ call ended by you, leaving the console" in out
    assert "end_of_scenario" not in out
