"""Reconstruction accepts what the platform really sends (issue 10's capture: every value a
string, begin_time in Unix seconds, record_begin_time a string, partnerId in callin, whole-second
timestamps) as well as vcall's model's shape, and a parallel_transfer result it does not model."""

from __future__ import annotations

import json
from typing import Any

from vcall.simulator.fixture.scenario import BargeIn, Press, Say, Silence, Wait
from vcall.simulator.spec import Stage
from vcall.simulator.tap.callback import read_callback
from vcall.simulator.tap.calls import TappedTurn
from vcall.simulator.tap.reconstruct import reconstruct
from vcall.simulator.validation import validate_response

CALL_ID = "130301340124^117079730123"


def turn(kind: str, timestamp: int, content: dict[str, Any], answer: dict[str, Any]) -> TappedTurn:
    query = b""
    body = json.dumps(
        {
            "call_id": CALL_ID,
            "timestamp": str(timestamp),
            "content_type": kind,
            "content": json.dumps(content, ensure_ascii=False),
        }
    )
    from urllib.parse import urlencode

    params = json.loads(body)
    callback = read_callback(query, urlencode(params).encode(), "application/x-www-form-urlencoded")
    raw = json.dumps(
        {"result": "success", "msg": "", "data": {"call_id": CALL_ID, **answer}}
    ).encode()
    stage = Stage.CALLIN if kind == "callin" else Stage.FOLLOWUP
    result = validate_response(raw, stage, status=200, call_id=CALL_ID)
    return TappedTurn(callback, 200, None, result.envelope, result.findings, timestamp / 1000)


CALLIN = {"caller": "15201030105", "callee": "05923391657", "partnerId": "100000160776001"}
NORMAL = {
    "role": "B",
    "words": "好，这个这个有问题，真的。",
    "end_offset": "21230",
    "begin_time": "1659885710",
    "begin_offset": "18450",
    "asr_begin_time": "1659885727730",
    "record_begin_time": "1659885709366",
    "asr_end_time": "1659885730510",
    "identity": "id2",
    "is_playing": "false",
    "play_begin_time": "1659885709377",
    "play_end_time": "1659885709377",
}


def test_the_captured_call_becomes_a_wait_and_the_sentence() -> None:
    answer = {"action": "answer", "action_code": "welcome.wav", "mute_time": "20000"}
    turns = [
        turn("callin", 1659885709000, CALLIN, answer),
        turn("normal", 1659885732000, NORMAL, {"action": "hangup", "action_code": "bye.wav"}),
    ]
    built = reconstruct(CALL_ID, turns, ended=True)
    assert (built.settings.caller, built.settings.callee) == ("15201030105", "05923391657")
    actions = [step.action for step in built.steps]
    assert actions[-1] == Say("好，这个这个有问题，真的。", 21230 - 18450)
    assert isinstance(actions[0], Wait)
    assert built.divergences == ()
    assert built.end_reason is not None and built.end_reason.value == "bot_hangup"


