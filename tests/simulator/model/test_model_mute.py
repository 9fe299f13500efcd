"""mute: silence of mute_time once nothing plays, repeated in a long silence."""

from __future__ import annotations

from model_driver import Call, answer, data, run_call, scenario

from vcall.simulator.fixture.scenario import Silence
from vcall.simulator.spec import CallbackKind


def mute_times(call: Call) -> list[int]:
    return [callback.at_ms for callback in call.of(CallbackKind.MUTE)]


def test_mute_comes_mute_time_after_the_playback_ends() -> None:
    call = run_call(scenario(Silence(20_000)), [answer()])
    assert mute_times(call) == [3000 + 10_000]
    assert call.per_step[0][-1].kind is CallbackKind.MUTE


def test_mutes_repeat_in_a_long_silence() -> None:
    call = run_call(scenario(Silence(40_000)), [answer()])
    assert mute_times(call) == [13_000, 23_000, 33_000]


def test_mute_at_the_very_end_of_the_silence_belongs_to_the_step() -> None:
    call = run_call(scenario(Silence(13_000)), [answer()])
    assert [callback.kind for callback in call.per_step[0]] == [CallbackKind.MUTE]


def test_mute_time_from_an_answer_is_used_even_as_a_string() -> None:
    call = run_call(scenario(Silence(12_000)), [answer(mute_time="5000")])
    assert mute_times(call) == [3000 + 5000]
    assert call.session.state.mute_time_ms == 5000


def test_mute_time_out_of_range_falls_back_to_10000() -> None:
    call = run_call(scenario(Silence(20_000)), [answer(mute_time=500)])
    assert mute_times(call) == [13_000]
    assert "mute_time 500 is outside 1000–20000: the platform uses 10000" in call.messages()


def test_mute_timer_restarts_after_the_answers_playback_ends() -> None:
    answers = [answer(), data("play", action_code="prompt.wav")]
    call = run_call(scenario(Silence(30_000)), answers)
    assert mute_times(call) == [13_000, 13_000 + 3000 + 10_000]


def test_a_new_mute_time_applies_to_the_next_mute() -> None:
    answers = [answer(), data("donothing", mute_time=2000)]
    call = run_call(scenario(Silence(17_000)), answers)
    assert mute_times(call) == [13_000, 15_000, 17_000]


def test_no_mute_while_a_dtmf_collection_is_pending() -> None:
    answers = [answer(), data("dtmf", dtmf_nonin_overtime=10)]
    call = run_call(scenario(Silence(30_000)), answers)
    assert call.kinds() == [CallbackKind.CALLIN, CallbackKind.MUTE, CallbackKind.DTMF]
    assert call.of(CallbackKind.DTMF)[0].at_ms == 23_000
