"""Servers and bots for the tap tests: real uvicorn servers on 127.0.0.1 (tap forwards over TCP)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vcall.simulator.asgi import Receive, Scope, Send, read_body
from vcall.simulator.emulator.serve import ServerThread
from vcall.simulator.example_bot import app as example_bot
from vcall.simulator.fixture.loader import load_scenario
from vcall.simulator.fixture.scenario import Scenario
from vcall.simulator.replay.engine import SimulationConfig, simulate
from vcall.simulator.replay.results import RunResult
from vcall.simulator.replay.targets import resolve_target
from vcall.simulator.tap import TapConfig, TapEvent
from vcall.simulator.tap.app import TapApp

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"
NUMBER_KEY = b"tap-tests-fixed-key"


@dataclass
class ChangedBot:
    """The example bot, changed: every ``dynamic_id`` ``old`` it sets becomes ``new``."""

    old: str = "menu"
    new: str = "main-menu"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await example_bot(scope, receive, send)
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def keep(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            else:
                chunks.append(message.get("body", b""))

        await example_bot(scope, receive, keep)
        body = b"".join(chunks)
        for spacing in (b" ", b""):
            old = b'"dynamic_id":' + spacing + b'"' + self.old.encode() + b'"'
            body = body.replace(old, b'"dynamic_id":' + spacing + b'"' + self.new.encode() + b'"')
        headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
        headers.append((b"content-length", b"%d" % len(body)))
        await send({"type": "http.response.start", "status": start["status"], "headers": headers})
        await send({"type": "http.response.body", "body": body})


@dataclass
class EchoBot:
    """Records each request as received and answers a fixed body (or a status, or never)."""

    body: bytes = b'{"result":"success","msg":"","data":{}}'
    status: int = 200
    requests: list[dict[str, Any]] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = await read_body(receive)
        self.requests.append(
            {
                "method": scope["method"],
                "path": scope["path"],
                "query": scope.get("query_string", b""),
                "headers": dict(scope["headers"]),
                "body": body,
            }
        )
        headers = [(b"content-type", b"application/json"), (b"x-bot", b"echo")]
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": self.body})


@contextmanager
def tapped(bot: Any, **options: Any) -> Iterator[tuple[str, str, TapApp, list[TapEvent]]]:
    """A bot server and a tap server in front of it: (tap URL, bot URL, the app, its events).
    Leaving it stops tap (open calls are closed and written) and then the bot."""
    events: list[TapEvent] = []
    with ServerThread(bot) as bot_server:
        bot_url = bot_server.url + "/callback"
        config = TapConfig(forward_to=bot_url, **options)
        app = TapApp(config, sink=events.append, number_key=NUMBER_KEY)
        with ServerThread(app, bounds=app.bounds) as tap_server:
            yield tap_server.url + "/callback", bot_url, app, events


def run(scenarios: Sequence[Scenario], url: str) -> RunResult:
    return simulate(scenarios, resolve_target(url), SimulationConfig())


def shipped(*names: str) -> list[Scenario]:
    paths = (
        [FIXTURES / f"{name}.yaml" for name in names] if names else sorted(FIXTURES.glob("*.yaml"))
    )
    return [load_scenario(path) for path in paths]


def saved(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.yaml"))


def json_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
