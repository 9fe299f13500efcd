"""A persona: a simulated caller with a goal, the facts it knows, a style and a turn budget.

Built from a persona file (``persona/loader.py``) or from command-line options; the brains
(``rules.py``, ``llm.py``) decide what it does, ``caller.py`` plays it on the platform model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from vcall.simulator.fixture.asr import AsrConfig
from vcall.simulator.fixture.scenario import CallSettings, EndReason

EMPTY: Mapping[str, str] = MappingProxyType({})
DEFAULT_BUDGET = 12
"""Caller turns (decisions) before the persona gives up and hangs up."""
MAX_BUDGET = 200


class Style(StrEnum):
    """How the caller talks (what its decisions become as steps)."""

    PATIENT = "patient"
    """Lets every prompt finish, then speaks."""
    IMPATIENT = "impatient"
    """Talks over a prompt it may interrupt, and gives up after half the budget."""
    ELDERLY = "elderly"
    """Lets prompts finish, pauses before speaking, speaks slowly."""
    TALKS_OVER = "talks-over"
    """Always starts speaking a second into the prompt."""
    FRAGMENTS = "fragments"
    """Answers in fragments: the key words only."""


@dataclass(frozen=True, slots=True)
class SuccessMatcher:
    """When the goal counts as met; every part given must hold (``success:`` in a persona)."""

    heard: str = ""
    """A regular expression some prompt the caller heard matches (the goal's expected prompt)."""
    transfer: str = ""
    """The call is handed over (``transfer`` / ``parallel_transfer``); ``any`` or a number."""
    end: EndReason | None = None
    """How the call must end (``bot_hangup``, ``caller_hangup``, ``transfer``, ...)."""
    action: str = ""
    """Some answer of the bot has this ``action``."""

    @property
    def empty(self) -> bool:
        return not (self.heard or self.transfer or self.end or self.action)


@dataclass(frozen=True, slots=True)
class Persona:
    name: str
    goal: str
    say: str = ""
    """The goal's key phrase; empty: drawn from the goal (``rules.key_phrase``)."""
    facts: Mapping[str, str] = field(default_factory=lambda: EMPTY)
    """What the caller knows: ``phone``, ``order``, ``name``, ... (said or pressed when asked)."""
    style: Style = Style.PATIENT
    asr: AsrConfig | None = None
    budget: int = DEFAULT_BUDGET
    success: SuccessMatcher | None = None
    hears: Mapping[str, str] = field(default_factory=lambda: EMPTY)
    """What a media file says (``menu.wav: 查快递请按1，转人工请按2``): the caller hears the file's
    name where nothing tells it the words."""
    call: CallSettings = field(default_factory=CallSettings)
    seed: int = 0
    file: str = ""

    @property
    def turn_budget(self) -> int:
        """The budget this style keeps to (an impatient caller gives up sooner)."""
        if self.style is Style.IMPATIENT:
            return max(2, self.budget // 2)
        return self.budget
