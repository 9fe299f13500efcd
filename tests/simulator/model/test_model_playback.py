"""Playbacks: durations, barge-in rules, break/continue, and the actions that end the call."""

from __future__ import annotations

from model_driver import answer, data, run_call, scenario

from vcall.simulator.fixture.scenario import EndReason, Hangup, Say, Silence, Wait
from vcall.simulator.model import TimelineKind
from vcall.simulator.spec import CallbackKind

SAY = Say("你好", 1000)
"""Ends at 1000; its normal comes at 1800 (default pause_time)."""


def playbacks(call_timeline: list) -> list[tuple[str, int, int | None, bool]]:
    return [
        (event.label, event.start_ms, event.end_ms, bool(event.detail.get("interrupted")))
        for event in call_timeline
        if event.kind is TimelineKind.PLAYBACK
    ]


def test_durations_come_from_the_media_table_by_code_or_tts_text() -> None:
    media = {"welcome.wav": 1200, "张先生您好": 900}
    opening = answer("welcome.wav,$name$,other.wav", action_code_param={"name": "张先生您好"})
    call = run_call(scenario(Wait(), media=media), [opening])
    assert playbacks(call.session.timeline) == [
        ("welcome.wav", 0, 1200, False),
        ("张先生您好", 1200, 2100, False),
        ("other.wav", 2100, 5100, False),
    ]


def test_tts_text_is_estimated_by_length_and_params_may_be_a_json_string() -> None:
    opening = answer("$greeting$", action_code_param='{"greeting": "您好，请问有什么可以帮您"}')
    call = run_call(scenario(Wait()), [opening])
    assert call.session.state.now_ms == 12 * 250
    label = playbacks(call.session.timeline)[0][0]
    assert label == "您好，请问有什么可以帮您"


def test_current_media_code_of_a_tts_item_is_the_item_as_written() -> None:
    opening = answer("$name$", action_code_param={"name": "张先生您好"})
    call = run_call(scenario(Say("喂", 200)), [opening])
    assert call.of(CallbackKind.NORMAL)[0].content["current_media_code"] == "$name$"


def test_a_tts_variable_without_a_value_is_noted() -> None:
    call = run_call(scenario(Wait()), [answer("$name$")])
    assert any("$name$ has no value" in message for message in call.messages())


def test_a_new_play_interrupts_a_breakable_playback() -> None:
    call = run_call(scenario(SAY, Wait()), [answer(), data("play", action_code="reply.wav")])
    assert playbacks(call.session.timeline) == [
        ("welcome.wav", 0, 1800, True),
        ("reply.wav", 1800, 4800, False),
    ]


def test_action_break_false_queues_the_new_playback() -> None:
    reply = data("play", action_code="reply.wav", action_break="false")
    call = run_call(scenario(SAY), [answer(), reply], finish=False)
    state = call.session.state
    assert state.playing is not None and state.playing.codes == ("welcome.wav",)
    assert [(info.codes, info.started_ms, info.ends_ms) for info in state.queued] == [
        (("reply.wav",), 3000, 6000)
    ]
    assert "play queued after welcome.wav: action_break is false" in call.messages()


def test_action_code_break_wins_over_action_break() -> None:
    opening = answer(action_code_break=False)
    reply = data("play", action_code="reply.wav", action_break=True)
    call = run_call(scenario(SAY, Wait()), [opening, reply])
    assert "play queued after welcome.wav: action_code_break is false" in call.messages()
    assert playbacks(call.session.timeline) == [
        ("welcome.wav", 0, 3000, False),
        ("reply.wav", 3000, 6000, False),
    ]


def test_break_ignored_when_the_playback_is_not_breakable() -> None:
    call = run_call(scenario(SAY), [answer(action_code_break="False"), data("break")], finish=False)
    assert "break ignored: welcome.wav is not breakable" in call.messages()
    assert call.session.state.playing is not None


def test_break_stops_a_breakable_playback() -> None:
    call = run_call(scenario(SAY), [answer(), data("break")], finish=False)
    assert call.session.state.playing is None
    assert playbacks(call.session.timeline) == [("welcome.wav", 0, 1800, True)]


def test_continue_and_donothing_keep_the_playback() -> None:
    for action in ("continue", "donothing"):
        call = run_call(scenario(SAY), [answer(), data(action)], finish=False)
        assert call.session.state.playing is not None


def test_wait_without_duration_lasts_until_the_queue_has_played() -> None:
    reply = data("play", action_code="reply.wav", action_break=False)
    call = run_call(scenario(SAY, Wait()), [answer(), reply], finish=False)
    assert call.session.state.now_ms == 6000
    assert call.session.state.playing is None


def test_hangup_plays_its_goodbye_then_ends_the_call() -> None:
    goodbye = data("hangup", action_code="goodbye.wav")
    call = run_call(scenario(SAY, Say("还有一个问题", 1000), Silence(20_000)), [answer(), goodbye])
    state = call.session.state
    assert (state.end_reason, state.now_ms) == (EndReason.BOT_HANGUP, 1800 + 3000)
    assert call.kinds() == [CallbackKind.CALLIN, CallbackKind.NORMAL]
    assert "no normal callback: the call is ending (bot_hangup)" in call.messages()


def test_hangup_without_action_code_ends_at_once() -> None:
    call = run_call(scenario(SAY, Silence(5000)), [answer(), data("hangup")])
    assert (call.session.state.end_reason, call.session.state.now_ms) == (
        EndReason.BOT_HANGUP,
        1800,
    )


def test_caller_hanging_up_during_the_goodbye_keeps_the_bots_reason() -> None:
    goodbye = data("hangup", action_code="goodbye.wav")
    call = run_call(scenario(SAY, Hangup()), [answer(), goodbye])
    assert call.session.state.end_reason is EndReason.BOT_HANGUP
    assert call.session.state.now_ms == 1800


def test_transfer_plays_then_hands_the_call_to_number() -> None:
    transfer = data("transfer", action_code="transfer.wav", number="13911112222")
    call = run_call(scenario(SAY, Wait()), [answer(), transfer])
    state = call.session.state
    assert (state.end_reason, state.transfer_number, state.now_ms) == (
        EndReason.TRANSFER,
        "13911112222",
        4800,
    )


def test_parallel_transfer_plays_then_ends() -> None:
    transfer = data("parallel_transfer", action_code="hold.wav", number="10086")
    call = run_call(scenario(SAY, Wait()), [answer(), transfer])
    assert (call.session.state.end_reason, call.session.state.now_ms) == (
        EndReason.PARALLEL_TRANSFER,
        4800,
    )


def test_play_without_action_code_plays_nothing_with_a_note() -> None:
    call = run_call(scenario(Wait(), SAY), [answer(), data("play")], finish=False)
    assert call.session.state.playing is None
    assert "play without action_code: nothing to play" in call.messages()


def test_unknown_action_is_treated_as_donothing() -> None:
    call = run_call(scenario(SAY), [answer(), data("sing")], finish=False)
    assert "unknown action 'sing': treated as donothing" in call.messages()
    assert call.session.state.playing is not None
