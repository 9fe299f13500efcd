"""Properties over random scenarios and random answers: time only moves forward, content is
well-formed, every call ends, and no callback follows the end."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from model_driver import CALL_ID, EPOCH_MS, data, drive

from vcall.simulator.fixture.scenario import (
    BargeIn,
    CallSettings,
    Direction,
    Hangup,
    Press,
    Say,
    Scenario,
    Silence,
    Step,
    Wait,
)
from vcall.simulator.model import Callback, CallSession, ResponseData
from vcall.simulator.spec import CALLBACK_KINDS, CallbackKind

WORDS = st.sampled_from(["你好", "我想查一下订单", "等一下", "转人工", "好的，谢谢", "喂"])
MS = st.integers(min_value=0, max_value=20_000)
STEPS = st.one_of(
    st.builds(Say, WORDS, st.none() | MS, st.booleans()),
    st.builds(Silence, MS),
    st.builds(Press, st.text("0123456789*#", min_size=1, max_size=5), st.none() | MS),
    st.builds(BargeIn, WORDS, MS, st.integers(min_value=1, max_value=8000)),
    st.builds(Wait, st.none() | MS),
    st.just(Hangup()),
)
CODES = st.sampled_from(["a.wav", "b.wav,c.wav", "$name$", "d.wav,$name$", ""])
FOLLOWUPS = st.one_of(
    st.builds(
        lambda action, code, brk, code_brk, tb: data(
            action,
            action_code=code,
            action_code_param={"name": "张先生"},
            action_break=brk,
            action_code_break=code_brk,
            action_code_time_break=tb,
        ),
        st.sampled_from(["play", "dtmf", "hangup", "transfer", "parallel_transfer"]),
        CODES,
        st.sampled_from([True, False, "true", "false"]),
        st.sampled_from([True, False, "True"]),
        st.sampled_from([0, 500, "1500"]),
    ),
    st.builds(
        lambda action, mute, dyn: data(action, mute_time=mute, dynamic_id=dyn),
        st.sampled_from(["break", "continue", "donothing", "parallel_bridge"]),
        st.sampled_from([None, 1000, "3000", 50_000]),
        st.sampled_from([None, "", "order-1"]),
    ),
    st.builds(
        lambda maximum, end: data(
            "dtmf", action_code="menu.wav", dtmf_max_numbers=maximum, dtmf_end_character=end
        ),
        st.sampled_from([None, 1, 4]),
        st.sampled_from([None, "#", "*", ""]),
    ),
    st.none(),
)
CALLIN_ANSWERS = st.builds(
    lambda action, code, brk, tb, pause, timeout: data(
        action,
        action_code=code,
        action_code_break=brk,
        action_code_time_break=tb,
        pause_time=pause,
        session_timeout=timeout,
        record_flag=True,
    ),
    st.sampled_from(["answer", "answer", "answer", "hangup"]),
    st.sampled_from(["welcome.wav", "welcome.wav,$name$"]),
    st.booleans(),
    st.sampled_from([0, 700]),
    st.sampled_from([500, 1200, 5000]),
    st.sampled_from([30, 600, None]),
)


def build(actions: list[Any], outbound: bool) -> Scenario:
    steps = tuple(Step(action, index=index) for index, action in enumerate(actions))
    direction = Direction.OUTBOUND if outbound else Direction.INBOUND
    smartcall = {"VoiceCode": "opening.wav", "EarlyMediaAsr": "true", "ActionCodeTimeBreak": 600}
    call = CallSettings(direction=direction, smartcall=smartcall if outbound else {})
    return Scenario("随机场景", steps, call=call)


@settings(max_examples=150, deadline=None)
@given(
    actions=st.lists(STEPS, max_size=8),
    outbound=st.booleans(),
    first=CALLIN_ANSWERS,
    draw=st.data(),
)
def test_random_calls_keep_time_monotonic_and_content_well_formed(
    actions: list[Any], outbound: bool, first: dict[str, Any], draw: st.DataObject
) -> None:
    scene = build(actions, outbound)
    session = CallSession(scene, call_id=CALL_ID, start_epoch_ms=EPOCH_MS)

    def respond(callback: Callback) -> ResponseData | None:
        if callback.kind is CallbackKind.CALLIN:
            return first
        answer: ResponseData | None = draw.draw(FOLLOWUPS)
        return answer

    sent = drive(session.start(), respond)
    last_now = session.state.now_ms
    for step in scene.steps:
        was_ended = session.state.ended
        produced = drive(session.play_step(step), respond)
        assert not (was_ended and produced), "a callback after the end of the call"
        assert all(callback.step_index == step.index for callback in produced)
        assert session.state.now_ms >= last_now
        last_now = session.state.now_ms
        sent += produced
    assert drive(session.finish(), respond) == []
    check_callbacks(sent, session.state.now_ms)
    check_end(session)


def check_callbacks(sent: list[Callback], final_ms: int) -> None:
    times = [callback.at_ms for callback in sent]
    assert times == sorted(times)
    assert all(0 <= at <= final_ms for at in times)
    for callback in sent:
        assert callback.call_id == CALL_ID
        assert callback.timestamp_ms == EPOCH_MS + callback.at_ms
        allowed = {field.name for field in CALLBACK_KINDS[callback.kind].fields}
        assert set(callback.content) <= allowed
        if callback.kind is CallbackKind.NORMAL:
            begin, end = int(callback.content["begin_offset"]), int(callback.content["end_offset"])
            assert begin <= end <= callback.at_ms
    assert [cb.kind for cb in sent].count(CallbackKind.CALLIN) <= 1


def check_end(session: CallSession) -> None:
    state = session.state
    assert state.ended and state.end_reason is not None
    assert state.playing is None and state.pending_dtmf is None
    for event in session.timeline:
        assert event.end_ms is None or event.start_ms <= event.end_ms <= state.now_ms
