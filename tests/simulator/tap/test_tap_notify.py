"""tap's alerts to chat robots: shapes, rate limit, thresholds, privacy, a real local webhook."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from vcall.simulator import secrets
from vcall.simulator.errors import UsageError
from vcall.simulator.findings import Finding, Severity
from vcall.simulator.tap.events import CallbackRelayed
from vcall.simulator.tap.notify import (
    Notifier,
    NotifyConfig,
    NotifyFormat,
    mask_numbers,
    robot_payload,
)

TOKEN = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
CALL_ID = "100001616500^100001871490"
MISSING = Finding(
    "field-required-missing",
    Severity.ERROR,
    "data.number",
    "transfer to 13812345678 has no number",
    "001",
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Posts:
    def __init__(self) -> None:
        self.bodies: list[Mapping[str, Any]] = []
        self.done = threading.Event()

    def __call__(self, url: str, body: Mapping[str, Any], timeout_s: float) -> None:
        self.bodies.append(body)
        self.done.set()


def relayed(**fields: object) -> CallbackRelayed:
    values: dict[str, object] = {
        "call_id": CALL_ID,
        "kind": "normal",
        "turn": 2,
        "status": 200,
        "latency_ms": 50.0,
        "findings": (),
    }
    values.update(fields)
    return CallbackRelayed(**values)  # type: ignore[arg-type]


def notifier(posts: Posts, clock: Clock, **config: Any) -> Notifier:
    url = f"https://oapi.example.test/robot/send?access_token={TOKEN}"
    return Notifier(NotifyConfig(url, **config), post=posts, clock=clock)


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        (NotifyFormat.DINGTALK, {"msgtype": "text", "text": {"content": "hi"}}),
        (NotifyFormat.WECOM, {"msgtype": "text", "text": {"content": "hi"}}),
        (NotifyFormat.FEISHU, {"msg_type": "text", "content": {"text": "hi"}}),
        (NotifyFormat.PLAIN, {"text": "hi"}),
    ],
)
def test_each_robot_gets_its_own_shape(form: NotifyFormat, expected: dict[str, Any]) -> None:
    assert robot_payload(form, "hi") == expected


def test_an_error_finding_is_one_message_with_the_call_id_and_no_phone_number() -> None:
    posts, clock = Posts(), Clock()
    alerts = notifier(posts, clock)
    alerts(relayed(findings=(MISSING,)))
    alerts.close()
    (body,) = posts.bodies
    text = body["text"]["content"]
    assert CALL_ID in text and "field-required-missing" in text and "data.number" in text
    assert "13812345678" not in text and "138********" in text
    assert text.startswith("vcall tap: ")


def test_warnings_and_clean_answers_send_nothing() -> None:
    posts, clock = Posts(), Clock()
    alerts = notifier(posts, clock)
    warn = Finding("value-out-of-range", Severity.WARNING, "data.mute_time", "x", "001")
    alerts(relayed(findings=(warn,)))
    alerts(relayed())
    alerts.close()
    assert posts.bodies == []


def test_a_failing_bot_is_an_alert() -> None:
    posts, clock = Posts(), Clock()
    alerts = notifier(posts, clock)
    alerts(relayed(status=502, error="connect"))
    alerts.close()
    assert "the bot failed (connect)" in posts.bodies[0]["text"]["content"]


def test_the_rate_limit_holds_back_and_counts() -> None:
    posts, clock = Posts(), Clock()
    alerts = notifier(posts, clock, min_interval_s=10.0)
    for _ in range(5):
        alerts(relayed(findings=(MISSING,)))
        clock.now += 1
    clock.now += 10
    alerts(relayed(findings=(MISSING,)))
    alerts.close()
    texts = [body["text"]["content"] for body in posts.bodies]
    assert len(texts) == 2
    assert "(+4 more alert(s) held back by the rate limit)" in texts[1]


def test_what_is_still_held_back_is_sent_at_close() -> None:
    posts, clock = Posts(), Clock()
    alerts = notifier(posts, clock, min_interval_s=60.0)
    alerts(relayed(findings=(MISSING,)))
    alerts(relayed(findings=(MISSING,)))
    alerts.close()
    assert "1 more alert(s) held back" in posts.bodies[-1]["text"]["content"]


def test_a_p99_over_the_threshold_alerts_once_per_window() -> None:
    posts, clock = Posts(), Clock()
    alerts = notifier(posts, clock, max_p99_ms=300.0, window_s=60.0, min_interval_s=0.0)
    for index in range(40):
        alerts(relayed(latency_ms=900.0 if index % 10 == 0 else 40.0))
        clock.now += 0.5
    alerts.close()
    texts = [body["text"]["content"] for body in posts.bodies]
    assert len(texts) == 1 and "above --max-p99 300 ms" in texts[0]


def test_a_p99_under_the_threshold_is_quiet() -> None:
    posts, clock = Posts(), Clock()
    alerts = notifier(posts, clock, max_p99_ms=300.0)
    for _ in range(100):
        alerts(relayed(latency_ms=40.0))
    alerts.close()
    assert posts.bodies == []


def test_the_webhook_token_is_a_secret() -> None:
    notifier(Posts(), Clock()).close()
    assert TOKEN not in secrets.mask(f"posting to ...?access_token={TOKEN}")


@pytest.mark.parametrize("text", ["138 1234 5678", "138-1234-5678", "13812345678", "0571-88001234"])
def test_phone_numbers_are_masked_in_any_spelling(text: str) -> None:
    masked = mask_numbers(f"call me at {text} please")
    assert masked.count("*") >= 7 and masked.startswith("call me at " + text[:3])


def test_a_call_id_is_not_mistaken_for_a_number() -> None:
    assert mask_numbers(CALL_ID) == CALL_ID


def test_a_non_http_url_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="--notify"):
        Notifier(NotifyConfig("ftp://x"), post=Posts())


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            received.append(json.loads(self.rfile.read(length)))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"errcode":0}')

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/robot/send?access_token={TOKEN}", received
    server.shutdown()


def test_a_local_webhook_receives_the_message(webhook: tuple[str, list[dict[str, Any]]]) -> None:
    url, received = webhook
    alerts = Notifier(NotifyConfig(url, form=NotifyFormat.FEISHU))
    alerts(relayed(findings=(MISSING,)))
    alerts.close()
    assert alerts.sent == 1 and alerts.failed == 0
    assert received[0]["msg_type"] == "text" and CALL_ID in received[0]["content"]["text"]


def test_a_dead_webhook_is_counted_and_said_never_raised() -> None:
    problems: list[str] = []
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    alerts = Notifier(
        NotifyConfig(f"http://127.0.0.1:{port}/robot?access_token={TOKEN}", timeout_s=1.0),
        on_problem=problems.append,
    )
    alerts(relayed(findings=(MISSING,)))
    alerts.close()
    assert alerts.failed == 1 and problems and TOKEN not in problems[0]
