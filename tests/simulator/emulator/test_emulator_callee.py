"""The scenario a SmartCall request becomes: polite callee or fixture steps, the request's
numbers and SmartCall settings."""

from __future__ import annotations

from vcall.simulator.emulator import build_call_scenario, polite_callee_steps
from vcall.simulator.fixture.scenario import (
    CallSettings,
    Direction,
    Expectation,
    Say,
    Scenario,
    Step,
    Wait,
)

PARAMS = {
    "CalledNumber": "13800138000",
    "CalledShowNumber": "057126880000",
    "VoiceCode": "welcome.wav",
    "MuteTime": "5000",
    "Unknown": "x",
}


def test_the_polite_callee_waits_talks_answers_and_says_goodbye() -> None:
    steps = polite_callee_steps()
    assert isinstance(steps[0].action, Wait) and steps[0].action.duration_ms is None
    said = [s.action.words for s in steps if isinstance(s.action, Say)]
    assert len(said) == 3 and "方便" in said[0] and "再见" in said[-1]
    assert [s.index for s in steps] == list(range(len(steps)))


def test_without_a_fixture_the_call_is_outbound_with_the_received_settings() -> None:
    scenario = build_call_scenario(PARAMS)
    assert scenario.call.direction is Direction.OUTBOUND
    assert (scenario.call.caller, scenario.call.callee) == ("057126880000", "13800138000")
    assert dict(scenario.call.smartcall) == {k: v for k, v in PARAMS.items() if k != "Unknown"}
    assert scenario.steps == polite_callee_steps()
    assert "13800138000" in scenario.name


def test_a_fixture_keeps_its_steps_and_loses_its_own_smartcall_and_answer() -> None:
    step = Step(Say("不需要，谢谢"), index=0, line=12)
    fixture = Scenario(
        name="拒绝",
        steps=(step,),
        call=CallSettings(direction=Direction.INBOUND, smartcall={"VoiceCode": "other.wav"}),
        answer=Expectation(),
        media={"welcome.wav": 2000},
        tags=("mine",),
        file="callee.yaml",
    )
    scenario = build_call_scenario(PARAMS, fixture)
    assert scenario.steps == (step,)
    assert scenario.call.smartcall["VoiceCode"] == "welcome.wav"
    assert scenario.call.direction is Direction.OUTBOUND
    assert scenario.answer is None
    assert (scenario.media, scenario.file, scenario.name) == (fixture.media, "callee.yaml", "拒绝")
    assert scenario.tags == ("mine", "emulator")
