"""SmartCall parameter checks: query-string types, ranges, OutId bytes, TTS, numbers, names."""

from __future__ import annotations

import pytest
from response_builders import BASE_PARAMS, only, params, rule_ids

from vcall.simulator.findings import Severity
from vcall.simulator.validation import check_smartcall_params


@pytest.mark.parametrize("flag", [True, "True", "False", "true", "FALSE"])
def test_booleans_as_the_official_sdk_sends_them_are_fine(flag: object) -> None:
    assert params("", RecordFlag=flag, EarlyMediaAsr=flag).findings() == ()


@pytest.mark.parametrize("value", [800, "800"])
def test_integers_as_numbers_or_query_strings_are_fine(value: object) -> None:
    assert params("", PauseTime=value).findings() == ()


def test_numbers_read_from_yaml_as_ints_are_fine() -> None:
    assert params("", CalledNumber=13700000000, CalledShowNumber=4001112222).findings() == ()


def test_boolean_that_is_not_one_is_a_type_mismatch() -> None:
    found = only(params("", RecordFlag="yes").findings(), "type-mismatch")
    assert found.path == "RecordFlag" and 'got the string "yes"' in found.message


def test_pause_time_fallback_is_spelled_out() -> None:
    found = only(params("", PauseTime="5000").findings(), "range-fallback")
    assert found.message == "PauseTime 5000 is outside 300–1200: the platform uses 800"


def test_mute_time_fallback_is_spelled_out() -> None:
    found = only(params("", MuteTime=500).findings(), "range-fallback")
    assert found.message.endswith("the platform uses 10000")


def test_out_id_is_measured_in_utf8_bytes() -> None:
    assert params("", OutId="a" * 15).findings() == ()
    found = only(params("", OutId="订单号一二三").findings(), "value-byte-length")
    assert found.message == "OutId is 18 bytes in UTF-8: allowed 1–15 bytes"


def test_required_parameters_are_each_named() -> None:
    findings = check_smartcall_params({})
    assert [f.path for f in findings if f.rule == "param-required-missing"] == [
        "CalledShowNumber",
        "CalledNumber",
        "VoiceCode",
    ]


def test_blank_required_parameter_counts_as_missing() -> None:
    assert "param-required-missing" in rule_ids(params("", VoiceCode="  ").findings())


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("called_number", "CalledNumber"),
        ("--tts-style", "TtsStyle"),
        ("Spead", "Speed"),
        ("voicecode", "VoiceCode"),
    ],
)
def test_unknown_parameter_suggests_the_real_name(name: str, meant: str) -> None:
    found = only(params("", **{name: "1"}).findings(), "unknown-key")
    assert found.path == name and found.message.endswith(f"did you mean {meant}?")
    assert found.severity is Severity.WARNING


@pytest.mark.parametrize("name", ["Speed", "BackgroundVolume", "BackgroundSpeed"])
def test_unsupported_parameters_are_warned(name: str) -> None:
    found = only(params("", **{name: 1}).findings(), "param-unsupported")
    assert found.path == name and found.severity is Severity.WARNING


@pytest.mark.parametrize(
    "number", ["13700000000", "+8613700000000", "057188880000", "4001112222", "95588"]
)
def test_mainland_numbers_pass(number: str) -> None:
    assert params("", CalledNumber=number).findings() == ()


@pytest.mark.parametrize("number", ["12700000000", "852 2345 6789", "+85223456789", "1370000000"])
def test_other_numbers_are_not_mainland(number: str) -> None:
    assert "number-not-mainland" in rule_ids(params("", CalledNumber=number).findings())


def test_voice_code_param_keys_must_match_voice_code_variables() -> None:
    findings = params(
        "", VoiceCode="a.wav,$name$,$amount$", VoiceCodeParam='{"name": "张三", "date": "明天"}'
    ).findings()
    assert [(f.rule, f.path) for f in findings] == [
        ("tts-variable-missing", "VoiceCodeParam"),
        ("tts-param-unused", "VoiceCodeParam.date"),
    ]
    assert "$amount$" in findings[0].message


def test_forbidden_characters_in_voice_code_param_values_name_position() -> None:
    found = only(
        params("", VoiceCode="$n$", VoiceCodeParam={"n": "您好:张三"}).findings(),
        "forbidden-character-doubt",
    )
    assert found.path == "VoiceCodeParam.n" and "':' at position 2" in found.message


def test_voice_code_url_and_variables_are_not_forbidden() -> None:
    case = params("", VoiceCode="https://cdn.example.com/a.wav,$n$", VoiceCodeParam='{"n": "您好"}')
    assert case.findings() == ()


def test_dynamic_id_forbidden_character() -> None:
    found = only(params("", DynamicId="step{1}").findings(), "forbidden-character")
    assert "'{' at position 4, '}' at position 6" in found.message


def test_tts_conf_complete_is_quiet_and_incomplete_names_the_gaps() -> None:
    found = only(params("", TtsConf=True, TtsStyle="xiaoyun").findings(), "tts-conf-incomplete")
    assert found.message == "TtsConf is true but TtsVolume, TtsSpeed not set"


def test_tts_volume_out_of_range_has_no_fallback() -> None:
    found = only(
        params("", TtsConf=True, TtsStyle="xiaoyun", TtsVolume=150, TtsSpeed=0).findings(),
        "value-out-of-range",
    )
    assert found.message == (
        "TtsVolume 150 is outside 0–100: what the platform does is not documented; vcall's "
        "model ignores the value"
    )
    assert found.severity is Severity.ERROR


def test_null_parameters_are_treated_as_absent() -> None:
    assert check_smartcall_params({**BASE_PARAMS, "OutId": None}) == ()


def test_non_string_keys_do_not_break_the_checks() -> None:
    findings = check_smartcall_params({**BASE_PARAMS, 7: "x"})  # type: ignore[dict-item]
    assert rule_ids(findings) == ["unknown-key"]
