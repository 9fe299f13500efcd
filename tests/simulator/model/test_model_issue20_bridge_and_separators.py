"""What the model does with ``parallel_bridge`` when there is nothing to bridge, with a full-width
comma in a play code, and which answer values it echoes (spec.ECHOED_FIELDS).

Sources: seed 001 (``parallel_bridge :并行桥接命令``; action_code "多个文件使用英文逗号(,)分隔";
dynamic_id "在下次回调地址中带回"), seed 002 (VoiceCode "之间用英文逗号(,)分隔"), the vendor's
outbound callback page (doc 112703: the parallel_transfer callback carries cc_name), and
SPEC-NOTES §7 (the readings settled in December 2026).
"""

from __future__ import annotations

import dataclasses

from model_driver import answer, data, run_call, scenario

from vcall.simulator.fixture.scenario import Direction, EndReason, Say, TransferOutcome, Wait
from vcall.simulator.spec import (
    ECHOED_FIELDS,
    CallbackKind,
    TransferPhase,
)

HOLD = data("parallel_transfer", action_code="hold.wav", cc_name="aliyun_cc", is_monitor="false")


def _transfer_scene(outcome: TransferOutcome, *steps: object) -> object:
    scene = scenario(Wait(), Say("帮我接坐席", 1000), Wait(), *steps, media={"hold.wav": 2000})  # type: ignore[arg-type]
    return dataclasses.replace(
        scene, call=dataclasses.replace(scene.call, parallel_transfer=outcome)
    )


def test_parallel_bridge_with_no_transfer_in_the_call_does_nothing_and_the_call_goes_on() -> None:
    """SPEC-NOTES §7: with no parallel transfer there is nothing to bridge; the model does not
    end the call as bridged, the caller keeps talking to the bot."""
    scene = scenario(Say("转人工", 1000), Say("还在吗", 1000))
    call = run_call(scene, [answer(), data("parallel_bridge"), data("hangup")])
    assert call.kinds() == [CallbackKind.CALLIN, CallbackKind.NORMAL, CallbackKind.NORMAL]
    assert call.session.state.end_reason is EndReason.BOT_HANGUP
    assert (
        "parallel_bridge: nothing to bridge (no parallel transfer in this call): nothing "
        "happens, the call goes on" in call.messages()
    )


def test_parallel_bridge_after_a_failed_transfer_does_nothing() -> None:
    """Vendor doc 112703: transfer_status fail; nothing was reached, nothing to bridge."""
    scene = _transfer_scene(TransferOutcome("fail", "坐席全忙"), Say("那算了", 1000))
    call = run_call(scene, [answer(), HOLD, data("parallel_bridge"), data("hangup")])  # type: ignore[arg-type]
    assert call.kinds()[-1] is CallbackKind.NORMAL  # the caller spoke with the bot again
    assert call.session.state.end_reason is EndReason.BOT_HANGUP
    assert any("the parallel transfer failed): nothing happens" in m for m in call.messages())


def test_parallel_bridge_after_a_successful_transfer_bridges_at_once() -> None:
    call = run_call(_transfer_scene(TransferOutcome()), [answer(), HOLD, data("parallel_bridge")])  # type: ignore[arg-type]
    assert call.session.state.end_reason is EndReason.PARALLEL_BRIDGE


def test_every_callback_says_where_the_parallel_transfer_stands() -> None:
    """What the validator's parallel-bridge-nothing reads (Callback.transfer_phase)."""
    scene = _transfer_scene(TransferOutcome("fail", "坐席全忙"), Say("那算了", 1000))
    call = run_call(scene, [answer(), HOLD, data("donothing"), data("hangup")])  # type: ignore[arg-type]
    phases = [(callback.kind, callback.transfer_phase) for callback in call.callbacks]
    assert phases == [
        (CallbackKind.CALLIN, TransferPhase.NONE),
        (CallbackKind.NORMAL, TransferPhase.NONE),
        (CallbackKind.PARALLEL_TRANSFER, TransferPhase.FAIL),
        (CallbackKind.NORMAL, TransferPhase.FAIL),
    ]


def test_a_full_width_comma_plays_one_file_of_the_whole_name() -> None:
    """Seed 001: 多个文件使用英文逗号(,)分隔. ``a.wav，b.wav`` is one item: its duration is the
    media table's for that whole name (not a.wav's plus b.wav's), and current_media_code says it."""
    media = {"a.wav": 1000, "b.wav": 1000, "a.wav，b.wav": 7000}
    scene = scenario(Wait(), Say("喂", 500), Say("嗯，我在听", 3000), media=media)
    play = data("play", action_code="a.wav，b.wav")
    call = run_call(scene, [answer(), play, data("donothing")])
    heard = call.of(CallbackKind.NORMAL)[-1]  # 3.8 s in: a.wav + b.wav would be over by then
    assert (heard.content["is_playing"], heard.content["current_media_code"]) == (
        "true",
        "a.wav，b.wav",
    )
    assert any("'a.wav，b.wav' holds a full-width comma" in m for m in call.messages())
    english = run_call(scene, [answer(), data("play", action_code="a.wav,b.wav")])
    assert not any("full-width" in m for m in english.messages())


def test_a_full_width_comma_in_voice_code_is_one_opening_file() -> None:
    """Seed 002 VoiceCode: 之间用英文逗号(,)分隔."""
    scene = scenario(Wait(), media={"hi.wav，$name$": 4000})
    call_settings = dataclasses.replace(
        scene.call,
        direction=Direction.OUTBOUND,
        smartcall={"VoiceCode": "hi.wav，$name$", "VoiceCodeParam": '{"name": "张先生"}'},
    )
    call = run_call(dataclasses.replace(scene, call=call_settings), [])
    assert any("'hi.wav，$name$' holds a full-width comma" in m for m in call.messages())


def test_the_model_echoes_exactly_the_echoed_fields_of_spec() -> None:
    """Every answer field spec.ECHOED_FIELDS names comes back, whole, in a callback of each kind
    it lists that the call produces (the fact the validator's forbidden-character rule reads)."""
    hold = {**HOLD, "dynamic_id": "order-17", "is_monitor": True}
    call = run_call(_transfer_scene(TransferOutcome()), [answer(), hold, data("donothing")])  # type: ignore[arg-type]
    [result] = call.of(CallbackKind.PARALLEL_TRANSFER)
    sent = {"dynamic_id": "order-17", "cc_name": "aliyun_cc", "is_monitor": "true"}
    for name, kinds in ECHOED_FIELDS.items():
        assert CallbackKind.PARALLEL_TRANSFER in kinds
        assert result.content[name] == sent[name]
