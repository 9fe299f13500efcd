"""``vcall simulate --timeout`` is a deadline for each callback's whole round trip: an endpoint
that trickles its answer or floods ``100 Continue`` cannot hold a call past it."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable

import pytest
from engine_support import scenario, turn_rules

from vcall.simulator.replay.engine import SimulationConfig, run_scenarios
from vcall.simulator.replay.results import RunResult
from vcall.simulator.replay.targets import resolve_target

ONE_CALLIN = scenario(
    """
name: 慢速应答
call: {caller: "13800138000", callee: "057126880000"}
steps:
  - hangup
"""
)
Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def trickles(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.readuntil(b"\r\n\r\n")
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
    with contextlib.suppress(ConnectionError):
        for _ in range(1000):  # a byte every 20 ms: each read well inside any per-read timeout
            writer.write(b" ")
            await writer.drain()
            await asyncio.sleep(0.02)


async def continues(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.readuntil(b"\r\n\r\n")
    with contextlib.suppress(ConnectionError):
        for _ in range(1000):
            writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            await writer.drain()
            await asyncio.sleep(0.01)


def simulate_against(handler: Handler, timeout_s: float) -> tuple[RunResult, float]:
    async def main() -> tuple[RunResult, float]:
        server = await asyncio.start_server(handler, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        target = resolve_target(f"http://127.0.0.1:{port}/callback")
        started = time.perf_counter()
        try:
            run = await run_scenarios([ONE_CALLIN], target, SimulationConfig(timeout_s=timeout_s))
        finally:
            server.close()
        return run, time.perf_counter() - started

    return asyncio.run(main())


@pytest.mark.parametrize("handler", [trickles, continues], ids=["trickled body", "100 Continue"])
def test_the_timeout_bounds_the_whole_round_trip(handler: Handler) -> None:
    run, took = simulate_against(handler, timeout_s=0.4)
    (call,) = run.calls
    assert turn_rules(call)[1] == ["endpoint-timeout"]
    assert "no whole answer within 0.4 s" in call.turns[0].exchange.error_detail
    assert took < 3, "the trickle goes on for 20 s; the call must not wait for it"
