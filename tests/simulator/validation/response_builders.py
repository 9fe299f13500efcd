"""Builders for response bodies and SmartCall parameter sets used by the validation tests."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from vcall.simulator.findings import Finding
from vcall.simulator.spec import Stage
from vcall.simulator.validation import check_smartcall_params, validate_response

CALL_ID = "100001616500^100001871490"
DROP = object()
"""A field value that removes the key from the base object."""

BASE_DATA: Mapping[Stage, Mapping[str, object]] = {
    Stage.CALLIN: {"call_id": CALL_ID, "action": "answer", "action_code": "welcome.wav"},
    Stage.FOLLOWUP: {"call_id": CALL_ID, "action": "play", "action_code": "menu.wav"},
}
BASE_PARAMS: Mapping[str, object] = {
    "CalledShowNumber": "057188880000",
    "CalledNumber": "13700000000",
    "VoiceCode": "welcome.wav",
}


def merged(base: Mapping[str, object], changes: Mapping[str, object]) -> dict[str, Any]:
    result = dict(base)
    for key, value in changes.items():
        if value is DROP:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def envelope(data: object, changes: Mapping[str, object] | None = None) -> dict[str, Any]:
    return merged({"result": "success", "msg": "成功", "data": data}, changes or {})


def encode(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True)
class Case:
    """One input to a rule: a response (data, envelope or raw body) or SmartCall parameters."""

    label: str
    data: Mapping[str, object] = field(default_factory=dict)
    stage: Stage = Stage.FOLLOWUP
    top: Mapping[str, object] = field(default_factory=dict)
    body: bytes | None = None
    params: Mapping[str, object] | None = None
    options: Mapping[str, Any] = field(default_factory=dict)

    def findings(self) -> tuple[Finding, ...]:
        if self.params is not None:
            return check_smartcall_params(merged(BASE_PARAMS, self.params))
        body = self.body if self.body is not None else encode(self.response())
        options = {"call_id": CALL_ID, **self.options}
        return validate_response(body, self.stage, **options).findings

    def response(self) -> dict[str, Any]:
        return envelope(merged(BASE_DATA[self.stage], self.data), self.top)


def followup(label: str, **data: object) -> Case:
    return Case(label, data=data)


def callin(label: str, **data: object) -> Case:
    return Case(label, data=data, stage=Stage.CALLIN)


def raw(label: str, body: bytes, **options: Any) -> Case:
    return Case(label, body=body, options=options)


def params(label: str, **changes: object) -> Case:
    return Case(label, params=changes)


def rule_ids(findings: tuple[Finding, ...]) -> list[str]:
    return [finding.rule for finding in findings]


def only(findings: tuple[Finding, ...], rule: str) -> Finding:
    (found,) = [finding for finding in findings if finding.rule == rule]
    return found


VALID_BODY = encode(envelope(dict(BASE_DATA[Stage.FOLLOWUP])))
