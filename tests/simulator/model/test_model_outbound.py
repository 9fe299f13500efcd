"""Outbound calls: SmartCall settings, the opening at the answer, early media."""

from __future__ import annotations

from typing import Any

from model_driver import Call, data, run_call, scenario

from vcall.simulator.fixture.scenario import Action, Direction, EndReason, Hangup, Say, Silence
from vcall.simulator.model import TimelineKind
from vcall.simulator.spec import EARLY_MEDIA_CODE, CallbackKind

SMARTCALL = {
    "VoiceCode": "opening.wav,$name$",
    "VoiceCodeParam": '{"name": "张先生"}',
    "MuteTime": "5000",
    "PauseTime": "500",
    "DynamicId": "campaign-7",
    "RecordFlag": "True",
    "SessionTimeout": "60",
}
OPENING_MS = 3000 + 3 * 250


def outbound(*steps: Action, answers: Any = (), **smartcall: Any) -> Call:
    settings = {**SMARTCALL, **smartcall}
    return run_call(scenario(*steps, direction=Direction.OUTBOUND, smartcall=settings), answers)


def test_no_callin_and_the_opening_plays_with_smartcall_settings() -> None:
    call = outbound(Silence(10_000))
    assert call.kinds() == [CallbackKind.MUTE]
    mute = call.of(CallbackKind.MUTE)[0]
    assert (mute.at_ms, dict(mute.content)) == (OPENING_MS + 5000, {"dynamic_id": "campaign-7"})
    state = call.session.state
    assert (state.pause_time_ms, state.session_timeout_s, state.recording) == (500, 60, True)


def test_the_opening_is_not_breakable_when_action_code_break_is_false() -> None:
    steps = (Say("喂，你好", 1000),)
    answers = [data("break")]
    call = outbound(*steps, answers=answers, ActionCodeBreak="false", ActionCodeTimeBreak="800")
    assert "no timebreak: opening.wav,$name$ is not breakable" in call.messages()
    assert "break ignored: opening.wav,$name$ is not breakable" in call.messages()
    assert call.of(CallbackKind.NORMAL)[0].at_ms == 1000 + 500


def test_the_opening_time_break_gives_a_timebreak() -> None:
    call = outbound(Say("喂，你是谁", 2000), ActionCodeTimeBreak=800)
    assert call.kinds() == [CallbackKind.TIMEBREAK, CallbackKind.NORMAL]
    assert call.of(CallbackKind.TIMEBREAK)[0].content["current_media_code"] == "opening.wav"


def test_early_media_is_recognised_when_early_media_asr_is_on() -> None:
    early = Say("您拨打的电话已关机", 2000, early_media=True)
    call = outbound(early, Say("喂", 500), answers=[data("hangup")], EarlyMediaAsr="true")
    normal = call.of(CallbackKind.NORMAL)
    assert len(normal) == 1
    content = normal[0].content
    assert normal[0].at_ms == 2000 + 500
    assert (content["current_media_code"], content["is_playing"]) == (EARLY_MEDIA_CODE, "false")
    assert "play_begin_time" not in content
    assert content["dynamic_id"] == "campaign-7"
    state = call.session.state
    assert (state.end_reason, state.answered, state.now_ms) == (EndReason.BOT_HANGUP, False, 2500)


def test_early_media_gives_no_callback_when_early_media_asr_is_off() -> None:
    call = outbound(Say("您拨打的电话正在通话中", 2000, early_media=True), Silence(5000))
    assert CallbackKind.NORMAL not in call.kinds()
    assert "early media not recognised (EarlyMediaAsr is off): no callback" in call.messages()
    opening = next(e for e in call.session.timeline if e.kind is TimelineKind.PLAYBACK)
    assert (opening.label, opening.start_ms) == ("opening.wav", 2000)


def test_playing_before_the_answer_is_ignored() -> None:
    early = Say("喂喂", 1000, early_media=True)
    call = outbound(early, answers=[data("play", action_code="a.wav")], EarlyMediaAsr=True)
    assert "play ignored: the call is not answered yet" in call.messages()


def test_the_session_timeout_counts_from_the_answer() -> None:
    early = Say("嘟", 2000, early_media=True)
    call = outbound(early, Silence(60_000), SessionTimeout="10")
    state = call.session.state
    assert (state.end_reason, state.now_ms) == (EndReason.SESSION_TIMEOUT, 12_000)


def test_pause_time_after_smartcall_is_ignored() -> None:
    answers = [data("play", action_code="a.wav", pause_time=1000)]
    call = outbound(Say("你好", 1000), answers=answers)
    assert "pause_time ignored: only the first setting counts" in call.messages()
    assert call.session.state.pause_time_ms == 500


def test_out_of_range_smartcall_values_fall_back_with_a_note() -> None:
    call = outbound(Silence(20_000), MuteTime=50_000, PauseTime=100)
    assert call.session.state.mute_time_ms == 10_000
    assert call.session.state.pause_time_ms == 800
    assert "MuteTime 50000 is outside 1000–20000: the platform uses 10000" in call.messages()


def test_a_call_never_answered_ends_with_the_scenario() -> None:
    call = outbound()
    state = call.session.state
    assert (state.end_reason, state.answered, state.now_ms) == (
        EndReason.END_OF_SCENARIO,
        False,
        0,
    )
    assert "the call was never answered" in call.messages()


def test_hanging_up_before_the_answer() -> None:
    call = outbound(Hangup())
    assert (call.session.state.end_reason, call.session.state.answered) == (
        EndReason.CALLER_HANGUP,
        False,
    )


def test_early_media_flag_on_an_inbound_call_is_ignored_with_a_note() -> None:
    call = run_call(
        scenario(Say("喂", 1000, early_media=True)), [data("answer", action_code="a.wav")]
    )
    assert "early_media ignored: an inbound call has no early media" in call.messages()
    assert call.of(CallbackKind.NORMAL)[0].content["current_media_code"] == "a.wav"
