"""Persona files: what they hold, and every mistake located as file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from vcall.simulator.errors import FixtureError, InputNotFoundError
from vcall.simulator.fixture.scenario import EndReason
from vcall.simulator.persona.loader import load_personas, parse_personas
from vcall.simulator.persona.model import Style

FULL = """\
name: fees
goal: 查一下本月话费，然后挂机
say: 查话费
facts: {phone: '13912345678', order: 20241234}
style: elderly
asr: on
budget: 8
success: {heard: 话费为, end: bot_hangup}
hears: {menu.wav: 查询话费请按2}
call: {caller: '13900001111'}
seed: 7
"""


def test_a_full_persona_file(tmp_path: Path) -> None:
    path = tmp_path / "fees.yaml"
    path.write_text(FULL, encoding="utf-8")
    (persona,) = load_personas(path)
    assert (persona.name, persona.say, persona.budget, persona.seed) == ("fees", "查话费", 8, 7)
    assert persona.facts == {"phone": "13912345678", "order": "20241234"}
    assert persona.style is Style.ELDERLY
    assert persona.asr is not None and persona.asr.active
    assert persona.success is not None and persona.success.end is EndReason.BOT_HANGUP
    assert persona.hears == {"menu.wav": "查询话费请按2"}
    assert persona.call.caller == "13900001111"


def test_several_personas_and_default_names() -> None:
    personas = parse_personas("personas:\n  - goal: 转人工\n  - goal: 查快递\n", "callers.yaml")
    assert [p.name for p in personas] == ["callers", "callers-2"]
    assert personas[1].style is Style.PATIENT and personas[1].budget == 12


@pytest.mark.parametrize(
    ("text", "located"),
    [
        ("name: x\n", "p.yaml:1: goal: required"),
        ("goal: 查话费\nstyle: grumpy\n", "p.yaml:2: style: 'grumpy' is not one of"),
        ("goal: 查话费\nbudget: 0\n", "p.yaml:2: budget: 0 is not a whole number"),
        ("goal: 查话费\ngoals: 1\n", "p.yaml:2: unknown key 'goals'"),
        ("goal: 查话费\nsuccess:\n  heard: '('\n", "p.yaml:3: success.heard: not a regular"),
        ("goal: 查话费\nsuccess: {end: never}\n", "p.yaml:2: success.end: 'never'"),
        ("goal: 查话费\nasr: {fillers: 2}\n", "p.yaml:2: asr.fillers: 2 is not a probability"),
        ("goal: 查话费\nfacts: [1]\n", "p.yaml:2: facts: expected a mapping"),
        ("- goal: x\n", "p.yaml:1: a persona file is a mapping"),
        ("goal: [unclosed\n", "p.yaml:"),
    ],
)
def test_mistakes_are_located(text: str, located: str) -> None:
    with pytest.raises(FixtureError) as raised:
        parse_personas(text, "p.yaml")
    assert str(raised.value).startswith(located)


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(InputNotFoundError, match="cannot read persona file"):
        load_personas(tmp_path / "absent.yaml")