def test_a_timebreak_then_its_sentence_is_one_barge_in_and_a_mute_is_silence() -> None:
    epoch = 1_700_000_000_000
    answer_break = {
        "action": "answer",
        "action_code": "welcome.wav",
        "action_code_break": "true",
        "action_code_time_break": "1000",
    }
    speech = {
        "words": "等一下",
        "begin_offset": "1000",
        "end_offset": "3000",
        "asr_begin_time": str(epoch + 1000),
        "asr_end_time": str(epoch + 3000),
        "is_playing": "false",
        "play_begin_time": str(epoch),
        "play_end_time": str(epoch + 2000),
        "begin_time": str(epoch // 1000),
    }
    turns = [
        turn("callin", epoch, CALLIN, answer_break),
        turn(
            "timebreak",
            epoch + 2000,
            {
                "current_media_code": "welcome.wav",
                "asr_begin_time": str(epoch + 1000),
                "play_begin_time": str(epoch),
            },
            {"action": "break"},
        ),
        turn("normal", epoch + 3800, speech, {"action": "continue"}),
        turn("mute", epoch + 13800, {}, {"action": "hangup"}),
    ]
    built = reconstruct(CALL_ID, turns, ended=True)
    actions = [step.action for step in built.steps]
    assert actions[0] == BargeIn("等一下", 1000, 2000)
    assert isinstance(actions[1], Silence)
    assert built.divergences == ()
    assert [item.step_index for item in built.recorded] == [None, 0, 0, 1]


def test_a_parallel_transfer_result_is_the_platform_s_own_callback() -> None:
    epoch = 1_700_000_000_000
    turns = [
        turn("callin", epoch, CALLIN, {"action": "answer"}),
        turn(
            "normal",
            epoch + 2800,
            {
                **NORMAL,
                "begin_offset": "1000",
                "end_offset": "2000",
                "asr_begin_time": str(epoch + 1000),
            },
            {"action": "parallel_transfer", "number": "057126880001"},
        ),
        turn("parallel_transfer", epoch + 9000, {"transfer_status": "fail"}, {"action": "hangup"}),
    ]
    built = reconstruct(CALL_ID, turns, ended=False)
    # no step of the caller's for it: the model sends it while the caller waits
    assert [type(step.action).__name__ for step in built.steps] == ["Wait", "Say", "Wait"]
    assert built.steps[-1].action == Wait()
    assert built.recorded[2].matched and built.recorded[2].step_index == 2
    assert built.settings.parallel_transfer.status == "fail"
    assert built.divergences == ()


def test_a_mute_the_model_would_send_and_the_platform_did_not_is_a_divergence() -> None:
    turns = [
        turn("callin", 1659885709000, CALLIN, {"action": "answer", "action_code": "welcome.wav"}),
        turn("normal", 1659885732000, NORMAL, {"action": "hangup", "action_code": "bye.wav"}),
    ]
    built = reconstruct(CALL_ID, turns, ended=True)
    assert built.divergences == ("the model sends a mute at 13 s the platform did not",)


def test_the_fast_yaml_emitter_writes_what_the_python_one_writes() -> None:
    from vcall.simulator.fixture import document_yaml

    document = {
        "name": "录制的来电 2026-12-01 06:17:16",
        "description": "Recorded by vcall tap: it's 1 call, 2 steps.",
        "tags": ["recorded", "inbound", "tap"],
        "call": {"direction": "inbound", "caller": "13800138000", "callee": "0571-2688"},
        "media": {"welcome.wav": "4s", "您最近的一笔快递已到达杭州转运中心": "9s"},
        "steps": [
            {"say": "好，这个这个有问题，真的。", "duration": "2.78s"},
            {"press": "1#", "expect": {"callback": "dtmf", "number": {"regex": r"^\d{12}$"}}},
            {
                "silence": "10.2s",
                "expect": {"action_code_param": '{"text": "您好"}', "x": True, "n": 5000},
            },
        ],
        "end": "bot_hangup",
    }
    assert document_yaml(document, "# h\n", fast=True) == document_yaml(document, "# h\n")


def test_keys_and_a_no_input_timeout_in_the_platform_s_shape() -> None:
    epoch = 1_700_000_000_000
    welcome = {"action": "answer", "action_code": "welcome.wav", "mute_time": "5000"}
    menu = {
        "action": "dtmf",
        "action_code": "menu.wav",
        "dtmf_end_character": "#",
        "dtmf_max_numbers": "4",
        "dtmf_nonin_overtime": "5",
    }
    turns = [
        turn("callin", epoch, CALLIN, welcome),  # welcome.wav: 3 s (not heard in a sentence)
        turn("mute", epoch + 8000, {}, menu),  # 5 s after it
        turn("dtmf", epoch + 14000, {"dtmf_digits": "12"}, menu),
        turn("dtmf", epoch + 25000, {"dtmf_digits": "noInputTimeout"}, {"action": "hangup"}),
    ]
    built = reconstruct(CALL_ID, turns, ended=True)
    actions = [step.action for step in built.steps]
    # 1, 2 and the end character 300 ms apart, the last at 14 s; the timestamps are whole
    # seconds (as the platform's can be), so a silence lasts a second past its callback
    assert actions == [Silence(9000), Wait(4400), Press("12#"), Silence(12000)]
    assert built.media == {"menu.wav": 25000 - 5000 - 14000}  # from the no-input timeout
    assert built.divergences == ()
