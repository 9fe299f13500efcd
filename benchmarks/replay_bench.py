"""Time ``vcall simulate``'s replay: the shipped fixtures, in-process, on the virtual clock.

Run: ``python benchmarks/replay_bench.py [CALLS] [--profile]``. Replays the shipped fixtures
round-robin as CALLS calls (default 200), best of five runs, against:

* the example bot: simulated call-seconds per wall-second, and the per-callback cost with the
  time spent inside the bot subtracted (engine + platform model + delivery + validation);
* a trivial constant-answer ASGI app: the per-callback cost with (almost) no bot at all.

The last line is the figure: ``replay: 5400x real time, 182 µs/callback (n=200 calls, ...)``.
``--profile`` adds a cProfile listing of the example-bot run (top 25 by own time).
"""

from __future__ import annotations

import cProfile
import json
import pstats
import sys
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import parse_qsl

import httpx

from vcall.simulator.example_bot import create_app
from vcall.simulator.fixture.loader import load_scenarios
from vcall.simulator.fixture.scenario import Scenario
from vcall.simulator.replay.engine import SimulationConfig, simulate
from vcall.simulator.replay.results import RunResult
from vcall.simulator.replay.targets import IN_PROCESS_URL, Target

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass
class Figures:
    wall_s: float
    simulated_s: float
    callbacks: int
    app_s: float
    """Time spent inside the app itself."""

    @property
    def speedup(self) -> float:
        return self.simulated_s / self.wall_s

    @property
    def us_per_callback(self) -> float:
        return self.wall_s / self.callbacks * 1e6

    @property
    def us_per_callback_without_app(self) -> float:
        return (self.wall_s - self.app_s) / self.callbacks * 1e6


class TimedApp:
    """Wraps an ASGI app and adds up the time spent inside it."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.seconds = 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send)
        finally:
            self.seconds += time.perf_counter() - started


async def constant_app(scope: Scope, receive: Receive, send: Send) -> None:
    """Answers ``answer`` to ``callin`` and ``donothing`` to everything else, echoing call_id."""
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    params = dict(parse_qsl(body.decode()))
    action = "answer" if params.get("content_type") == "callin" else "donothing"
    code = "welcome.wav" if action == "answer" else ""
    data = {"call_id": params.get("call_id", ""), "action": action, "action_code": code}
    payload = json.dumps({"result": "success", "msg": "成功", "data": data}).encode()
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


def shipped_scenarios() -> list[Scenario]:
    return load_scenarios([str(resources.files("vcall.fixtures"))])


def replay_once(scenarios: list[Scenario], app: App) -> Figures:
    timed = TimedApp(app)
    target = Target("bench", IN_PROCESS_URL, httpx.ASGITransport(app=timed))
    config = SimulationConfig(seed=1)
    started = time.perf_counter()
    run: RunResult = simulate(scenarios, target, config)
    wall = time.perf_counter() - started
    simulated = sum(call.duration_ms for call in run.calls) / 1000
    callbacks = sum(len(call.turns) for call in run.calls)
    return Figures(wall, simulated, callbacks, timed.seconds)


def best_of(runs: int, scenarios: list[Scenario], app: App) -> Figures:
    return min((replay_once(scenarios, app) for _ in range(runs)), key=lambda f: f.wall_s)


def profile(scenarios: list[Scenario]) -> None:
    profiler = cProfile.Profile()
    profiler.runcall(replay_once, scenarios, create_app())
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def main(calls: int = 200, with_profile: bool = False) -> None:
    fixtures = shipped_scenarios()
    scenarios = [fixtures[i % len(fixtures)] for i in range(calls)]
    bot = best_of(5, scenarios, create_app())
    trivial = best_of(5, scenarios, constant_app)
    if with_profile:
        profile(scenarios)
    print(
        f"  example bot:    {bot.callbacks} callbacks, {bot.simulated_s:.0f} s of calls in {bot.wall_s:.3f} s"
    )
    print(
        f"                  {bot.us_per_callback:.0f} µs/callback with the bot, {bot.us_per_callback_without_app:.0f} without"
    )
    print(
        f"  constant app:   {trivial.callbacks} callbacks, {trivial.simulated_s:.0f} s of calls in {trivial.wall_s:.3f} s"
    )
    print(
        f"                  {trivial.us_per_callback:.0f} µs/callback, {trivial.speedup:.0f}x real time"
    )
    print(
        f"replay: {bot.speedup:.0f}x real time, {bot.us_per_callback_without_app:.0f} µs/callback "
        f"(n={calls} calls, {bot.callbacks} callbacks; constant app {trivial.us_per_callback:.0f} µs/callback)"
    )


if __name__ == "__main__":
    arguments = [arg for arg in sys.argv[1:] if arg != "--profile"]
    main(int(arguments[0]) if arguments else 200, "--profile" in sys.argv[1:])
