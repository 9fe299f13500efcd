"""The shipped example responses, the result object and the internal-error safety net."""

from __future__ import annotations

import dataclasses
import json
from importlib import resources

import pytest
from response_builders import CALL_ID, VALID_BODY, rule_ids

from vcall.simulator.spec import Stage
from vcall.simulator.validation import ValidationResult, validate_response
from vcall.simulator.validation import validator as validator_module
from vcall.simulator.validation.context import DATA_RULES

EXAMPLES = resources.files("vcall.simulator") / "examples"
GOOD = ["callin_answer", "followup_play", "followup_hangup", "followup_dtmf", "followup_transfer"]
BAD = {
    "bad_followup_answer": {"action-not-allowed-at-stage", "range-fallback", "unknown-key"},
    "bad_callin_settings": {
        "session-timeout-too-long",
        "tts-variable-missing",
        "forbidden-character",
    },
    "bad_followup_transfer": {"type-mismatch", "value-out-of-range"},
}


def check_example(name: str) -> ValidationResult:
    body = (EXAMPLES / f"{name}.json").read_bytes()
    stage = Stage.CALLIN if "callin" in name else Stage.FOLLOWUP
    return validate_response(
        body, stage, call_id=CALL_ID, status=200, headers={"Content-Type": "application/json"}
    )


@pytest.mark.parametrize("name", GOOD)
def test_good_examples_have_no_findings(name: str) -> None:
    assert check_example(name).findings == ()


@pytest.mark.parametrize(("name", "rules"), BAD.items())
def test_bad_examples_fail_for_the_documented_reasons(name: str, rules: set[str]) -> None:
    result = check_example(name)
    assert not result.valid and rules <= set(rule_ids(result.findings))


def test_every_shipped_example_is_listed() -> None:
    shipped = {
        entry.name.removesuffix(".json")
        for entry in EXAMPLES.iterdir()
        if entry.name.endswith(".json")
    }
    assert shipped == set(GOOD) | set(BAD)


def test_result_exposes_envelope_and_data() -> None:
    result = validate_response(VALID_BODY, Stage.FOLLOWUP)
    assert result.valid and result.envelope is not None and result.envelope["result"] == "success"
    assert result.data == {"call_id": CALL_ID, "action": "play", "action_code": "menu.wav"}


def test_result_has_no_data_when_data_is_not_an_object() -> None:
    result = validate_response(b'{"result": "success", "msg": "", "data": "play"}', Stage.FOLLOWUP)
    assert result.data is None and result.envelope is not None and not result.valid


def test_result_is_frozen_and_serialises_to_the_stable_shape() -> None:
    result = validate_response(
        b'{"result": "success", "msg": "", "data": {"call_id": "9^9", "action": "play", "action_code": "a.wav", "mute_time": 30000}}',
        Stage.FOLLOWUP,
        call_id=CALL_ID,
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.findings = ()  # type: ignore[misc]
    shape = result.to_dict()
    assert shape["valid"] is False
    assert [set(item) for item in shape["findings"]] == [
        {"rule", "severity", "path", "message", "seed", "expected", "actual"}
    ] * 2
    assert json.loads(json.dumps(shape)) == shape
    assert [f.rule for f in result.errors] == ["data-call-id-mismatch"]
    assert [f.rule for f in result.warnings] == ["range-fallback"]


def test_a_rule_that_raises_becomes_an_internal_error_finding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(context: object, rule: object) -> list[object]:
        raise KeyError("boom")

    rules = list(DATA_RULES._rules)
    index = next(i for i, (info, _) in enumerate(rules) if info.id == "data-call-id-mismatch")
    rules[index] = (rules[index][0], broken)  # type: ignore[assignment]  # a rule that runs on this body (it has a call_id)
    monkeypatch.setattr(DATA_RULES, "_rules", rules)
    result = validate_response(VALID_BODY, Stage.FOLLOWUP)
    assert rule_ids(result.findings) == ["internal-error"]
    assert "data-call-id-mismatch failed: KeyError" in result.findings[0].message


def test_a_failure_while_reading_becomes_an_internal_error_finding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise MemoryError("no room")

    monkeypatch.setattr(validator_module, "build_context", broken)
    result = validate_response(VALID_BODY, Stage.FOLLOWUP)
    assert rule_ids(result.findings) == ["internal-error"] and not result.valid
    assert "MemoryError: no room" in result.findings[0].message


def test_internal_error_stays_quiet_on_working_rules() -> None:
    assert "internal-error" not in rule_ids(validate_response(b"\x00", Stage.CALLIN).findings)
