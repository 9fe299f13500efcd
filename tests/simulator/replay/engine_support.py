"""Helpers for the engine tests: run scenarios in-process, record and corrupt the exchanges.

Imported by the ``test_engine*.py`` and ``test_broken_bot.py`` modules of this folder (pytest puts
the folder on ``sys.path``, as for ``smartcall_fakes``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import httpx

from vcall.simulator.clock import VIRTUAL_EPOCH_MS, Clock
from vcall.simulator.example_bot import create_app
from vcall.simulator.findings import Finding
from vcall.simulator.fixture.loader import load_scenario, parse_scenario
from vcall.simulator.fixture.scenario import Scenario
from vcall.simulator.replay.call_ids import CallIds
from vcall.simulator.replay.engine import EventSink, SimulationConfig, run_scenarios
from vcall.simulator.replay.results import CallResult, RunResult, Turn
from vcall.simulator.replay.targets import Target

URL = "http://bot.test/callback"
SHIPPED_FIXTURES = sorted(
    Path(str(entry))
    for entry in resources.files("vcall.fixtures").iterdir()
    if entry.name.endswith((".yaml", ".yml", ".json"))
)
Handler = Callable[[httpx.Request], httpx.Response]


def example_bot_transport() -> httpx.AsyncBaseTransport:
    return httpx.ASGITransport(app=create_app())


def replay(
    scenarios: Scenario | Sequence[Scenario],
    transport: httpx.AsyncBaseTransport | None = None,
    *,
    sink: EventSink | None = None,
    clock_factory: Callable[[], Clock] | None = None,
    ids: CallIds | None = None,
    **config: Any,
) -> RunResult:
    """Run scenarios against ``transport`` (default: the example bot), seeded call ids, every
    call starting at the fixed ``VIRTUAL_EPOCH_MS`` (byte-identical runs)."""
    listed = [scenarios] if isinstance(scenarios, Scenario) else list(scenarios)
    target = Target("test bot", URL, transport or example_bot_transport())
    settings = SimulationConfig(**{"seed": 7, "epoch_ms": VIRTUAL_EPOCH_MS, **config})
    run = run_scenarios(
        listed,
        target,
        settings,
        sink=sink or (lambda _event: None),
        clock_factory=clock_factory,
        ids=ids,
    )
    return asyncio.run(run)


def replay_one(
    scenario: Scenario, transport: httpx.AsyncBaseTransport | None = None, **config: Any
) -> CallResult:
    run = replay(scenario, transport, **config)
    assert len(run.calls) == 1
    return run.calls[0]


def scenario(text: str) -> Scenario:
    return parse_scenario(text, "test.yaml")


def shipped(name: str) -> Scenario:
    return load_scenario(next(path for path in SHIPPED_FIXTURES if path.name == name))


def rules(findings: Iterable[Finding]) -> list[str]:
    return [finding.rule for finding in findings]


def turn_rules(call: CallResult) -> dict[int, list[str]]:
    """Rule ids by turn number, for the turns that have findings."""
    return {turn.number: rules(turn.findings) for turn in call.turns if turn.findings}


def kinds(turns: Iterable[Turn]) -> list[str]:
    return [turn.callback.kind.value for turn in turns]


@dataclass
class RecordingTransport(httpx.AsyncBaseTransport):
    """Forwards to ``inner`` (the example bot by default) and keeps every request it saw."""

    inner: httpx.AsyncBaseTransport = field(default_factory=example_bot_transport)
    requests: list[httpx.Request] = field(default_factory=list)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        self.requests.append(request)
        return await self.inner.handle_async_request(request)


@dataclass
class ReplacingTransport(httpx.AsyncBaseTransport):
    """The example bot, except that request number ``n`` (1-based) is answered by ``handler``."""

    replace: dict[int, Handler]
    inner: httpx.AsyncBaseTransport = field(default_factory=example_bot_transport)
    count: int = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.count += 1
        handler = self.replace.get(self.count)
        if handler is not None:
            return handler(request)
        return await self.inner.handle_async_request(request)
