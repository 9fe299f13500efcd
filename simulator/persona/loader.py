"""Reading persona files (YAML or JSON), every mistake located as ``file:line: what``.

One persona per file, or several under ``personas:``::

    name: parcel
    goal: 查一下快递到哪了，然后挂机
    say: 查快递                 # the key phrase (default: drawn from the goal)
    facts: {phone: '13800138000', order: '20241234'}
    style: patient              # impatient, elderly, talks-over, fragments
    asr: on                     # or {fillers: 0.2, digits: mixed}
    budget: 10                  # caller turns before giving up
    success: {heard: 预计明天送达}  # heard / transfer / end / action
    hears: {menu.wav: 查快递请按1，转人工请按2}
    call: {caller: '13900001111'}
    seed: 7

A fixture with a ``persona:`` block is read too: its persona, named and placed as the fixture
(so ``vcall persona --persona FIXTURE --save DIR`` records a persona fixture's call).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vcall.simulator.errors import FixtureError, InputNotFoundError
from vcall.simulator.fixture import Persona, load_fixture, parse_persona, persona_of
from vcall.simulator.safe_yaml import LineDict, LineList, read_text, safe_load

MAX_FILE_BYTES = 1024 * 1024


def load_personas(path: str | Path) -> list[Persona]:
    """Every persona of one file."""
    try:
        text = read_text(path, MAX_FILE_BYTES)
    except InputNotFoundError:
        raise InputNotFoundError(f"cannot read persona file {path}: no such file") from None
    document = safe_load(text, str(path))
    if _is_fixture(document):
        return _fixture_personas(path)
    return personas_of(document, str(path))


def _is_fixture(document: Any) -> bool:
    """A fixture with a ``persona:`` block (not a persona file)."""
    return isinstance(document, LineDict) and "persona" in document and "goal" not in document


def _fixture_personas(path: str | Path) -> list[Persona]:
    """The personas of a fixture's ``persona:`` block (one per call it makes); its scripted
    steps are ``vcall simulate``'s to play."""
    personas: list[Persona] = []
    for scenario in load_fixture(path):
        persona = persona_of(scenario)
        if persona is None:
            continue
        if scenario.steps:
            raise FixtureError(
                "a fixture with scripted steps before its persona: play it with "
                f"vcall simulate TARGET -f {path}",
                file=str(path),
            )
        personas.append(persona)
    return personas


def parse_personas(text: str, file: str = "<persona>") -> list[Persona]:
    return personas_of(safe_load(text, file), file)


def personas_of(document: Any, file: str) -> list[Persona]:
    """The personas of a persona file's parsed document."""
    if not isinstance(document, LineDict):
        raise FixtureError(
            "a persona file is a mapping (goal: ...), or personas: [...]", file=file, line=1
        )
    if "personas" in document:
        items = document["personas"]
        if not isinstance(items, LineList) or not items:
            raise FixtureError(
                "personas: a non-empty list", file=file, line=document.line_of("personas")
            )
        extra = [key for key in document if key != "personas"]
        if extra:
            raise FixtureError(
                f"unknown key {extra[0]!r} beside personas:",
                file=file,
                line=document.line_of(extra[0]),
            )
        return [_persona(item, file, items.line_of(i), i) for i, item in enumerate(items)]
    return [_persona(document, file, document.line, 0)]


def _persona(raw: Any, file: str, line: int, index: int) -> Persona:
    name = Path(file).stem + (f"-{index + 1}" if index else "")
    return parse_persona(raw, file, line, name=name)
