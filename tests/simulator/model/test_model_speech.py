"""Caller speech: normal callbacks after pause_time, barge-in timing, timebreak, dynamic_id."""

from __future__ import annotations

from model_driver import EPOCH_MS, answer, data, run_call, scenario

from vcall.simulator.fixture.scenario import BargeIn, Say, Silence, Wait
from vcall.simulator.model import TimelineKind
from vcall.simulator.spec import CALLER_ROLE, CallbackKind


def test_normal_comes_pause_time_after_the_caller_stops_talking() -> None:
    call = run_call(scenario(Wait(), Say("我想查一下订单", 1500)), [answer()])
    normal = call.of(CallbackKind.NORMAL)[0]
    assert normal.at_ms == 3000 + 1500 + 800
    assert normal.step_index == 1
    content = normal.content
    assert (content["role"], content["identity"], content["words"]) == (
        CALLER_ROLE,
        "id2",
        "我想查一下订单",
    )
    assert (content["begin_offset"], content["end_offset"]) == ("3000", "4500")
    assert content["asr_begin_time"] == str(EPOCH_MS + 3000)
    assert content["asr_end_time"] == str(EPOCH_MS + 4500)


def test_normal_after_playback_tells_the_last_playback_ended() -> None:
    call = run_call(scenario(Wait(), Say("你好", 1000)), [answer()])
    content = call.of(CallbackKind.NORMAL)[0].content
    assert content["is_playing"] == "false"
    assert "current_media_code" not in content
    assert content["play_begin_time"] == str(EPOCH_MS)
    assert content["play_end_time"] == str(EPOCH_MS + 3000)


def test_normal_during_playback_tells_what_plays_now() -> None:
    call = run_call(scenario(Say("喂", 1000)), [answer("welcome.wav,intro.wav")])
    content = call.of(CallbackKind.NORMAL)[0].content
    assert (content["is_playing"], content["current_media_code"]) == ("true", "welcome.wav")
    assert content["play_end_time"] == "0"
    later = run_call(scenario(Say("喂", 3000)), [answer("welcome.wav,intro.wav")])
    assert later.of(CallbackKind.NORMAL)[0].content["current_media_code"] == "intro.wav"


def test_speaking_duration_is_estimated_from_the_text_when_absent() -> None:
    call = run_call(scenario(Wait(), Say("你好吗")), [answer()])
    content = call.of(CallbackKind.NORMAL)[0].content
    assert int(content["end_offset"]) - int(content["begin_offset"]) == 3 * 220


def test_pause_time_from_the_callin_answer_is_used() -> None:
    call = run_call(scenario(Wait(), Say("你好", 1000)), [answer(pause_time="500")])
    assert call.of(CallbackKind.NORMAL)[0].at_ms == 3000 + 1000 + 500
    assert call.session.state.pause_time_ms == 500


def test_pause_time_is_taken_from_the_first_setting_only() -> None:
    answers = [answer(pause_time=500), data("play", action_code="a.wav", pause_time=1000)]
    steps = (Wait(), Say("你好", 1000), Wait(), Say("再见", 1000))
    call = run_call(scenario(*steps), answers)
    first, second = call.of(CallbackKind.NORMAL)
    assert first.at_ms - int(first.content["end_offset"]) == 500
    assert second.at_ms - int(second.content["end_offset"]) == 500
    assert "pause_time ignored: only the first setting counts" in call.messages()


def test_pause_time_out_of_range_falls_back_to_the_platform_default() -> None:
    call = run_call(scenario(Wait(), Say("你好", 1000)), [answer(pause_time=2000)])
    assert call.of(CallbackKind.NORMAL)[0].at_ms == 3000 + 1000 + 800
    assert "pause_time 2000 is outside 300–1200: the platform uses 800" in call.messages()


def test_speech_over_a_breakable_playback_with_time_break_gives_a_timebreak() -> None:
    opening = answer("welcome.wav", action_code_time_break=1000)
    call = run_call(scenario(Say("等一下，我要转人工", 2000)), [opening, data("break")])
    assert call.kinds() == [CallbackKind.CALLIN, CallbackKind.TIMEBREAK, CallbackKind.NORMAL]
    timebreak = call.of(CallbackKind.TIMEBREAK)[0]
    assert timebreak.at_ms == 1000
    assert dict(timebreak.content) == {
        "current_media_code": "welcome.wav",
        "asr_begin_time": str(EPOCH_MS),
        "play_begin_time": str(EPOCH_MS),
    }
    normal = call.of(CallbackKind.NORMAL)[0].content
    assert (normal["is_playing"], normal["play_end_time"]) == ("false", str(EPOCH_MS + 1000))


def test_speech_without_a_time_break_never_stops_the_playback() -> None:
    opening = answer("welcome.wav", action_code_time_break=0)
    call = run_call(scenario(Say("嗯嗯", 2000)), [opening, data("continue")])
    assert CallbackKind.TIMEBREAK not in call.kinds()
    assert call.of(CallbackKind.NORMAL)[0].content["is_playing"] == "true"


