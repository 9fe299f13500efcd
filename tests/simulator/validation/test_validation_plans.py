"""Rule plans: running only the rules whose facts hold finds exactly what running every rule finds.

A rule declares the facts it is about (``fields=``); the validator skips it when none holds. Here
arbitrary answers -- nulls, blanks, wrong types, unknown keys and actions, TTS variables, forbidden
characters, failed results -- are checked both ways.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from vcall.simulator.spec import ACTIONS, RESPONSE_FIELDS, Stage
from vcall.simulator.validation.context import (
    BODY_RULES,
    DATA_RULES,
    ENVELOPE_RULES,
    ResponseContext,
    build_context,
)
from vcall.simulator.validation.validator import validate_response

CALL_ID = "100001616500^100001871490"
VALUES = st.one_of(
    st.none(),
    st.sampled_from(["", "  ", "welcome.wav", "$name$", "a@b", "5000", "true", "#", CALL_ID]),
    st.sampled_from([*ACTIONS, "playy", "Hangup"]),
    st.integers(-5, 200_000),
    st.booleans(),
    st.just({"name": "张三"}),
    st.just('{"name": "张三", "extra": null}'),
    st.just([1, 2]),
    st.just(1.5),
)
KEYS = st.sampled_from([*RESPONSE_FIELDS, "actoin", "extra"])
ACTION = st.sampled_from([*ACTIONS, "playy", "", None, 5])
DATA = st.builds(
    lambda fields, action: {**fields, **action},
    st.dictionaries(KEYS, VALUES, max_size=8),
    st.one_of(st.just({}), ACTION.map(lambda action: {"action": action})),
)
"""Arbitrary fields, and most often an action among them."""
ENVELOPES = st.fixed_dictionaries(
    {"result": st.sampled_from(["success", "fail", "ok", None]), "data": st.one_of(DATA, VALUES)},
    optional={"msg": st.sampled_from(["成功", 3]), "code": st.just(0), "other": st.just(1)},
)


def findings_both_ways(body: bytes, stage: Stage, **options: Any) -> tuple[list[str], list[str]]:
    every, planned = build_context(body, stage, **options), build_context(body, stage, **options)
    return _run(every, planned=False), _run(planned, planned=True)


def _run(context: ResponseContext, *, planned: bool) -> list[str]:
    found = BODY_RULES.run(context, context.body.issues if planned else None)
    if context.envelope is not None:
        found += ENVELOPE_RULES.run(context, context.envelope_facts if planned else None)
    if context.data is not None:
        found += DATA_RULES.run(context, context.facts if planned else None)
    return [f"{finding.rule} {finding.path} {finding.message}" for finding in found]


@settings(max_examples=600)
@given(
    ENVELOPES,
    st.sampled_from(list(Stage)),
    st.sampled_from([None, CALL_ID, "1^2"]),
    st.sampled_from([{}, {"is_playing": "false"}, {"is_playing": "true"}]),
    st.sampled_from([None, {"pause_time": 800}]),
)
def test_planned_rules_find_what_every_rule_finds(
    envelope: dict[str, Any],
    stage: Stage,
    call_id: str | None,
    request: dict[str, object],
    previous: dict[str, object] | None,
) -> None:
    body = json.dumps(envelope, ensure_ascii=False).encode()
    options = {"call_id": call_id, "request_content": request, "previous_settings": previous}
    every, planned = findings_both_ways(body, stage, status=200, **options)
    assert planned == every


SHAPES = [
    {},
    {"action_code": ""},
    {"action_code": "$name$ a@b.wav", "action_code_param": {"other": "x"}},
    {"number": "", "is_monitor": True, "dtmf_max_numbers": "4", "tts_conf": True},
    {"call_id": None, "dynamic_id": "a:b", "pause_time": 800, "session_timeout": 99999},
]


def test_planned_rules_find_what_every_rule_finds_for_every_action_and_stage() -> None:
    for action in [*ACTIONS, "playy", "", None]:
        for shape in SHAPES:
            for result in ("success", "fail"):
                data = {"call_id": CALL_ID, "action": action, **shape}  # type: ignore[dict-item]
                body = json.dumps({"result": result, "msg": "", "data": data}).encode()
                for stage in Stage:
                    for request in ({}, {"is_playing": "false"}):
                        every, planned = findings_both_ways(
                            body, stage, call_id="1^2", request_content=request
                        )
                        assert planned == every, (action, shape, result, stage, request)


def test_planned_rules_find_what_every_rule_finds_on_broken_bodies() -> None:
    for body in (b"", b"\xff", b"[]", b'{"result": NaN}', b'{"a": 1, "a": 2}', b"\xef\xbb\xbf{}"):
        every, planned = findings_both_ways(body, Stage.FOLLOWUP, headers={"X": "y"})
        assert planned == every and every, body


def test_a_typical_answer_runs_only_a_few_data_rules() -> None:
    body = json.dumps(
        {
            "result": "success",
            "msg": "成功",
            "data": {"call_id": CALL_ID, "action": "play", "action_code": "a.wav"},
        }
    ).encode()
    context = build_context(body, Stage.FOLLOWUP, call_id=CALL_ID)
    assert len(DATA_RULES.plan(context.facts)) < len(DATA_RULES.rule_ids) / 4
    assert validate_response(body, Stage.FOLLOWUP, call_id=CALL_ID).findings == ()
