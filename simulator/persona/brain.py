"""The one interface every brain answers: a view of the call in, a decision out.

A :class:`Decision` is what the caller does next (say, press, stay silent, wait, hang up);
``caller.py`` turns it into fixture steps in the persona's style, so the platform model's timing
and the validator apply to a persona's call as to any other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from vcall.simulator.errors import VcallError
from vcall.simulator.persona.hearing import Heard
from vcall.simulator.persona.model import Persona


class Act(StrEnum):
    SAY = "say"
    PRESS = "press"
    SILENCE = "silence"
    WAIT = "wait"
    HANGUP = "hangup"


@dataclass(frozen=True, slots=True)
class Decision:
    act: Act
    words: str = ""
    """What is said (``say``) or pressed (``press``)."""
    seconds: float = 0.0
    """How long a silence lasts."""
    why: str = ""
    """The brain's reason, shown in the transcript."""

    @property
    def label(self) -> str:
        if self.act is Act.SAY:
            return f"say {self.words}"
        if self.act is Act.PRESS:
            return f"press {self.words}"
        if self.act is Act.SILENCE:
            return f"silence {self.seconds:g}s"
        return self.act.value


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the transcript: the bot's prompt, or the caller's decision."""

    speaker: str
    """``bot`` or ``caller``."""
    text: str
    at_ms: float = 0.0
    heard: Heard | None = None
    """The bot's prompt, for a ``bot`` line."""


@dataclass(frozen=True, slots=True)
class View:
    """What a brain knows when it decides: the persona, the call so far, the latest prompt."""

    persona: Persona
    transcript: tuple[Line, ...]
    heard: Heard | None
    """The latest prompt the bot played (``None``: nothing yet)."""
    fresh: bool
    """Whether ``heard`` came since the caller's last decision."""
    turn: int
    """Decisions made so far."""
    decisions: tuple[Decision, ...] = field(default=())


@dataclass(slots=True)
class Usage:
    """Tokens an LLM brain or judge spent (zero for the rule-based ones)."""

    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def add(self, other: Usage) -> None:
        self.requests += other.requests
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens


class Spending:
    """What the brains of a run spent: each meter counted once, however many calls share it (an
    LLM's brains and judge share their client's), read after the judges have judged."""

    def __init__(self) -> None:
        self._meters: dict[int, Usage] = {}

    def watch(self, usage: Usage) -> None:
        self._meters.setdefault(id(usage), usage)

    @property
    def total(self) -> Usage:
        total = Usage()
        for usage in self._meters.values():
            total.add(usage)
        return total


class BrainError(VcallError):
    """A brain could not decide (an LLM unreachable, too slow, or answering nonsense)."""


class Brain(Protocol):
    """Decides the caller's next move."""

    name: str
    usage: Usage

    async def decide(self, view: View) -> Decision: ...
