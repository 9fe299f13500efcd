"""Accepted calls are played by the platform model against the callback target, in the
background, with the request's parameters; results are kept and reported."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from pathlib import Path

import httpx
import pytest
from emulator_helpers import CALL, Harness

from vcall.simulator.emulator import EmulatorProblem
from vcall.simulator.emulator import calls as calls_module
from vcall.simulator.fixture.loader import load_scenario
from vcall.simulator.fixture.scenario import Direction, EndReason
from vcall.simulator.replay.engine import CallFinished, CallStarted, TurnDone
from vcall.simulator.replay.targets import resolve_target
from vcall.simulator.spec import CallbackKind

ROOT = Path(__file__).resolve().parents[3]
DECLINES = ROOT / "fixtures" / "outbound_callee_declines.yaml"


def test_the_api_answers_before_the_call_is_played() -> None:
    harness = Harness()

    async def go() -> tuple[str, int, int]:
        response = await harness.send(harness.request())
        finished_when_answered = harness.emulator.calls.finished
        await harness.emulator.calls.wait_finished(1)
        await harness.emulator.aclose()
        return response.json()["CallId"], finished_when_answered, harness.emulator.calls.finished

    call_id, before, after = asyncio.run(go())
    assert (before, after) == (0, 1)
    (result,) = harness.emulator.calls.results
    assert result.call_id == call_id


def test_the_polite_callee_talks_to_the_example_bot() -> None:
    harness = Harness()
    params = {**CALL, "DynamicId": "campaign-7", "MuteTime": 5000}
    harness.exchange(harness.request(params))
    (result,) = harness.emulator.calls.results
    assert result.scenario.call.direction is Direction.OUTBOUND
    assert result.findings == ()
    assert result.end_reason is EndReason.BOT_HANGUP
    first, second = result.turns
    assert first.callback.kind is CallbackKind.NORMAL
    assert first.callback.content["dynamic_id"] == "campaign-7"  # from the API call
    assert first.callback.content["words"] == "喂，你好，方便的，你说吧"
    assert first.action == "play"
    assert second.action == "hangup"
    kinds = [type(e) for e in harness.events]
    assert kinds.index(CallStarted) > 0 and kinds[-1] is CallFinished
    assert kinds.count(TurnDone) == 2


def test_the_call_uses_the_received_parameters_as_smartcall_settings() -> None:
    harness = Harness()
    params = {**CALL, "RecordFlag": "True", "PauseTime": 600, "OutId": "order-1"}
    harness.exchange(harness.request(params, signature="v1"))
    (result,) = harness.emulator.calls.results
    smartcall = dict(result.scenario.call.smartcall)
    assert smartcall == {
        "CalledNumber": "13800138000",
        "CalledShowNumber": "057126880000",
        "OutId": "order-1",
        "PauseTime": "600",
        "RecordFlag": "True",
        "VoiceCode": "$name$,survey_opening.wav",
        "VoiceCodeParam": '{"name":"张先生"}',
    }
    assert (result.scenario.call.callee, result.scenario.call.caller) == (
        "13800138000",
        "057126880000",
    )


def test_a_fixture_gives_the_callee_steps_and_its_expectations() -> None:
    fixture = load_scenario(DECLINES)
    harness = Harness(fixture=fixture)
    harness.exchange(harness.request({**CALL, "DynamicId": "campaign-7"}))
    (result,) = harness.emulator.calls.results
    assert result.scenario.name == fixture.name
    assert result.scenario.steps == fixture.steps
    assert result.scenario.call.smartcall["VoiceCode"] == "$name$,survey_opening.wav"
    assert result.end_reason is EndReason.BOT_HANGUP
    assert result.passed
    assert result.turns[0].callback.content["words"] == "现在不方便，我在开车"


def test_fixture_steps_left_unplayed_are_reported_as_in_simulate() -> None:
    declines = load_scenario(DECLINES)
    longer = dataclasses.replace(declines, steps=(*declines.steps, *declines.steps))
    harness = Harness(fixture=longer)
    harness.exchange(harness.request())
    (result,) = harness.emulator.calls.results
    assert "scenario-steps-unplayed" in {f.rule for f in result.call_findings}


def test_every_call_is_kept_and_the_report_rewritten(tmp_path: Path) -> None:
    report = tmp_path / "emulator.json"
    harness = Harness(report_json=report)
    harness.exchange(harness.request(), harness.request({**CALL, "CalledNumber": "13900139000"}))
    document = json.loads(report.read_text(encoding="utf-8"))
    assert [call["passed"] for call in document["calls"]] == [True, True]
    assert {call["call_id"] for call in document["calls"]} == {
        r.call_id for r in harness.emulator.calls.results
    }
    assert [p.name for p in tmp_path.iterdir()] == ["emulator.json"]  # no temporary files left


def test_a_flood_of_calls_rewrites_the_report_at_most_once_a_second(tmp_path: Path) -> None:
    """Rewriting the whole report after every call is quadratic and starved the event loop."""
    report = tmp_path / "emulator.json"
    harness = Harness(report_json=report)
    numbers = [f"1390013{index:04d}" for index in range(40)]
    requests = [harness.request({**CALL, "CalledNumber": number}) for number in numbers]
    started = time.monotonic()
    harness.exchange(*requests)
    elapsed = time.monotonic() - started
    assert harness.emulator.calls.reports_written <= 2 + elapsed / calls_module.REPORT_INTERVAL_S
    document = json.loads(report.read_text(encoding="utf-8"))
    assert len(document["calls"]) == 40  # the last write has every call


def test_an_unreachable_callback_url_does_not_break_the_api() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    client = httpx.AsyncClient(transport=httpx.MockTransport(refuse))
    harness = Harness(client, target=resolve_target("http://127.0.0.1:9/callback"))
    (response,) = harness.exchange(harness.request())
    assert response.json()["Code"] == "OK"
    (result,) = harness.emulator.calls.results
    assert result.unreachable
    assert result.end_reason is EndReason.ENDPOINT_FAILED


def test_a_call_that_cannot_be_played_is_reported_not_raised(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("model exploded")

    monkeypatch.setattr(calls_module, "play", broken)
    harness = Harness()
    (response,) = harness.exchange(harness.request())
    assert response.json()["Code"] == "OK"
    problems = [e for e in harness.events if isinstance(e, EmulatorProblem)]
    assert len(problems) == 1 and "model exploded" in problems[0].message
    assert harness.emulator.calls.finished == 1


def test_closing_stops_calls_under_way() -> None:
    harness = Harness()

    async def go() -> int:
        await harness.send(harness.request())
        await harness.emulator.aclose()
        return harness.emulator.calls.finished

    asyncio.run(go())
    assert harness.emulator.calls.results == []


def test_lifespan_shutdown_closes_the_emulator() -> None:
    harness = Harness()
    messages = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])
    sent: list[str] = []

    async def receive() -> dict[str, str]:
        return next(messages)

    async def send(message: dict[str, str]) -> None:
        sent.append(message["type"])

    asyncio.run(harness.emulator({"type": "lifespan"}, receive, send))  # type: ignore[arg-type]
    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
