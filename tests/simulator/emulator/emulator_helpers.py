"""Test helpers for the emulator: keys, a virtual clock, signed requests, an ASGI round trip."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Coroutine, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx

from vcall.simulator.emulator import EmulatorConfig, EmulatorEvent, SmartCallEmulator
from vcall.simulator.replay.targets import EXAMPLE_BOT, resolve_target
from vcall.simulator.smartcall.client import SmartCallClient
from vcall.simulator.smartcall.clock import VirtualSyncClock
from vcall.simulator.smartcall.credentials import Credentials

KEY_ID = "LTAI5tEmulatorKey0001"
SECRET = "emu/secret+value=="
TOKEN = "STS.emulator token/+="
START = datetime(2025, 6, 1, 9, 30, 0, tzinfo=UTC)
CALL: dict[str, object] = {
    "CalledShowNumber": "057126880000",
    "CalledNumber": "13800138000",
    "VoiceCode": "$name$,survey_opening.wav",
    "VoiceCodeParam": {"name": "张先生"},
}
T = TypeVar("T")


def credentials(token: str | None = None, secret: str = SECRET) -> Credentials:
    return Credentials(KEY_ID, secret, token)


def make_clock() -> VirtualSyncClock:
    return VirtualSyncClock(utc_start=START)


def nonces() -> Callable[[], str]:
    counter = itertools.count(1)
    return lambda: f"nonce-{next(counter):04d}"


class Harness:
    """An emulator on a virtual clock, the events it reported, and a signer sharing its clock."""

    def __init__(self, client: httpx.AsyncClient | None = None, **config: Any) -> None:
        self.clock = make_clock()
        self.events: list[EmulatorEvent] = []
        settings: dict[str, Any] = {
            "credentials": (credentials(),),
            "target": resolve_target(EXAMPLE_BOT),
            "seed": 7,
        }
        settings.update(config)
        self.emulator = SmartCallEmulator(
            EmulatorConfig(**settings), clock=self.clock, sink=self.events.append, client=client
        )
        self._nonce = nonces()

    def request(
        self,
        params: Mapping[str, object] | None = None,
        *,
        signature: str = "v3",
        creds: Credentials | None = None,
        clock: VirtualSyncClock | None = None,
        nonce: Callable[[], str] | None = None,
    ) -> httpx.Request:
        client = SmartCallClient(
            creds or credentials(),
            endpoint="http://emulator.test",
            signature=signature,  # type: ignore[arg-type]
            clock=clock or self.clock,
            nonce=nonce or self._nonce,
        )
        with client:
            return client.prepare(CALL if params is None else params)

    async def send(self, request: httpx.Request) -> httpx.Response:
        transport = httpx.ASGITransport(app=self.emulator)
        async with httpx.AsyncClient(transport=transport) as http:
            return await http.send(request)

    def exchange(self, *requests: httpx.Request, drain: bool = True) -> list[httpx.Response]:
        """Send the requests in order (one event loop), then let the calls finish."""

        async def go() -> list[httpx.Response]:
            answers = [await self.send(request) for request in requests]
            if drain:
                await self.emulator.calls.drain()
            await self.emulator.aclose()
            return answers

        return run(go())


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)
