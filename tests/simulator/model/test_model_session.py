"""The session as a whole: ends of the call, finish, determinism, no clock, invariants."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from model_driver import CALL_ID, EPOCH_MS, answer, data, drive, run_call, scenario

from vcall.simulator.fixture.scenario import EndReason, Hangup, Press, Say, Silence, Step, Wait
from vcall.simulator.model import CallSession, TimelineKind
from vcall.simulator.spec import CallbackKind


def test_session_timeout_ends_the_call_in_the_middle_of_a_silence() -> None:
    call = run_call(scenario(Silence(60_000), Say("喂", 1000)), [answer(session_timeout="20")])
    state = call.session.state
    assert (state.end_reason, state.now_ms) == (EndReason.SESSION_TIMEOUT, 20_000)
    assert call.kinds() == [CallbackKind.CALLIN, CallbackKind.MUTE]
    assert call.per_step[1] == []


def test_session_timeout_defaults_to_the_platform_maximum() -> None:
    call = run_call(
        scenario(Silence(2 * 3600 * 1000)), lambda cb: answer() if cb.kind == "callin" else None
    )
    assert (call.session.state.end_reason, call.session.state.now_ms) == (
        EndReason.SESSION_TIMEOUT,
        3600 * 1000,
    )


def test_minutes_of_silence_run_instantly_without_sleeping(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_sleep(*_args: Any) -> None:
        raise AssertionError("the model must never sleep")

    monkeypatch.setattr(time, "sleep", no_sleep)
    monkeypatch.setattr(asyncio, "sleep", no_sleep)
    started = time.perf_counter()
    call = run_call(scenario(Silence(30 * 60_000)), [answer()])
    elapsed = time.perf_counter() - started
    mutes = call.of(CallbackKind.MUTE)
    assert len(mutes) == (30 * 60_000 - 3000) // 10_000
    assert mutes[-1].at_ms == 3000 + len(mutes) * 10_000
    assert elapsed < 2.0


def test_the_caller_hangs_up() -> None:
    call = run_call(scenario(Silence(1000), Hangup(), Say("喂", 500)), [answer()])
    state = call.session.state
    assert (state.end_reason, state.now_ms, state.playing) == (EndReason.CALLER_HANGUP, 1000, None)
    cut = next(e for e in call.session.timeline if e.kind is TimelineKind.PLAYBACK)
    assert (cut.end_ms, cut.detail["reason"]) == (1000, "call ended")


def test_finish_hangs_up_once_the_playback_has_ended() -> None:
    call = run_call(scenario(), [answer("welcome.wav,intro.wav")])
    state = call.session.state
    assert (state.end_reason, state.now_ms) == (EndReason.END_OF_SCENARIO, 6000)
    assert call.session.timeline[-1].kind is TimelineKind.END


def test_finish_sends_no_callbacks() -> None:
    session = CallSession(scenario(Say("转账", 1000)), call_id=CALL_ID, start_epoch_ms=EPOCH_MS)
    script = iter([answer(), data("dtmf", action_code="menu.wav")])
    drive(session.start(), lambda _: next(script))
    drive(session.play_step(Step(Say("转账", 1000))), lambda _: next(script))
    assert drive(session.finish(), lambda _: pytest.fail("finish sent a callback")) == []
    assert (session.state.end_reason, session.state.now_ms) == (EndReason.END_OF_SCENARIO, 4800)


def test_finish_after_a_goodbye_ends_as_bot_hangup() -> None:
    call = run_call(scenario(Say("再见", 1000)), [answer(), data("hangup", action_code="bye.wav")])
    state = call.session.state
    assert (state.end_reason, state.now_ms) == (EndReason.BOT_HANGUP, 1800 + 3000)


def test_steps_after_the_end_send_nothing() -> None:
    call = run_call(scenario(Hangup(), Say("喂", 500), Silence(30_000)), [answer()])
    assert call.per_step == [[], [], []]
    assert call.session.state.now_ms == 0


def test_the_session_must_start_first_and_only_once() -> None:
    session = CallSession(scenario(), call_id=CALL_ID, start_epoch_ms=EPOCH_MS)
    with pytest.raises(RuntimeError):
        next(session.play_step(Step(Wait())), None)
    drive(session.start(), lambda _: answer())
    with pytest.raises(RuntimeError):
        next(session.start(), None)


def test_same_inputs_give_the_same_callbacks() -> None:
    steps = (Say("你好", 1000), Silence(25_000), Say("再见", 800))
    answers = [
        answer(dynamic_id="x"),
        data("play", action_code="a.wav,$t$", action_code_param={"t": "好的"}),
    ]
    first = run_call(scenario(*steps), list(answers))
    second = run_call(scenario(*steps), list(answers))
    assert [cb.params() for cb in first.callbacks] == [cb.params() for cb in second.callbacks]
    assert first.session.timeline == second.session.timeline


def test_notes_carry_their_step_and_instant() -> None:
    call = run_call(scenario(Wait(), Press("5")), [answer()])
    note = call.session.notes[-1]
    assert (note.at_ms, note.step_index, note.message) == (
        3000,
        1,
        "key 5 ignored: no dtmf collection pending",
    )


def test_callbacks_carry_the_index_of_their_step() -> None:
    call = run_call(scenario(Say("一", 500), Silence(20_000)), [answer()])
    assert [(cb.kind, cb.step_index) for cb in call.callbacks] == [
        (CallbackKind.CALLIN, None),
        (CallbackKind.NORMAL, 0),
        (CallbackKind.MUTE, 1),
    ]


def test_the_timeline_is_in_time_order_and_records_each_part_of_the_call() -> None:
    call = run_call(scenario(Say("你好", 1000), Silence(15_000)), [answer()])
    timeline = call.session.timeline
    assert [event.start_ms for event in timeline] == sorted(event.start_ms for event in timeline)
    kinds = {event.kind for event in timeline}
    assert {
        TimelineKind.CALLBACK,
        TimelineKind.SPEECH,
        TimelineKind.PLAYBACK,
        TimelineKind.SILENCE,
        TimelineKind.END,
    } <= kinds
    callbacks = [event for event in timeline if event.kind is TimelineKind.CALLBACK]
    assert [(event.label, event.detail["action"]) for event in callbacks] == [
        ("callin", "answer"),
        ("normal", "donothing"),
        ("mute", "donothing"),
    ]


def test_the_content_parameter_is_what_json_dumps_gives() -> None:
    import json

    from vcall.simulator.model import Callback

    content = {"text": '您好，"退款" \\ 单号\n\t\u2028\x00', "count": 3, "empty": "", "neg": -12}
    callback = Callback(CallbackKind.NORMAL, CALL_ID, 0, EPOCH_MS, content, 0)  # type: ignore[arg-type]
    expected = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    assert callback.params()["content"] == expected
    call = run_call(scenario(Say("我想查一下订单")), [answer()])
    for sent in call.callbacks:
        assert json.loads(sent.params()["content"]) == dict(sent.content)
