"""``explore`` and ``check`` send a URL target's callbacks through the load path's client, and a
hostile server gets every callback once: nothing is resent."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from urllib.parse import parse_qsl

import pytest

from vcall.simulator.explore.crawler import Limits
from vcall.simulator.explore.problems import ProblemKind
from vcall.simulator.explore.run import ExploreConfig, explore_async
from vcall.simulator.explore.transport import fast_path
from vcall.simulator.replay.targets import app_target, resolve_target

GREETING = {"action": "answer", "action_code": "welcome.wav", "dynamic_id": "start"}
MENU = {
    "action": "dtmf",
    "action_code": "menu.wav",
    "dynamic_id": "menu",
    "dtmf_max_numbers": 1,
    "dtmf_nonin_overtime": 5,
}


def test_a_url_goes_the_fast_path_unless_a_proxy_applies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    assert fast_path(resolve_target("http://127.0.0.1:8080/callback"))
    assert fast_path(resolve_target("http://bot.example.com/callback"))
    assert not fast_path(app_target("app", _app))
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:3128")
    assert not fast_path(resolve_target("http://bot.example.com/callback"))  # httpx honours it
    assert fast_path(resolve_target("http://127.0.0.1:8080/callback"))  # loopback: no proxy


async def _app(scope: object, receive: object, send: object) -> None:
    return None


class Hostile:
    """Answers the callin and the first key well; every later callback is read whole and the
    connection is closed without a word (the request may have reached the bot)."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, str, str]] = []
        self.agents: set[str] = set()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                headers = {k.lower(): v.strip() for k, _, v in (x.partition(":") for x in lines)}
                self.agents.add(headers.get("user-agent", ""))
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                params = dict(parse_qsl(body.decode()))
                key = (
                    params["call_id"],
                    params["content_type"],
                    params["content"],
                    params["timestamp"],
                )
                self.requests.append(key)
                if params["content_type"] not in ("callin", "dtmf"):
                    writer.close()
                    return
                data = GREETING if params["content_type"] == "callin" else MENU
                payload = json.dumps(
                    {"result": "success", "msg": "ok", "data": {"call_id": key[0], **data}}
                ).encode()
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    + b"Content-Length: %d\r\n\r\n" % len(payload)
                    + payload
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()


def test_explore_over_a_url_never_resends_a_callback_to_a_hostile_server() -> None:
    hostile = Hostile()

    async def main() -> list[ProblemKind]:
        server = await asyncio.start_server(hostile.handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        try:
            target = resolve_target(f"http://127.0.0.1:{port}/callback")
            config = ExploreConfig(lines=("转人工",), limits=Limits(max_depth=2, concurrency=4))
            result = await explore_async(target, config)
            return [problem.kind for problem in result.problems]
        finally:
            server.close()

    kinds = asyncio.run(main())
    assert ProblemKind.HTTP in kinds
    assert any(agent.startswith("vcall/") for agent in hostile.agents)  # the load path's client
    assert "python-httpx" not in " ".join(hostile.agents)
    repeated = [key for key, count in Counter(hostile.requests).items() if count > 1]
    assert repeated == []
    assert len(hostile.requests) > 10
