"""The published fixture JSON Schema: valid itself, accepts the shipped fixtures, agrees with the loader."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from vcall.simulator.errors import FixtureError
from vcall.simulator.fixture_loader import parse_scenario

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_FILES = sorted((ROOT / "fixtures").glob("*.yaml")) + sorted(
    (ROOT / "fixtures").glob("*.json")
)
ENVIRON = {"VCALL_SERVICE_NUMBER": "057126880000"}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    text = (
        resources.files("vcall.simulator")
        .joinpath("schemas/fixture.schema.json")
        .read_text("utf-8")
    )
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema)


def schema_errors(validator: jsonschema.Draft202012Validator, text: str) -> list[str]:
    return [error.message for error in validator.iter_errors(yaml.safe_load(text))]


def test_the_schema_is_a_valid_draft_2020_12_schema(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_the_schema_ships_inside_the_package() -> None:
    assert resources.files("vcall.simulator").joinpath("schemas/fixture.schema.json").is_file()


def test_there_are_fixtures_to_check() -> None:
    assert FIXTURE_FILES, "fixtures/ has no *.yaml files"


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda path: path.name)
def test_each_shipped_fixture_validates_against_the_schema_and_loads(
    validator: jsonschema.Draft202012Validator, path: Path
) -> None:
    text = path.read_text(encoding="utf-8")
    assert schema_errors(validator, text) == []
    assert parse_scenario(text, str(path), environ=ENVIRON).name


VALID_DOCUMENTS = {
    "minimal": "name: 最简单\nsteps: []\n",
    "every step kind": """\
name: 每种步骤
tags: [inbound, 7]
call: {direction: inbound, caller: 13800138000, callee: "057126880000", orgcallee: "057126881111"}
media: {welcome.wav: 3s, "您好，请问有什么可以帮您": 2.5s, silence.wav: 0}
variables: {customer: 张先生, count: 3, vip: true}
answer: {action: answer, action_code: {contains: welcome}, callback: callin}
steps:
  - say: 你好，我是${customer}
    duration: 1m30s
    expect:
      callback: normal
      action: play
      action_code: {regex: "^order"}
      data.dynamic_id: {equals: order}
      msg: {contains: 成功}
      data.number: {absent: true}
      result: true
      mute_time: 5000
  - silence: 12s
  - press: "1#"
    gap: 300ms
  - press: 123
  - barge_in: 等一下
    after: 0
    for: 2s
  - barge_in: 转人工
    for: 800ms
  - wait: 3s
  - wait: playback
  - wait: {}
  - wait:
  - hangup
  - hangup: {}
end: caller_hangup
""",
    "outbound with SmartCall settings": """\
name: 外呼
call:
  direction: outbound
  smartcall:
    VoiceCode: "opening.wav,$name$"
    VoiceCodeParam: {name: 张先生}
    MuteTime: 5000
    PauseTime: 800
    DynamicId: campaign-7
    EarlyMediaAsr: true
steps:
  - say: 喂喂
    early_media: true
end: end_of_scenario
""",
    "JSON": json.dumps(
        {
            "name": "JSON",
            "steps": [{"say": "你好", "expect": {"action": "play"}}, "hangup"],
            "end": "bot_hangup",
        },
        ensure_ascii=False,
    ),
}


@pytest.mark.parametrize("text", VALID_DOCUMENTS.values(), ids=VALID_DOCUMENTS.keys())
def test_valid_documents_pass_both_the_schema_and_the_loader(
    validator: jsonschema.Draft202012Validator, text: str
) -> None:
    assert schema_errors(validator, text) == []
    parse_scenario(text, "valid.yaml", environ=ENVIRON)


INVALID_DOCUMENTS = {
    "missing name": "steps: []\n",
    "empty name": "name: ''\nsteps: []\n",
    "missing steps": "name: x\n",
    "unknown top-level key": "name: x\nstpes: []\n",
    "steps not a list": "name: x\nsteps: {say: 你好}\n",
    "unknown step option": "name: x\nsteps:\n  - say: 你好\n    durration: 2s\n",
    "two step kinds": "name: x\nsteps:\n  - say: 你好\n    silence: 2s\n",
    "step without a kind": "name: x\nsteps:\n  - expect: {action: play}\n",
    "unknown bare step": "name: x\nsteps:\n  - hangpu\n",
    "bare-number duration": "name: x\nsteps:\n  - silence: 12\n",
    "garbage duration": "name: x\nsteps:\n  - say: 你好\n    duration: 2 seconds\n",
    "negative duration": "name: x\nsteps:\n  - wait: -3s\n",
    "media without unit": "name: x\nmedia: {menu.wav: 6}\nsteps: []\n",
    "bad press digits": "name: x\nsteps:\n  - press: 12a\n",
    "barge_in without for": "name: x\nsteps:\n  - barge_in: 等一下\n",
    "hangup with a value": "name: x\nsteps:\n  - hangup: now\n",
    "early_media not a boolean": "name: x\nsteps:\n  - say: 喂\n    early_media: maybe\n",
    "bad callback kind": "name: x\nsteps:\n  - say: 你好\n    expect: {callback: nromal}\n",
    "unknown match form": "name: x\nsteps:\n  - say: 你好\n    expect: {action: {equal: play}}\n",
    "two match forms": "name: x\nsteps:\n  - say: 你好\n    expect: {action: {equals: play, regex: p}}\n",
    "bad end reason": "name: x\nsteps: []\nend: hungup\n",
    "endpoint_failed end": "name: x\nsteps: []\nend: endpoint_failed\n",
    "bad direction": "name: x\ncall: {direction: outgoing}\nsteps: []\n",
    "unknown call key": "name: x\ncall: {calller: '1'}\nsteps: []\n",
    "unknown SmartCall param": "name: x\ncall: {direction: outbound, smartcall: {MuteTiem: 5000}}\nsteps: []\n",
    "variables not a mapping": "name: x\nvariables: [a]\nsteps: []\n",
    "variable without a value": "name: x\nvariables: {a: }\nsteps: []\n",
    "tags not a list": "name: x\ntags: smoke\nsteps: []\n",
    "a list document": "- say: 你好\n",
}


@pytest.mark.parametrize("text", INVALID_DOCUMENTS.values(), ids=INVALID_DOCUMENTS.keys())
def test_invalid_documents_are_rejected_by_both_the_schema_and_the_loader(
    validator: jsonschema.Draft202012Validator, text: str
) -> None:
    assert schema_errors(validator, text), "the schema accepts it"
    with pytest.raises(FixtureError):
        parse_scenario(text, "invalid.yaml", environ=ENVIRON)
