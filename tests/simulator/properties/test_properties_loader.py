"""``--properties FILE``: the three forms load; mistakes are reported as file:line with a
did-you-mean, every one of them; the published schema accepts what the loader accepts."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
import yaml

from vcall.simulator.errors import FixtureError, InputNotFoundError
from vcall.simulator.fixture.scenario import MatchKind
from vcall.simulator.properties import Kind, load_properties, parse_properties, schema_text
from vcall.simulator.properties.model import MoveKind

EXAMPLE = """\
properties:
  - name: 任何时候都能转人工
    in: any
    when: [{say: 转人工}, {press: "0"}]
    then: {within: 2, action: [transfer, parallel_transfer]}
  - name: 投诉分支绝不挂机
    in: {action_code: {contains: complaint}}
    never: {action: hangup}
  - name: 总能回到主菜单
    reachable: {dynamic_id: {regex: "^menu"}}
"""


def test_the_three_forms_load_with_their_parts() -> None:
    agent, never, reach = parse_properties(EXAMPLE, "p.yaml")
    assert (agent.kind, agent.within, agent.actions) == (
        Kind.WHEN_THEN,
        2,
        frozenset({"transfer", "parallel_transfer"}),
    )
    assert [(m.kind, m.value) for m in agent.when] == [
        (MoveKind.SAY, "转人工"),
        (MoveKind.PRESS, "0"),
    ]
    assert agent.where.any and agent.line == 2
    assert never.kind is Kind.NEVER and never.where.matches[0].kind is MatchKind.CONTAINS
    assert never.target.matches[0].value == "hangup"
    assert reach.kind is Kind.REACHABLE and reach.where.any
    assert reach.source == "p.yaml:9"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "properties:\n  - name: a\n    nevr: {action: hangup}\n",
            "p.yaml:3: unknown key 'properties[0].nevr' (did you mean 'never'?)",
        ),
        (
            "properties:\n  - name: a\n    in: {action_cod: {contains: x}}\n    never: {action: hangup}\n",
            "p.yaml:3: unknown key 'properties[0].in.action_cod' (did you mean 'action_code'?)",
        ),
        (
            "properties:\n  - name: a\n    when: {say: 转人工}\n    then: {within: 0, action: transfer}\n",
            "p.yaml:4: properties[0].then.within: a whole number of turns, 1 to 20",
        ),
        (
            'properties:\n  - name: a\n    when: {press: "12"}\n    then: {action: transfer}\n',
            "p.yaml:3: properties[0].when.press: one key, 0-9, * or #, got '12'",
        ),
        (
            "properties:\n  - name: a\n    never: {action: hangup}\n    reachable: {action: play}\n",
            "p.yaml:2: properties[0] (a): give exactly one of then (with when), never, reachable",
        ),
        (
            "properties:\n  - name: a\n    then: {action: transfer}\n",
            "p.yaml:3: properties[0].then: needs a 'when:' (the caller's move)",
        ),
        (
            "properties:\n  - name: a\n    never: {action: {regex: '('}}\n",
            "p.yaml:3: properties[0].never.action: invalid regex '('",
        ),
        ("rules: []\n", "p.yaml:1: expected 'properties:' with a list of properties"),
    ],
)
def test_a_mistake_is_reported_at_its_line(text: str, message: str) -> None:
    with pytest.raises(FixtureError) as caught:
        parse_properties(text, "p.yaml")
    assert str(caught.value).startswith(message)


def test_every_mistake_in_a_file_is_listed_not_only_the_first() -> None:
    text = (
        "properties:\n"
        "  - name: a\n    nevr: {action: hangup}\n"
        "  - name: b\n    when: {shout: 转人工}\n    then: {action: transfer}\n"
        "  - name: a\n    never: {action: hangup}\n"
    )
    with pytest.raises(FixtureError) as caught:
        parse_properties(text, "p.yaml")
    listed = [str(error) for error in caught.value.all]
    assert listed == [
        "p.yaml:3: unknown key 'properties[0].nevr' (did you mean 'never'?)",
        "p.yaml:5: unknown key 'properties[1].when.shout' (expected one of: say, press, silence)",
        "p.yaml:7: properties[2]: the name 'a' is used twice",
    ]


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(InputNotFoundError, match=r"--properties .*: no such file"):
        load_properties(tmp_path / "none.yaml")


def test_the_schema_is_shipped_and_accepts_the_readme_example() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(schema_text())
    assert (
        resources.files("vcall.simulator.properties").joinpath("properties.schema.json").is_file()
    )
    jsonschema.validate(yaml.safe_load(EXAMPLE), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"properties": [{"name": "a", "nevr": {}}]}, schema)
