"""``vcall tap --shadow``: a copy of each callback to a candidate bot, compared with production;
the platform only ever receives production's bytes, whatever the candidate does."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from tap_support import NUMBER_KEY, EchoBot, json_lines

from vcall.simulator.asgi import Receive, Scope, Send, read_body
from vcall.simulator.emulator.serve import ServerThread
from vcall.simulator.tap import TapConfig, TapEvent
from vcall.simulator.tap.app import TapApp
from vcall.simulator.tap.forward import BotAnswer
from vcall.simulator.tap.shadow import (
    CandidateError,
    Divergence,
    Shadow,
    ShadowConfig,
    ShadowEvent,
    first_difference,
)

FORM = {"content-type": "application/x-www-form-urlencoded"}


def answer(action: str = "continue", **data: Any) -> bytes:
    body = {"result": "success", "msg": "", "data": {"call_id": "c", "action": action, **data}}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def callback(call_id: str, words: str = "我想查一下快递") -> bytes:
    content = {"words": words, "begin_offset": "1000", "end_offset": "2000"}
    params = {
        "call_id": call_id,
        "timestamp": "1659885732000",
        "content_type": "normal",
        "content": json.dumps(content, ensure_ascii=False),
    }
    return urlencode(params).encode()


@dataclass
class SlowBot:
    """Answers after ``delay_s`` (a candidate that hangs), or with ``status``."""

    delay_s: float = 0.0
    status: int = 200
    body: bytes = field(default_factory=answer)
    seen: int = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        await read_body(receive)
        self.seen += 1
        await asyncio.sleep(self.delay_s)
        headers = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": self.body})


@dataclass
class Shadowed:
    tap_url: str
    app: TapApp
    shadow: Shadow
    events: list[ShadowEvent]
    tap_events: list[TapEvent]

    def settle(self, compared: int, within_s: float = 5.0) -> None:
        """Wait until the shadow has compared (or dropped) this many copies."""
        counts = self.shadow.counts
        deadline = time.monotonic() + within_s
        while time.monotonic() < deadline:
            if counts.compared + counts.not_comparable + counts.dropped >= compared:
                return
            time.sleep(0.01)


@contextmanager
def shadowed(
    production: Any, candidate: Any, *, shadow_options: dict[str, Any] | None = None, **tap: Any
) -> Iterator[Shadowed]:
    events: list[ShadowEvent] = []
    tap_events: list[TapEvent] = []
    with ServerThread(production) as prod, ServerThread(candidate) as cand:
        shadow = Shadow(
            ShadowConfig(cand.url + "/callback", **(shadow_options or {})), sink=events.append
        )
        config = TapConfig(forward_to=prod.url + "/callback", **tap)
        app = TapApp(config, sink=tap_events.append, number_key=NUMBER_KEY, shadow=shadow)
        with ServerThread(app, bounds=app.bounds) as tap_server:
            yield Shadowed(tap_server.url + "/callback", app, shadow, events, tap_events)


def post(url: str, body: bytes) -> httpx.Response:
    return httpx.post(url, content=body, headers=FORM, timeout=10)


def test_the_platform_gets_productions_bytes_and_the_candidate_a_copy() -> None:
    production = EchoBot(body=answer("play", action_code="hello.wav"))
    candidate = EchoBot(body=answer("play", action_code="hello.wav"))
    with shadowed(production, candidate) as run:
        for index in range(3):
            response = post(run.tap_url, callback("100001^2000", f"第{index}句"))
            assert response.content == production.body
        run.settle(3)
    assert [r["body"] for r in candidate.requests] == [r["body"] for r in production.requests]
    assert run.events == [] and run.shadow.counts.compared == 3
    assert run.shadow.counts.production.count == 3 and run.shadow.counts.candidate.count == 3


def test_a_divergent_call_is_reported_once_at_its_first_differing_field(tmp_path: Path) -> None:
    production = EchoBot(body=answer("play", action_code="hello.wav", mute_time=5000))
    candidate = EchoBot(body=answer("play", action_code="hello.wav", mute_time=8000))
    report = tmp_path / "findings.jsonl"
    with shadowed(production, candidate, report_json=report) as run:
        for call_id in ("call-a", "call-a", "call-a", "call-b"):
            assert post(run.tap_url, callback(call_id)).content == production.body
            run.settle(len(production.requests))
    divergences = [e for e in run.events if isinstance(e, Divergence)]
    assert [(d.call_id, d.turn, d.field, d.production, d.candidate) for d in divergences] == [
        ("call-a", 1, "data.mute_time", "5000", "8000"),
        ("call-b", 1, "data.mute_time", "5000", "8000"),
    ]
    assert len(candidate.requests) == 2  # the rest of call-a is not comparable: not sent
    assert run.shadow.counts.not_comparable == 2 and run.shadow.counts.divergent_calls == 2
    lines = [line for line in json_lines(report) if line.get("kind") == "shadow-divergence"]
    assert [line["call_id"] for line in lines] == ["call-a", "call-b"]


def test_a_candidate_that_fails_changes_nothing_for_the_platform() -> None:
    production = EchoBot(body=answer())
    with shadowed(production, SlowBot(status=500)) as run:
        response = post(run.tap_url, callback("call-500"))
        run.settle(1)
    assert (response.status_code, response.content) == (200, production.body)
    (error,) = [e for e in run.events if isinstance(e, CandidateError)]
    assert error.status == 500 and run.shadow.counts.candidate_errors == 1
    (divergence,) = [e for e in run.events if isinstance(e, Divergence)]
    assert (divergence.field, divergence.production, divergence.candidate) == (
        "status",
        "200",
        "500",
    )


def test_a_hanging_candidate_never_delays_production_and_a_full_queue_drops() -> None:
    production = EchoBot(body=answer())
    hanging = SlowBot(delay_s=2.0)
    options = {"timeout_s": 0.5, "queue_max": 1, "workers": 1}
    with shadowed(production, hanging, shadow_options=options) as run:
        started = time.perf_counter()
        for index in range(5):
            response = post(run.tap_url, callback(f"call-{index}"))
            assert response.content == production.body
        elapsed = time.perf_counter() - started
        run.settle(5)
    assert elapsed < 1.5, f"production waited for the candidate: {elapsed:.2f} s"
    counts = run.shadow.counts
    assert counts.dropped >= 1, "one worker, a queue of one: copies beyond are dropped"
    assert counts.candidate_errors >= 1
    assert any(e.error == "timeout" for e in run.events if isinstance(e, CandidateError))


def test_a_divergent_calls_fixture_is_named(tmp_path: Path) -> None:
    production = EchoBot(body=answer("hangup", action_code="bye.wav"))
    candidate = EchoBot(body=answer("hangup", action_code="goodbye.wav"))
    with shadowed(production, candidate, save_dir=tmp_path) as run:
        post(run.tap_url, callback("call-saved"))
        run.settle(1)
    (path,) = run.shadow.counts.fixtures.values()
    assert Path(path).parent == tmp_path and Path(path).is_file()
    assert "call-saved" in run.shadow.counts.fixtures


def bot(body: bytes, status: int = 200, error: str | None = None) -> BotAnswer:
    return BotAnswer(status, (), body, 1.0, error)


def test_first_difference_names_the_first_field_that_differs() -> None:
    same = answer("play", action_code_param='{"text": "您好"}')
    spaced = answer("play", action_code_param='{"text":"您好"}')
    assert first_difference(bot(same), bot(spaced)) is None  # the same JSON, spelt apart
    assert first_difference(bot(answer(call_id="x")), bot(answer(call_id="y"))) is None
    assert first_difference(bot(answer("play")), bot(answer("hangup"))) == (
        "data.action",
        "play",
        "hangup",
    )
    assert (
        first_difference(bot(answer(mute_time=1)), bot(answer(mute_time=2)), ("mute_time",)) is None
    )
    assert first_difference(bot(answer()), bot(answer(number="95588")))[0] == "data.number"  # type: ignore[index]
    assert first_difference(bot(b"ok"), bot(b"no")) == ("body", "ok", "no")
    failed = b'{"result":"fail","msg":"","data":{}}'
    assert first_difference(bot(answer()), bot(failed)) == ("result", "success", "fail")
    assert first_difference(bot(answer()), bot(b"", 504, "timeout")) == (
        "status",
        "200",
        "504 (timeout)",
    )
