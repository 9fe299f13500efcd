"""The caller's side of a step: when speech starts and ends, when keys are pressed, when it's over.

Steps are back to back on the caller's timeline: a step starts when the previous one ended.
``say`` speaks from that instant (over a playback, it barges in at once); ``barge_in`` starts
``after`` ms into the current playback, or ``after`` ms from now when nothing plays. A speaking
duration comes from the step, else from the text (``caller_ms_per_char``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import assert_never

from vcall.simulator.fixture import Action, BargeIn, Hangup, Press, React, Say, Silence, Wait
from vcall.simulator.model.dtmf import DtmfCollection
from vcall.simulator.model.playback import Playback
from vcall.simulator.spec import PlatformDefaults


@dataclass(slots=True)
class Speech:
    words: str
    start_ms: int
    end_ms: int
    early_media: bool = False
    barge_in: bool = False
    timebroken: set[int] = field(default_factory=set)
    """Ids of the playbacks this speech already produced a ``timebreak`` for."""


@dataclass(slots=True)
class Sentence:
    """A finished sentence waiting for ``pause_time`` of quiet before its ``normal`` callback.

    Not frozen (treat as immutable), like :class:`CallerEvent`: built for every sentence.
    """

    speech: Speech
    due_ms: int


class CallerEventKind(StrEnum):
    SPEECH_START = "speech_start"
    SPEECH_END = "speech_end"
    KEY = "key"


@dataclass(slots=True)
class CallerEvent:
    at_ms: int
    kind: CallerEventKind
    key: str = ""


@dataclass(slots=True)
class StepPlan:
    """What the caller does in one step and when the step is over."""

    events: list[CallerEvent] = field(default_factory=list)
    speech: Speech | None = None
    until_ms: int | None = None
    """Silence / wait with a duration: the step ends then."""
    until_idle: bool = False
    """Wait without a duration: the step ends when nothing plays any more."""
    awaits_sentence: bool = False
    awaits_dtmf: bool = False
    dtmf_target: DtmfCollection | None = None
    """The collection this step's keys went to; the step lasts until it completes."""
    finished: bool = False

    def next_caller_event(self) -> CallerEvent:
        return self.events.pop(0)


def plan_step(
    action: Action,
    *,
    now_ms: int,
    playing: Playback | None,
    early_media: bool,
    defaults: PlatformDefaults,
) -> StepPlan:
    """The plan of one step starting at ``now_ms`` (``hangup`` is handled by the session)."""
    match action:
        case Say():
            duration = _speaking_ms(action.words, action.duration_ms, defaults)
            return _speech_plan(Speech(action.words, now_ms, now_ms + duration, early_media))
        case BargeIn():
            start = _barge_in_start(action, now_ms, playing)
            speech = Speech(action.words, start, start + action.duration_ms, barge_in=True)
            return _speech_plan(speech)
        case Press():
            return _press_plan(action, now_ms, defaults)
        case Silence():
            return StepPlan(until_ms=now_ms + action.duration_ms)
        case Wait() if action.duration_ms is not None:
            return StepPlan(until_ms=now_ms + action.duration_ms)
        case Wait():
            return StepPlan(until_idle=True)
        case Hangup() | React():
            # a hangup is the session's; a reactive step reaches the model as its plain steps
            return StepPlan(until_idle=True)
        case _:
            assert_never(action)


def _speaking_ms(words: str, duration_ms: int | None, defaults: PlatformDefaults) -> int:
    if duration_ms is not None:
        return duration_ms
    return len(words) * defaults.caller_ms_per_char


def _barge_in_start(action: BargeIn, now_ms: int, playing: Playback | None) -> int:
    if playing is None:
        return now_ms + action.after_ms
    return max(now_ms, playing.start_ms + action.after_ms)


def _speech_plan(speech: Speech) -> StepPlan:
    events = [
        CallerEvent(speech.start_ms, CallerEventKind.SPEECH_START),
        CallerEvent(speech.end_ms, CallerEventKind.SPEECH_END),
    ]
    return StepPlan(events=events, speech=speech, awaits_sentence=True)


def _press_plan(action: Press, now_ms: int, defaults: PlatformDefaults) -> StepPlan:
    gap = defaults.dtmf_key_gap_ms if action.gap_ms is None else action.gap_ms
    events = [
        CallerEvent(now_ms + index * gap, CallerEventKind.KEY, key)
        for index, key in enumerate(action.digits)
    ]
    return StepPlan(events=events, awaits_dtmf=True)
