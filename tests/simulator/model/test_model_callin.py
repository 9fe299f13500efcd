"""The first callback of an inbound call and how its answer starts (or rejects) the call."""

from __future__ import annotations

import json

from model_driver import CALL_ID, EPOCH_MS, answer, data, drive, run_call, scenario

from vcall.simulator.fixture.scenario import EndReason, Say, Silence, Wait
from vcall.simulator.model import CallSession
from vcall.simulator.spec import CallbackKind


def test_callin_carries_caller_callee_and_partner_id_without_orgcallee_when_unset() -> None:
    """Real traffic (SPEC-NOTES §2): a callin carries an undocumented 15-digit partnerId and no
    orgcallee when the call was not forwarded."""
    call = run_call(scenario(), [answer()])
    callin = call.callbacks[0]
    assert callin.kind is CallbackKind.CALLIN
    assert dict(callin.content) == {
        "caller": "13800138000",
        "callee": "057126880000",
        "partnerId": "100000012345001",
    }
    assert (callin.at_ms, callin.timestamp_ms, callin.step_index) == (0, EPOCH_MS, None)


def test_callin_carries_orgcallee_when_the_call_was_forwarded() -> None:
    call = run_call(scenario(orgcallee="057126881111"), [answer()])
    assert call.callbacks[0].content["orgcallee"] == "057126881111"


def test_params_are_the_four_request_parameters_with_compact_utf8_json() -> None:
    call = run_call(scenario(Say("你好", 1000)), [answer()])
    params = call.callbacks[1].params()
    assert set(params) == {"call_id", "timestamp", "content_type", "content"}
    assert params["call_id"] == CALL_ID
    assert params["timestamp"] == str(EPOCH_MS + 1800)
    assert params["content_type"] == "normal"
    assert '"words":"你好"' in params["content"]
    assert json.loads(params["content"])["words"] == "你好"


def test_answer_starts_the_opening_playback_at_once() -> None:
    session = CallSession(scenario(), call_id=CALL_ID, start_epoch_ms=EPOCH_MS)
    drive(session.start(), lambda _: answer("welcome.wav,intro.wav"))
    playing = session.state.playing
    assert playing is not None
    assert playing.codes == ("welcome.wav", "intro.wav")
    assert (playing.started_ms, playing.ends_ms, playing.current_code) == (0, 6000, "welcome.wav")
    assert session.state.answered


def test_hangup_at_callin_rejects_the_call_and_later_steps_send_nothing() -> None:
    call = run_call(scenario(Say("喂？", 1000), Silence(30_000)), [data("hangup")])
    assert call.kinds() == [CallbackKind.CALLIN]
    state = call.session.state
    assert (state.ended, state.end_reason, state.answered, state.now_ms) == (
        True,
        EndReason.BOT_HANGUP,
        False,
        0,
    )


def test_an_unusable_callin_answer_leaves_the_call_unanswered() -> None:
    call = run_call(scenario(Say("喂？", 1000)), [None])
    assert call.session.state.end_reason is EndReason.ENDPOINT_FAILED
    assert "no usable answer to callin: the call is not answered" in call.messages()


def test_callin_answered_with_play_is_answered_with_a_note() -> None:
    call = run_call(scenario(Wait()), [data("play", action_code="welcome.wav")])
    assert call.session.state.answered
    assert call.session.state.now_ms == 3000
    assert any("answered as with answer" in message for message in call.messages())


def test_record_flag_adds_record_begin_time_as_a_string() -> None:
    """Seed 001 types record_begin_time Long; real traffic sends a string (SPEC-NOTES §2)."""
    call = run_call(scenario(Say("你好", 1000)), [answer(record_flag="true")])
    normal = call.of(CallbackKind.NORMAL)[0]
    assert normal.content["record_begin_time"] == str(EPOCH_MS)
    assert call.session.state.recording


def test_without_record_flag_there_is_no_record_begin_time() -> None:
    call = run_call(scenario(Say("你好", 1000)), [answer()])
    assert "record_begin_time" not in call.of(CallbackKind.NORMAL)[0].content
    assert not call.session.state.recording


def test_begin_time_of_an_inbound_call_is_unix_seconds() -> None:
    """Real traffic (SPEC-NOTES §2): begin_time is the call start in Unix seconds, 10 digits."""
    call = run_call(scenario(Say("你好", 1000)), [answer()])
    assert call.of(CallbackKind.NORMAL)[0].content["begin_time"] == str(EPOCH_MS // 1000)


def test_callin_only_settings_in_a_later_answer_are_ignored_with_a_note() -> None:
    later = data("play", action_code="a.wav", session_timeout=10, record_flag=True)
    call = run_call(scenario(Say("你好", 1000), Silence(20_000)), [answer(), later])
    state = call.session.state
    assert (state.session_timeout_s, state.recording) == (3600, False)
    assert "session_timeout ignored: only the callin answer sets it" in call.messages()
    assert "record_flag ignored: only the callin answer sets it" in call.messages()
