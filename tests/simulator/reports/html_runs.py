"""Calls for the HTML report tests: real runs against a broken example bot, and a crowded call.

The bot is the example bot's answers behind a WSGI app, except that every answer to a ``dtmf``
callback loses ``data.call_id`` (an error) and gets ``tts_speed: 900`` (an error and a warning).
So of the three shipped fixtures run here, the DTMF menu fails and the other two pass.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

from vcall.simulator.example_bot import respond
from vcall.simulator.fixture.loader import load_scenario
from vcall.simulator.replay.engine import SimulationConfig, simulate
from vcall.simulator.replay.results import CallResult, RunResult
from vcall.simulator.replay.targets import app_target

PASSING = ("barge_in_timebreak.yaml", "silence_reprompt_hangup.yaml")
FAILING = "dtmf_menu_hash_terminated.yaml"
StartResponse = Callable[[str, list[tuple[str, str]]], Any]


def broken_bot(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    size = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(size)
    query = environ.get("QUERY_STRING", "").encode()
    status, envelope = respond(query, body, environ.get("CONTENT_TYPE", ""))
    if b"content_type=dtmf" in body + query:
        envelope["data"].pop("call_id", None)
        envelope["data"]["tts_speed"] = 900
    start_response(f"{status} X", [("Content-Type", "application/json; charset=utf-8")])
    return [json.dumps(envelope, ensure_ascii=False).encode()]


def shipped_fixture(name: str) -> Path:
    return Path(str(resources.files("vcall.fixtures").joinpath(name)))


def broken_run(*names: str, strict: bool = False) -> RunResult:
    """The named shipped fixtures (default: the two passing ones, then the failing one)."""
    chosen = names or (*PASSING, FAILING)
    scenarios = [load_scenario(shipped_fixture(name)) for name in chosen]
    target = app_target("broken bot", broken_bot)
    return simulate(scenarios, target, SimulationConfig(seed=3, strict=strict))


def crowded_call() -> CallResult:
    """The sample ``order`` call with its last three callbacks 150 ms apart in a one-minute call:
    their labels must not be drawn on top of each other."""
    from report_samples import order_call

    call = order_call()
    turns = tuple(
        replace(turn, callback=replace(turn.callback, at_ms=30_000 + 150 * turn.number))
        if turn.number > 1
        else turn
        for turn in call.turns
    )
    return replace(call, turns=turns, duration_ms=60_000)
