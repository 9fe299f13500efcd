"""What findings say: expected vs actual, the platform's fallback, did-you-mean, positions."""

from __future__ import annotations

import json

import pytest
from response_builders import CALL_ID, Case, callin, followup, only, raw, rule_ids

from vcall.simulator.findings import Severity
from vcall.simulator.spec import Stage
from vcall.simulator.validation import validate_response


def test_range_fallback_spells_out_the_platform_value() -> None:
    found = only(followup("", mute_time=30000).findings(), "range-fallback")
    assert found.message == "mute_time 30000 is outside 1000–20000: the platform uses 10000"
    assert (found.path, found.expected, found.actual) == ("data.mute_time", "1000–20000", "30000")


def test_range_fallback_names_an_assumed_fallback() -> None:
    case = followup("", action="dtmf", dtmf_max_numbers=4, dtmf_nonin_overtime=90)
    found = only(case.findings(), "range-fallback")
    assert "the platform uses 3 (assumed" in found.message


def test_range_is_checked_on_the_lenient_string_value() -> None:
    ids = rule_ids(followup("", mute_time="30000").findings())
    assert ids.count("type-lenient-string") == 1 and ids.count("range-fallback") == 1


def test_lenient_string_says_what_to_send() -> None:
    found = only(followup("", mute_time="5000").findings(), "type-lenient-string")
    assert found.message == 'mute_time is the string "5000": accepted, but send 5000'
    assert (found.expected, found.actual) == ("5000", '"5000"')


@pytest.mark.parametrize(
    ("value", "says"),
    [
        (True, "got a boolean (true)"),
        (5000.5, "got the number 5000.5"),
        ([5000], "got an array"),
        (2**40, "does not fit a 32-bit integer"),
    ],
)
def test_type_mismatch_says_what_was_sent(value: object, says: str) -> None:
    found = only(followup("", mute_time=value).findings(), "type-mismatch")
    assert says in found.message and found.path == "data.mute_time"


@pytest.mark.parametrize(
    ("key", "meant"),
    [("mute_tim", "mute_time"), ("actionCode", "action_code"), ("Dynamic-Id", "dynamic_id")],
)
def test_unknown_key_suggests_the_near_miss(key: str, meant: str) -> None:
    found = only(followup("", **{key: 1}).findings(), "unknown-key")
    assert found.message.endswith(f"did you mean {meant}?") and found.path == f"data.{key}"


def test_unknown_key_far_from_everything_gets_no_suggestion() -> None:
    found = only(followup("", 客户等级="VIP").findings(), "unknown-key")
    assert "did you mean" not in found.message


def test_unknown_action_suggests_the_action() -> None:
    found = only(followup("", action="hang_up").findings(), "action-unknown")
    assert found.message == 'unknown action "hang_up": did you mean hangup?'


def test_action_not_allowed_names_the_stage_and_the_alternative() -> None:
    found = only(followup("", action="answer").findings(), "action-not-allowed-at-stage")
    assert found.message == "action answer is not allowed at followup: use play"
    assert found.actual == "answer" and "play" in (found.expected or "")


def test_result_typo_suggests_the_value() -> None:
    found = only(Case("", top={"result": "Success"}).findings(), "envelope-result")
    assert found.message.endswith("did you mean success?")


def test_call_id_mismatch_gives_both_ids() -> None:
    found = only(followup("", call_id="1^2").findings(), "data-call-id-mismatch")
    assert (found.expected, found.actual) == (CALL_ID, "1^2")


def test_call_id_is_not_compared_without_a_request_id() -> None:
    body = json.dumps(
        {
            "result": "success",
            "msg": "",
            "data": {"call_id": "x", "action": "play", "action_code": "a.wav"},
        }
    )
    assert validate_response(body.encode(), Stage.FOLLOWUP).findings == ()


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        ("a.wav,b@c.wav", "'@' at position 7"),
        ("$name", "'$' at position 0"),
        ("ftp:a.wav", "':' at position 3"),
    ],
)
def test_forbidden_character_in_action_code_names_char_and_position(code: str, shown: str) -> None:
    found = only(followup("", action_code=code).findings(), "forbidden-character-doubt")
    assert shown in found.message and found.path == "data.action_code"
    assert "comes back as current_media_code" in found.message  # the doubt, named


def test_forbidden_character_lists_each_hit_in_dynamic_id() -> None:
    found = only(followup("", dynamic_id="k=v:1").findings(), "forbidden-character")
    assert "'=' at position 1, ':' at position 3" in found.message
    assert found.actual == "k=v:1"


