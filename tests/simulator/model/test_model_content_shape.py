"""Callback content as real traffic shows it (SPEC-NOTES §2: a capture from the live platform,
2022): every value a string, begin_time in Unix seconds inbound, partnerId at callin, offsets
consistent with the Unix times. Outbound begin_time in ms (vendor docs 112703, 182025)."""

from __future__ import annotations

import dataclasses

import pytest
from model_driver import CALL_ID, EPOCH_MS, Call, answer, data, drive, run_call, scenario

from vcall.simulator.fixture.scenario import Direction, Say, Silence, Wait
from vcall.simulator.model import Callback, CallSession
from vcall.simulator.spec import CALLBACK_KINDS, BeginTime, CallbackKind


def respond(callback: Callback) -> dict[str, object]:
    words = str(callback.content.get("words", ""))
    if callback.kind is CallbackKind.CALLIN:
        return answer(record_flag=True, mute_time=3000)
    if words.startswith("我想查"):
        return data("play", action_code="reply.wav", action_code_time_break=1000, dynamic_id="d1")
    if words == "菜单":
        return data("dtmf", action_code="menu.wav", dtmf_max_numbers=1)
    return data("donothing")


def full_call() -> Call:
    """Every kind of callback: callin, normal (recording), timebreak, mute, dtmf."""
    scene = scenario(
        Wait(),
        Say("我想查一下快递", 1500),
        Say("等一下我还没说完呢", 3000),
        Silence(6000),
        Say("菜单", 800),
        Silence(5000),
        media={"welcome.wav": 2000, "reply.wav": 5000, "menu.wav": 1000},
    )
    return run_call(scene, respond)


def test_every_content_value_of_every_kind_is_a_string() -> None:
    """The capture: record_begin_time too (seed 001 types it Long)."""
    call = full_call()
    seen = {callback.kind for callback in call.callbacks}
    assert {CallbackKind.CALLIN, CallbackKind.NORMAL, CallbackKind.TIMEBREAK} <= seen
    assert {CallbackKind.MUTE, CallbackKind.DTMF} <= seen
    for callback in call.callbacks:
        assert all(type(value) is str for value in callback.content.values()), callback
        known = {field.name for field in CALLBACK_KINDS[callback.kind].fields}
        assert set(callback.content) <= known, callback.kind


def test_offsets_agree_with_the_unix_times() -> None:
    """Capture: asr_begin_time − record_begin_time ≈ begin_offset (18364 vs 18450)."""
    normal = full_call().of(CallbackKind.NORMAL)[0].content
    record = int(normal["record_begin_time"])
    assert int(normal["asr_begin_time"]) - record == int(normal["begin_offset"])
    assert int(normal["asr_end_time"]) - record == int(normal["end_offset"])
    assert int(normal["begin_offset"]) <= int(normal["end_offset"])


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        (None, str(EPOCH_MS // 1000)),
        (BeginTime.SECONDS, str(EPOCH_MS // 1000)),
        (BeginTime.MS, str(EPOCH_MS)),
        (BeginTime.DATETIME, "2025-11-21 12:40:00"),
    ],
)
def test_begin_time_style_from_the_fixture(style: BeginTime | None, expected: str) -> None:
    scene = scenario(Say("你好", 1000))
    scene = dataclasses.replace(scene, call=dataclasses.replace(scene.call, begin_time=style))
    normal = run_call(scene, [answer()]).of(CallbackKind.NORMAL)[0]
    assert normal.content["begin_time"] == expected


def test_the_run_s_begin_time_wins_over_the_fixture() -> None:
    """``--begin-time`` (SimulationConfig.begin_time) reaches the session."""
    scene = scenario(Say("你好", 1000))
    scene = dataclasses.replace(
        scene, call=dataclasses.replace(scene.call, begin_time=BeginTime.DATETIME)
    )
    session = CallSession(scene, call_id=CALL_ID, start_epoch_ms=EPOCH_MS, begin_time=BeginTime.MS)
    drive(session.start(), lambda _: answer())
    [normal] = drive(session.play_step(scene.steps[0]), lambda _: data("donothing"))
    assert normal.content["begin_time"] == str(EPOCH_MS)


def test_outbound_begin_time_is_unix_ms() -> None:
    """Vendor docs 112703 and 182025: ms for outbound calls."""
    scene = scenario(
        Say("喂你好", 1000), direction=Direction.OUTBOUND, smartcall={"VoiceCode": "hi.wav"}
    )
    normal = run_call(scene, [data("donothing")]).of(CallbackKind.NORMAL)[0]
    assert normal.content["begin_time"] == str(EPOCH_MS)


def test_partner_id_is_configurable_and_can_be_left_out() -> None:
    scene = scenario()
    custom = dataclasses.replace(scene, call=dataclasses.replace(scene.call, partner_id="123"))
    assert run_call(custom, [answer()]).callbacks[0].content["partnerId"] == "123"
    none = dataclasses.replace(scene, call=dataclasses.replace(scene.call, partner_id=""))
    assert "partnerId" not in run_call(none, [answer()]).callbacks[0].content
