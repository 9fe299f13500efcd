"""YAML/JSON loading that remembers the line of every key and item."""

from __future__ import annotations

import pytest

from vcall.simulator.errors import FixtureError
from vcall.simulator.yaml_lines import LineDict, LineList, load_yaml

TEXT = """\
# a comment
name: 你好
call:
  caller: "13800138000"

steps:
  - say: 喂
  -
    silence: 5s
  - hangup
"""


def test_mappings_and_sequences_carry_their_lines() -> None:
    doc = load_yaml(TEXT, "f.yaml")
    assert isinstance(doc, LineDict)
    assert doc.line == 2
    assert doc.lines == {"name": 2, "call": 3, "steps": 6}
    assert isinstance(doc["call"], LineDict)
    assert (doc["call"].line, doc["call"].line_of("caller")) == (4, 4)
    steps = doc["steps"]
    assert isinstance(steps, LineList)
    assert steps.lines == [7, 9, 10]
    assert steps.line_of(1) == 9
    assert steps[2] == "hangup"


def test_line_of_falls_back_to_the_node_line() -> None:
    doc = load_yaml(TEXT, "f.yaml")
    assert doc.line_of("absent") == 2
    assert doc["steps"].line_of(99) == doc["steps"].line == 7


def test_the_result_is_plain_data() -> None:
    assert load_yaml('{"a": [1, 2.5, true, null]}', "f.json") == {"a": [1, 2.5, True, None]}


def test_non_string_keys_become_strings() -> None:
    assert list(load_yaml("1: a\ntrue: b\n", "f.yaml")) == ["1", "True"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("01012345670", "01012345670"),  # YAML 1.1 octal
        ("0o17", "0o17"),
        ("0x1F", "0x1F"),
        ("1_000", "1_000"),
        ("10:30", "10:30"),  # YAML 1.1 base 60
        ("13800138000", 13800138000),
        ("-5", -5),
        ("0", 0),
        ("'0123'", "0123"),
    ],
)
def test_only_plain_decimal_integers_are_numbers(text: str, value: object) -> None:
    assert load_yaml(f"v: {text}\n", "f.yaml")["v"] == value


def test_merge_keys_still_work() -> None:
    doc = load_yaml("base: &b {action: play}\nstep:\n  <<: *b\n  extra: 1\n", "f.yaml")
    assert doc["step"] == {"action": "play", "extra": 1}


def test_duplicate_keys_are_an_error_at_the_second_key() -> None:
    with pytest.raises(FixtureError, match=r"^f.yaml:4: duplicate key 'a'$"):
        load_yaml("a: 1\nb:\n  c: 2\na: 3\n", "f.yaml")


def test_syntax_errors_point_at_the_problem_line() -> None:
    with pytest.raises(FixtureError) as caught:
        load_yaml("a: 1\nb: [1, 2\nc: 3\n", "f.yaml")
    assert caught.value.line == 3
    assert str(caught.value).startswith("f.yaml:3: invalid YAML: ")


def test_an_empty_text_is_none() -> None:
    assert load_yaml("", "f.yaml") is None
