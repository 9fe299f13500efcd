"""A caller scenario: what one fixture file describes, as typed data.

One scenario is one call: its settings (direction, numbers, SmartCall settings for outbound calls,
media durations) and the caller's steps, each with optional expectations on the endpoint's answer.
The loader (``vcall.simulator.fixture_loader``) builds these from YAML/JSON; the platform model
(``vcall.simulator.model``) plays them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from vcall.simulator.spec import CallbackKind

EMPTY: Mapping[str, Any] = MappingProxyType({})


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class EndReason(StrEnum):
    """Why a call ended."""

    BOT_HANGUP = "bot_hangup"
    CALLER_HANGUP = "caller_hangup"
    SESSION_TIMEOUT = "session_timeout"
    TRANSFER = "transfer"
    PARALLEL_TRANSFER = "parallel_transfer"
    PARALLEL_BRIDGE = "parallel_bridge"
    END_OF_SCENARIO = "end_of_scenario"
    """The steps ran out: the caller hangs up once the current playback has ended."""
    ENDPOINT_FAILED = "endpoint_failed"
    """The endpoint could not be reached; the simulated call was abandoned."""


class MatchKind(StrEnum):
    EQUALS = "equals"
    REGEX = "regex"
    CONTAINS = "contains"
    ABSENT = "absent"


@dataclass(frozen=True, slots=True)
class Match:
    """One expectation on one value of the response, e.g. ``data.action`` equals ``play``."""

    path: str
    """A dotted JSON path into the response: ``data.action``, ``result``, ``data.action_code``."""
    kind: MatchKind
    value: Any = None


@dataclass(frozen=True, slots=True)
class Expectation:
    """What the answer to a step's callback must look like.

    ``callback`` names the kind of callback the step must have produced (the last one of the
    step is the one matched); ``matches`` are checked against that callback's response.
    """

    matches: tuple[Match, ...] = ()
    callback: CallbackKind | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class Say:
    """The caller says ``words`` (a ``normal`` callback after the platform's pause)."""

    words: str
    duration_ms: int | None = None
    """How long the caller speaks; estimated from the text when absent."""
    early_media: bool = False
    """Outbound only: heard before the call is answered (``current_media_code=early_media``)."""


@dataclass(frozen=True, slots=True)
class Silence:
    """The caller stays silent for ``duration_ms`` (``mute`` when long enough)."""

    duration_ms: int


@dataclass(frozen=True, slots=True)
class Press:
    """The caller presses ``digits`` (``0-9``, ``*``, ``#``), ``gap_ms`` apart."""

    digits: str
    gap_ms: int | None = None


@dataclass(frozen=True, slots=True)
class BargeIn:
    """The caller talks over the current playback: starts ``after_ms`` into it, for ``duration_ms``."""

    words: str
    after_ms: int
    duration_ms: int


@dataclass(frozen=True, slots=True)
class Wait:
    """Time passes; with no duration, until the current playback ends."""

    duration_ms: int | None = None


@dataclass(frozen=True, slots=True)
class Hangup:
    """The caller hangs up."""


Action = Say | Silence | Press | BargeIn | Wait | Hangup
STEP_KINDS: Mapping[str, type[Action]] = MappingProxyType(
    {
        "say": Say,
        "silence": Silence,
        "press": Press,
        "barge_in": BargeIn,
        "wait": Wait,
        "hangup": Hangup,
    }
)
_KIND_NAMES: Mapping[type[Action], str] = {cls: name for name, cls in STEP_KINDS.items()}


@dataclass(frozen=True, slots=True)
class Step:
    """One caller step, where it was written, and what its answer must look like."""

    action: Action
    expect: Expectation | None = None
    line: int = 0
    index: int = 0

    @property
    def kind(self) -> str:
        name = _KIND_NAMES.get(type(self.action))
        if name is not None:
            return name
        return next(name for name, cls in STEP_KINDS.items() if isinstance(self.action, cls))


@dataclass(frozen=True, slots=True)
class CallSettings:
    direction: Direction = Direction.INBOUND
    caller: str = "13800138000"
    callee: str = "057126880000"
    orgcallee: str = ""
    smartcall: Mapping[str, Any] = field(default_factory=lambda: EMPTY)
    """Outbound only: SmartCall parameters by their API names (VoiceCode, MuteTime, ...)."""


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    steps: tuple[Step, ...]
    call: CallSettings = field(default_factory=CallSettings)
    description: str = ""
    media: Mapping[str, int] = field(default_factory=lambda: EMPTY)
    """Playback duration in ms per media code (file name, voice id or TTS text)."""
    answer: Expectation | None = None
    """Expectations on the first response (the answer to ``callin``); inbound only."""
    end: EndReason | None = None
    """The expected way the call ends (``end: session_timeout``); not checked when absent."""
    tags: tuple[str, ...] = ()
    file: str = ""
    """Where it was loaded from (for messages); empty for scenarios built in code."""