def test_a_timebreak_stops_the_playback() -> None:
    """Seed 002 (ActionCodeTimeBreak): 用户持续说话可以打断当前播放 -- the caller's continuous speech
    interrupts the playback; seed 001 names the callback 按时长打断消息. The next normal says
    nothing plays, and the playback ended when the timebreak fired."""
    opening = answer("welcome.wav", action_code_time_break=1000)
    call = run_call(scenario(Say("嗯嗯", 2000)), [opening, data("donothing")])
    timebreak = call.of(CallbackKind.TIMEBREAK)[0]
    assert (timebreak.at_ms, timebreak.content["current_media_code"]) == (1000, "welcome.wav")
    normal = call.of(CallbackKind.NORMAL)[0].content
    assert (normal["is_playing"], normal["play_end_time"]) == ("false", str(EPOCH_MS + 1000))
    assert "current_media_code" not in normal


def test_after_a_timebreak_the_answer_decides_what_plays() -> None:
    opening = answer("welcome.wav", action_code_time_break=1000)
    reply = data("play", action_code="sorry.wav")
    call = run_call(scenario(Say("嗯嗯", 2000)), [opening, reply])
    normal = call.of(CallbackKind.NORMAL)[0].content
    assert (normal["is_playing"], normal["current_media_code"]) == ("true", "sorry.wav")


def test_a_timebreak_drops_what_was_queued_after_the_playback() -> None:
    opening = answer("welcome.wav", action_code_time_break=1000)
    queued = data("play", action_code="next.wav", action_break="false")
    call = run_call(
        scenario(Say("你好", 500), BargeIn("等一下等一下", 0, 2000)),
        [opening, queued, data("donothing")],
    )
    assert "queued play next.wav dropped: timebreak stopped welcome.wav" in call.messages()
    assert call.session.state.playing is None


def test_speech_shorter_than_the_time_break_gives_no_timebreak() -> None:
    opening = answer("welcome.wav", action_code_time_break=1500)
    call = run_call(scenario(Say("嗯", 1000)), [opening])
    assert CallbackKind.TIMEBREAK not in call.kinds()


def test_speech_over_a_non_breakable_playback_gives_no_timebreak() -> None:
    opening = answer("welcome.wav", action_code_time_break=500, action_code_break="false")
    call = run_call(scenario(Say("等一下", 2000)), [opening])
    assert call.kinds() == [CallbackKind.CALLIN, CallbackKind.NORMAL]
    assert "no timebreak: welcome.wav is not breakable" in call.messages()


def test_barge_in_starts_after_ms_into_the_current_playback() -> None:
    call = run_call(scenario(BargeIn("等一下", 500, 1000)), [answer()])
    assert call.of(CallbackKind.NORMAL)[0].content["begin_offset"] == "500"
    speech = [event for event in call.session.timeline if event.kind is TimelineKind.SPEECH]
    assert speech[0].detail["barge_in"] is True


def test_barge_in_later_than_after_starts_at_once() -> None:
    call = run_call(scenario(Silence(1000), BargeIn("等一下", 500, 1000)), [answer()])
    assert call.of(CallbackKind.NORMAL)[0].content["begin_offset"] == "1000"


def test_barge_in_with_nothing_playing_waits_after_as_silence() -> None:
    call = run_call(scenario(Wait(), BargeIn("喂", 500, 1000)), [answer()])
    assert call.of(CallbackKind.NORMAL)[0].content["begin_offset"] == "3500"


def test_dynamic_id_is_carried_until_a_new_one_comes() -> None:
    answers = [
        answer(dynamic_id="order"),
        data("play", action_code="a.wav", dynamic_id="pay"),
        data("donothing"),
    ]
    steps = (Say("查订单", 1000), Say("付款", 1000), Silence(20_000))
    call = run_call(scenario(*steps), answers)
    first, second = call.of(CallbackKind.NORMAL)
    mute = call.of(CallbackKind.MUTE)[0]
    assert "dynamic_id" not in call.callbacks[0].content
    assert (first.content["dynamic_id"], second.content["dynamic_id"]) == ("order", "pay")
    assert dict(mute.content) == {"dynamic_id": "pay"}
    assert call.session.state.dynamic_id == "pay"


def test_an_empty_dynamic_id_clears_it() -> None:
    answers = [answer(dynamic_id="order"), data("play", action_code="a.wav", dynamic_id="")]
    call = run_call(scenario(Say("查订单", 1000), Say("好", 1000)), answers)
    assert "dynamic_id" not in call.of(CallbackKind.NORMAL)[1].content


def test_continue_after_a_timebreak_resumes_nothing_and_says_so() -> None:
    opening = answer("welcome.wav", action_code_time_break=1000)
    call = run_call(scenario(Say("嗯嗯", 2000)), [opening, data("continue")])
    assert call.of(CallbackKind.NORMAL)[0].content["is_playing"] == "false"
    assert "continue: nothing is playing (a timebreak stops the playback it reports)" in (
        call.messages()
    )
