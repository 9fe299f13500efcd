"""The parallel transfer's result callback (vendor doc 112703 "智能语音交互呼出回调HTTP接口", doc
69115 in 2019: content_type parallel_transfer, 并行转接状态), and what follows it."""

from __future__ import annotations

import dataclasses

from model_driver import Call, answer, data, run_call, scenario

from vcall.simulator.fixture.scenario import EndReason, Say, TransferOutcome, Wait
from vcall.simulator.spec import CallbackKind

HOLD = data(
    "parallel_transfer",
    action_code="hold.wav",
    cc_name="aliyun_cc",
    is_monitor="false",
)


def transfer_call(outcome: TransferOutcome, *answers: object, steps: tuple = ()) -> Call:
    scene = scenario(Wait(), Say("帮我接坐席", 1000), Wait(), *steps, media={"hold.wav": 2000})
    call_settings = dataclasses.replace(scene.call, parallel_transfer=outcome)
    return run_call(dataclasses.replace(scene, call=call_settings), [answer(), HOLD, *answers])


def test_the_outcome_comes_once_the_hold_prompt_has_played() -> None:
    call = transfer_call(TransferOutcome(), data("parallel_bridge"))
    [normal] = call.of(CallbackKind.NORMAL)
    [result] = call.of(CallbackKind.PARALLEL_TRANSFER)
    assert result.at_ms == normal.at_ms + 2000
    assert dict(result.content) == {
        "transfer_status": "success",
        "is_monitor": "false",
        "cc_name": "aliyun_cc",
    }
    assert call.session.state.end_reason is EndReason.PARALLEL_BRIDGE


def test_the_parallel_transfer_action_no_longer_ends_the_call_by_itself() -> None:
    """Before issue 10 the model ended the call at parallel_transfer; the platform sends the
    outcome and the call goes on meanwhile (the hold prompt plays)."""
    call = transfer_call(TransferOutcome(), data("parallel_bridge"))
    assert call.kinds() == [
        CallbackKind.CALLIN,
        CallbackKind.NORMAL,
        CallbackKind.PARALLEL_TRANSFER,
    ]


def test_success_leaves_the_caller_with_the_agent_after_any_answer() -> None:
    call = transfer_call(TransferOutcome(), data("donothing"))
    assert call.session.state.end_reason is EndReason.PARALLEL_TRANSFER
    assert "parallel transfer succeeded: the caller is with the call centre's agent" in (
        call.messages()
    )


def test_failure_says_why_and_the_call_goes_on_with_the_bot() -> None:
    sorry = data("play", action_code="sorry.wav")
    outcome = TransferOutcome("fail", "坐席全忙")
    call = transfer_call(outcome, sorry, data("hangup"), steps=(Say("那算了", 1000),))
    [result] = call.of(CallbackKind.PARALLEL_TRANSFER)
    assert (result.content["transfer_status"], result.content["fail_cause"]) == ("fail", "坐席全忙")
    assert call.kinds()[-1] is CallbackKind.NORMAL  # the caller spoke with the bot again
    assert call.session.state.end_reason is EndReason.BOT_HANGUP


def test_the_outcome_carries_the_latest_dynamic_id() -> None:
    hold = {**HOLD, "dynamic_id": "call-centre"}
    scene = scenario(Wait(), Say("帮我接坐席", 1000), Wait(), media={"hold.wav": 2000})
    call = run_call(scene, [answer(), hold, data("parallel_bridge")])
    assert call.of(CallbackKind.PARALLEL_TRANSFER)[0].content["dynamic_id"] == "call-centre"


def test_without_a_hold_prompt_the_outcome_comes_at_once() -> None:
    bare = data("parallel_transfer", action_code="")
    scene = scenario(Wait(), Say("帮我接坐席", 1000), Wait())
    call = run_call(scene, [answer(), bare, data("parallel_bridge")])
    [normal] = call.of(CallbackKind.NORMAL)
    assert call.of(CallbackKind.PARALLEL_TRANSFER)[0].at_ms == normal.at_ms


def test_when_the_steps_run_out_the_transfer_still_happens_unreported() -> None:
    """The caller is on hold, not gone: a successful transfer connects them to the agent even
    though no step is left to answer its callback (none is sent after the last step)."""
    scene = scenario(Wait(), Say("帮我接坐席", 1000), media={"hold.wav": 2000})
    call = run_call(scene, [answer(), HOLD])
    assert CallbackKind.PARALLEL_TRANSFER not in call.kinds()
    assert call.session.state.end_reason is EndReason.PARALLEL_TRANSFER
