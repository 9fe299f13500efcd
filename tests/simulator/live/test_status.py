"""The call's status (toolbar, /state) and the summary of each answer (the console's panels)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from vcall.simulator.fixture.scenario import EndReason
from vcall.simulator.live.status import (
    SettingChange,
    call_status,
    fill_tts,
    format_setting,
    held_settings,
    setting_changes,
    spoken_items,
    summarize_turn,
    tts_values,
)
from vcall.simulator.model import Callback, CallState, DtmfInfo, PlaybackInfo
from vcall.simulator.replay.results import Turn
from vcall.simulator.spec import CallbackKind
from vcall.simulator.transport.sender import Exchange

IDLE = CallState(
    now_ms=1000,
    answered=True,
    ended=False,
    end_reason=None,
    closing=None,
    playing=None,
    queued=(),
    pending_dtmf=None,
    dynamic_id="menu",
    mute_time_ms=10_000,
    pause_time_ms=800,
    session_timeout_s=3600,
    recording=False,
    transfer_number=None,
)
WELCOME = PlaybackInfo(("welcome.wav",), "welcome.wav", 0, 3000, True, 0)
TTS = PlaybackInfo(("$text$",), "$text$", 3000, 7000, False, 0)


def turn(
    data: dict[str, Any] | None,
    *,
    kind: CallbackKind = CallbackKind.NORMAL,
    error: str | None = None,
) -> Turn:
    content = (
        {"words": "我要转人工"} if kind is CallbackKind.NORMAL else {"current_media_code": "$text$"}
    )
    callback = Callback(kind, "1^2", 4200, 1_763_700_004_200, content, 0)
    envelope = None if data is None else {"result": "success", "msg": "成功", "data": data}
    body = json.dumps(envelope, ensure_ascii=False).encode() if envelope else b""
    exchange = Exchange(
        "POST",
        "http://127.0.0.1/cb",
        {},
        "form",
        None if error else 200,
        body=body,
        latency_ms=12.4,
        error=error,
    )
    return Turn(1, callback, exchange, envelope, (), 0)


# --- status -------------------------------------------------------------------------------------


def test_status_shows_what_plays_where_it_is() -> None:
    state = dataclasses.replace(IDLE, playing=WELCOME, queued=(TTS,))
    status = call_status(state, 1200, {"text": "您好"})
    assert status.playing is not None
    assert (status.playing.label, status.playing.position_ms, status.playing.duration_ms) == (
        "welcome.wav",
        1200,
        3000,
    )
    assert status.queued == 1
    assert status.elapsed_ms == 1200


def test_on_the_wall_clock_the_next_playback_is_heard_with_its_tts_text() -> None:
    state = dataclasses.replace(IDLE, playing=WELCOME, queued=(TTS,))
    status = call_status(state, 4000, {"text": "请问还在线吗"})
    assert status.playing is not None
    assert status.playing.label == "请问还在线吗"
    assert status.playing.position_ms == 1000
    assert not status.playing.breakable
    assert status.queued == 0


def test_nothing_plays_once_every_playback_is_over() -> None:
    state = dataclasses.replace(IDLE, playing=WELCOME)
    assert call_status(state, 3000).playing is None
    assert call_status(state, 500).playing is not None


def test_the_model_time_wins_over_an_earlier_wall_time() -> None:
    assert call_status(IDLE, 0).elapsed_ms == IDLE.now_ms


def test_keys_and_ending_are_reported() -> None:
    keys = DtmfInfo("1", 4, "#", 5)
    state = dataclasses.replace(IDLE, pending_dtmf=keys, ended=True, end_reason=EndReason.TRANSFER)
    status = call_status(state, 1000)
    assert status.keys == keys
    assert status.ended
    assert status.end_reason is EndReason.TRANSFER


# --- TTS ----------------------------------------------------------------------------------------


def test_tts_variables_are_filled_from_a_json_string_or_an_object() -> None:
    assert tts_values({"action_code_param": '{"text": "您好"}'}) == {"text": "您好"}
    assert tts_values({"action_code_param": {"name": "张先生"}}) == {"name": "张先生"}
    assert tts_values({"action_code_param": "not json"}) == {}
    assert tts_values(None) == {}


def test_spoken_items_fill_each_item_and_keep_unknown_variables() -> None:
    assert spoken_items("$name$,opening.wav, $missing$", {"name": "张先生"}) == (
        "张先生",
        "opening.wav",
        "$missing$",
    )
    assert fill_tts("您好$name$", {"name": "张先生"}) == "您好张先生"


# --- an answer ------------------------------------------------------------------------------------


def test_summary_has_action_plays_settings_and_latency() -> None:
    data = {
        "call_id": "1^2",
        "action": "transfer",
        "action_code": "$text$",
        "action_code_param": '{"text": "正在为您转接人工客服"}',
        "number": "057126880001",
        "dynamic_id": "transfer",
        "mute_time": 5000,
        "pause_time": 800,
        "action_code_break": True,
    }
    summary = summarize_turn(turn(data), held_settings(IDLE))
    assert summary.action == "transfer"
    assert summary.plays == ("正在为您转接人工客服",)
    assert summary.transfer_to == "057126880001"
    assert summary.heard == "我要转人工"
    assert summary.latency_ms == 12.4
    assert summary.problem is None
    assert summary.settings == (
        SettingChange("dynamic_id", "transfer", "menu"),
        SettingChange("mute_time", "5s", "10s"),
    )


def test_a_timebreak_shows_the_text_it_interrupted() -> None:
    summary = summarize_turn(
        turn({"action": "break"}, kind=CallbackKind.TIMEBREAK),
        held_settings(IDLE),
        {"text": "您好"},
    )
    assert summary.heard == "您好"


def test_settings_at_their_default_are_not_shown_and_the_others_are() -> None:
    data = {
        "action_code_break": True,
        "action_break": False,
        "dtmf_max_numbers": 4,
        "unknown_field": 1,
    }
    changes = setting_changes(data, held_settings(IDLE))
    assert changes == (SettingChange("action_break", "off"), SettingChange("dtmf_max_numbers", "4"))


def test_a_setting_that_was_unset_is_shown_without_a_previous_value() -> None:
    state = dataclasses.replace(IDLE, dynamic_id=None)
    assert setting_changes({"dynamic_id": "order"}, held_settings(state)) == (
        SettingChange("dynamic_id", "order"),
    )


def test_without_the_held_settings_every_held_setting_is_shown() -> None:
    assert setting_changes({"mute_time": 10_000}, None) == (SettingChange("mute_time", "10s"),)
    assert setting_changes({"mute_time": 10_000}, held_settings(IDLE)) == ()


def test_settings_are_formatted_as_people_read_them() -> None:
    assert format_setting("mute_time", "5000") == "5s"
    assert format_setting("session_timeout", 300) == "5m"
    assert format_setting("dtmf_nonin_overtime", 5) == "5s"
    assert format_setting("record_flag", "true") == "on"
    assert format_setting("record_flag", False) == "off"
    assert format_setting("tts_style", "xiaoyun") == "xiaoyun"
    assert format_setting("dynamic_id", None) == "(none)"


def test_no_usable_answer_is_a_problem_not_a_crash() -> None:
    unreachable = summarize_turn(turn(None, error="connect"))
    assert unreachable.problem is not None
    assert unreachable.problem.startswith("no answer (connect")
    assert unreachable.action is None
    assert unreachable.plays == ()
    failed = turn({"action": "play"})
    failed = dataclasses.replace(failed, envelope={"result": "fail", "msg": "x", "data": {}})
    assert "fail" in (summarize_turn(failed).problem or "")


def test_a_remembered_setting_is_shown_again_only_when_it_changes() -> None:
    held = {**held_settings(IDLE), "action_code_break": "off", "dtmf_max_numbers": "4"}
    changes = setting_changes({"action_code_break": True, "dtmf_max_numbers": 4}, held)
    assert changes == (SettingChange("action_code_break", "on", "off"),)