def test_forbidden_character_in_a_tts_value_points_at_its_key() -> None:
    case = followup("", action_code="$amount$", action_code_param={"amount": "¥100"})
    found = only(case.findings(), "forbidden-character-doubt")
    assert found.path == "data.action_code_param.amount"
    assert "'¥' at position 0" in found.message and "may template it" in found.message


def test_url_scheme_and_tts_variables_are_not_forbidden() -> None:
    case = followup(
        "", action_code="https://cdn.example.com/a.wav,$name$", action_code_param={"name": "您好"}
    )
    assert case.findings() == ()


def test_call_id_caret_is_not_forbidden() -> None:
    assert "forbidden-character" not in rule_ids(followup("", call_id=CALL_ID).findings())


def test_tts_param_accepts_object_or_json_string_alike() -> None:
    as_object = followup("", action_code="$a$,$b$", action_code_param={"a": "一", "c": "三"})
    as_string = followup("", action_code="$a$,$b$", action_code_param='{"a": "一", "c": "三"}')
    assert as_object.findings() == as_string.findings()
    assert rule_ids(as_object.findings()) == ["tts-variable-missing", "tts-param-unused"]


def test_tts_variable_missing_names_the_variable() -> None:
    found = only(followup("", action_code="hello.wav,$date$").findings(), "tts-variable-missing")
    assert "$date$" in found.message and found.path == "data.action_code_param"


def test_tts_param_unused_suggests_the_variable() -> None:
    case = followup("", action_code="$name$", action_code_param={"name": "王", "nmae": "王"})
    found = only(case.findings(), "tts-param-unused")
    assert found.path == "data.action_code_param.nmae" and found.message.endswith(
        "did you mean name?"
    )


def test_tts_params_invalid_json_string_says_where() -> None:
    found = only(followup("", action_code_param='{"name": ').findings(), "tts-params-invalid")
    assert "is not valid JSON" in found.message and "position" in found.message


def test_tts_conf_incomplete_lists_the_missing_settings() -> None:
    found = only(callin("", tts_conf=True, tts_style="xiaoyun").findings(), "tts-conf-incomplete")
    assert found.message == "tts_conf is true but tts_volume, tts_speed are not set"


def test_tts_style_unknown_suggests_the_nearest_documented_voice() -> None:
    case = callin("", tts_conf=True, tts_style="xiaoyum", tts_volume=50, tts_speed=0)
    found = only(case.findings(), "tts-style-unknown")
    assert found.message.endswith("did you mean xiaoyun?") and found.actual == "xiaoyum"


def test_callin_only_field_at_followup_is_named() -> None:
    found = only(followup("", record_flag=True).findings(), "field-not-for-stage")
    assert (
        found.message == "record_flag only applies at callin: the platform ignores it at followup"
    )


def test_session_timeout_too_long_names_the_limit() -> None:
    found = only(callin("", session_timeout=7200).findings(), "session-timeout-too-long")
    assert found.message == (
        "session_timeout 7200 is over 3600 s, the maximum: the platform caps it at 3600"
    )


def test_fail_with_empty_data_is_valid_with_one_warning() -> None:
    result = validate_response(
        b'{"result": "fail", "msg": "busy", "data": {}}', Stage.FOLLOWUP, call_id=CALL_ID
    )
    assert result.valid
    assert [(f.rule, f.severity) for f in result.findings] == [("result-fail", Severity.WARNING)]
    assert '"busy"' in result.findings[0].message


def test_fail_without_data_is_only_a_warning() -> None:
    result = validate_response(b'{"result": "fail", "msg": "busy"}', Stage.FOLLOWUP)
    assert result.valid and "envelope-data" in rule_ids(result.findings)


def test_is_playing_as_a_boolean_counts_too() -> None:
    case = Case("", data={"action": "break"}, options={"request_content": {"is_playing": False}})
    assert "nothing-playing" in rule_ids(case.findings())


def test_body_not_json_gives_line_and_column() -> None:
    found = only(raw("", b'{\n  "result": success\n}').findings(), "body-not-json")
    assert "line 2 column 13" in found.message


def test_body_not_utf8_gives_the_byte_and_its_position() -> None:
    found = only(raw("", b'{"msg": "\xb3\xc9"}').findings(), "body-not-utf8")
    assert "byte 0xb3 at position 9" in found.message


def test_duplicate_key_is_named() -> None:
    body = b'{"result": "success", "msg": "", "data": {"call_id": "1^2", "action": "play", "action": "hangup", "action_code": ""}}'
    result = validate_response(body, Stage.FOLLOWUP)
    assert only(result.findings, "json-duplicate-key").message.startswith(
        'key "action" appears twice'
    )
    assert result.data is not None and result.data["action"] == "hangup"
