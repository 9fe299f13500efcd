"""The validator never raises: hostile bodies become findings, arbitrary input is survived."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from response_builders import CALL_ID, VALID_BODY, rule_ids

from vcall.simulator.spec import (
    MAX_JSON_DEPTH,
    RESPONSE_FIELDS,
    SMARTCALL_PARAMS,
    Stage,
)
from vcall.simulator.validation import (
    ValidationResult,
    check_smartcall_params,
    validate_response,
)
from vcall.simulator.validation.body import parse_body


def survives(body: bytes, stage: Stage = Stage.FOLLOWUP, **options: object) -> ValidationResult:
    result = validate_response(body, stage, **options)  # type: ignore[arg-type]
    assert "internal-error" not in rule_ids(result.findings)
    json.dumps(result.to_dict(), ensure_ascii=False).encode("utf-8")
    return result


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        (b"", "body-empty"),
        (b"\x00\x01\x02\xff", "body-not-utf8"),
        (b'{"result": "succ', "body-not-json"),
        (b"[]", "body-not-object"),
        (b'"success"', "body-not-object"),
        (b"null", "body-not-object"),
        (b"[" * 10_000_000, "body-too-large"),
        (b"[" * 1_000_000, "body-too-deep"),
        (b'{"a": ' * 5000 + b"1" + b"}" * 5000, "body-too-deep"),
        (b'{"result": NaN}', "json-non-finite-number"),
        (b'{"result": -Infinity}', "json-non-finite-number"),
        (b'{"result": ' + b"9" * 5000 + b"}", "body-not-json"),
        (b'{"result": "success", "result": "success"}', "json-duplicate-key"),
    ],
)
def test_hostile_bodies_become_error_findings(body: bytes, rule: str) -> None:
    result = survives(body)
    assert rule in rule_ids(result.findings)
    assert not result.valid


def test_a_lone_surrogate_is_a_located_finding_and_never_reaches_the_value() -> None:
    body = VALID_BODY.replace(b'"call_id": ', b'"dynamic_id": "\\ud800x\\udfff", "call_id": ')
    assert body != VALID_BODY
    result = survives(body)
    lone = [f for f in result.findings if f.rule == "json-lone-surrogate"]
    assert [f.path for f in lone] == ["data.dynamic_id"] and not result.valid
    context_value = json.dumps(parse_body(body).value, ensure_ascii=False)
    assert "\ufffdx\ufffd" in context_value
    context_value.encode("utf-8")  # nothing left that UTF-8 cannot carry


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    text = json.dumps({"result": "success", "msg": "[" * (MAX_JSON_DEPTH * 10), "data": {}})
    assert "body-too-deep" not in rule_ids(survives(text.encode()).findings)


def test_escaped_quotes_do_not_confuse_the_depth_check() -> None:
    text = (
        '{"msg": "\\"[[[[", "data": '
        + "[" * (MAX_JSON_DEPTH + 1)
        + "]" * (MAX_JSON_DEPTH + 1)
        + "}"
    )
    assert "body-too-deep" in rule_ids(survives(text.encode()).findings)


def test_deep_json_inside_action_code_param_string_is_a_finding() -> None:
    param = "[" * 100_000
    body = json.dumps(
        {
            "result": "success",
            "msg": "",
            "data": {
                "call_id": CALL_ID,
                "action": "play",
                "action_code": "$a$",
                "action_code_param": param,
            },
        }
    )
    assert "tts-params-invalid" in rule_ids(survives(body.encode()).findings)


def test_lone_surrogates_in_keys_and_values_are_reported_safely() -> None:
    body = b'{"result": "success", "msg": "", "data": {"\\ud800": 1, "dynamic_id": "\\udfff^", "action": "\\ud83d"}}'
    result = survives(body)
    assert {"unknown-key", "forbidden-character", "action-unknown"} <= set(
        rule_ids(result.findings)
    )


def test_str_body_and_odd_options_are_accepted() -> None:
    survives(
        VALID_BODY.decode(), "callin", status=204, headers={}, request_content={"is_playing": None}
    )  # type: ignore[arg-type]


JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(st.characters() | st.characters(categories=["Cs"]), max_size=30)
)
"""Text includes lone surrogates: a JSON body may carry them as ``\\ud800`` escapes."""
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
FIELD_VALUES = JSON_VALUES | st.sampled_from(
    ["", "true", "5000", "$a$", "a.wav,$a$", "{}", '{"a": "@"}', "^", "xiaoyan"]
)
RESPONSE_DATA = st.dictionaries(
    st.sampled_from([*RESPONSE_FIELDS, "mute_tim", "Action"]), FIELD_VALUES, max_size=10
)
RESPONSES = st.fixed_dictionaries(
    {"data": RESPONSE_DATA},
    optional={
        "result": st.sampled_from(["success", "fail", "ok"]) | JSON_VALUES,
        "msg": JSON_VALUES,
        "code": JSON_VALUES,
    },
)
OPTIONS = st.fixed_dictionaries(
    {},
    optional={
        "status": st.none() | st.integers(),
        "headers": st.dictionaries(st.sampled_from(["Content-Type", "X"]), st.text(max_size=20)),
        "call_id": st.none() | st.text(max_size=10),
        "request_content": st.dictionaries(st.sampled_from(["is_playing", "x"]), JSON_VALUES),
        "previous_settings": st.dictionaries(st.sampled_from(["pause_time", "x"]), JSON_VALUES),
    },
)
STAGES = st.sampled_from(list(Stage))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.binary(max_size=200), stage=STAGES)
def test_arbitrary_bytes_never_raise(body: bytes, stage: Stage) -> None:
    survives(body, stage)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(value=JSON_VALUES, stage=STAGES)
def test_arbitrary_json_never_raises(value: object, stage: Stage) -> None:
    survives(json.dumps(value).encode(), stage)


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(response=RESPONSES, stage=STAGES, options=OPTIONS)
def test_arbitrary_response_shapes_never_raise(
    response: dict[str, object], stage: Stage, options: dict[str, object]
) -> None:
    result = survives(json.dumps(response).encode(), stage, **options)
    expected = without_lone_surrogates(json.loads(json.dumps(response["data"])))
    assert json.dumps(result.data, sort_keys=True) == json.dumps(expected, sort_keys=True)


def without_lone_surrogates(value: object) -> object:
    """``value`` as vcall reads it: each lone surrogate (one without its pair) is U+FFFD."""
    if isinstance(value, str):
        return re.sub("[\ud800-\udfff]", "\ufffd", value)
    if isinstance(value, dict):
        return {without_lone_surrogates(k): without_lone_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_lone_surrogates(item) for item in value]
    return value


PARAM_VALUES = JSON_VALUES | st.sampled_from(
    ["True", "false", "800", "13700000000", "$n$", '{"n": "1"}']
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    params=st.dictionaries(
        st.sampled_from([*SMARTCALL_PARAMS, "Spead", "called_number"]), PARAM_VALUES, max_size=8
    )
)
def test_arbitrary_smartcall_params_never_raise(params: dict[str, object]) -> None:
    findings = check_smartcall_params(params)
    assert "internal-error" not in rule_ids(findings)
    json.dumps([finding.to_dict() for finding in findings], ensure_ascii=False).encode("utf-8")
