"""What the caller did, read back from the callbacks: speech, silence, keys.

- ``normal``: a sentence, with its words and its span (``begin_offset`` .. ``end_offset``);
  ``current_media_code=early_media`` marks one heard before the answer.
- ``timebreak``: the caller talking over a playback; the ``normal`` that follows with the same
  start is the same speech. A ``timebreak`` with no such ``normal`` (the call ended first) is a
  speech whose words were never recognised.
- ``mute``, and ``dtmf`` with ``noInputTimeout``: silence until the callback.
- ``dtmf`` with digits: keys, the last one pressed when the collection completed.
Kinds the platform sends on its own (a ``parallel_transfer`` result) are no caller activity.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from vcall.simulator.spec import DTMF_NO_INPUT, CallbackKind
from vcall.simulator.tap.callback import content_int, content_text
from vcall.simulator.tap.recorded import Recorded

SAME_SPEECH_MS = 100
UNHEARD_WORDS = "（没听清）"
"""The words of a speech that produced a timebreak but never a sentence."""
UNHEARD_TAIL_MS = 500


@dataclass(frozen=True, slots=True)
class Speech:
    words: str
    start_ms: int
    end_ms: int
    early_media: bool = False
    over_playback: bool = False
    """A ``timebreak`` came, or the sentence says ``is_playing``: spoken over a playback."""


@dataclass(frozen=True, slots=True)
class Quiet:
    until_ms: int
    coarse: bool = False
    mute: bool = False
    """It ended with a ``mute`` (else a ``dtmf`` no-input timeout)."""


@dataclass(frozen=True, slots=True)
class Keys:
    digits: str
    at_ms: int


@dataclass(frozen=True, slots=True)
class Activity:
    what: Speech | Quiet | Keys
    sources: tuple[int, ...] = field(default=())
    """Indices of the recorded callbacks it explains."""


def activities(recorded: Sequence[Recorded], epoch_ms: int) -> list[Activity]:
    found: list[Activity] = []
    pending_break: Recorded | None = None
    for item in recorded:
        kind = item.kind
        if kind is CallbackKind.TIMEBREAK:
            if pending_break is not None:
                found.append(_unheard(pending_break, epoch_ms))
            pending_break = item
        elif kind is CallbackKind.NORMAL:
            joined = pending_break if _same_speech(pending_break, item, epoch_ms) else None
            if pending_break is not None and joined is None:
                found.append(_unheard(pending_break, epoch_ms))
            pending_break = None
            found.append(_sentence(item, joined))
        elif kind in (CallbackKind.MUTE, CallbackKind.DTMF):
            if pending_break is not None:
                found.append(_unheard(pending_break, epoch_ms))
                pending_break = None
            found.append(_quiet_or_keys(item))
    if pending_break is not None:
        found.append(_unheard(pending_break, epoch_ms))
    return found


def _same_speech(timebreak: Recorded | None, sentence: Recorded, epoch_ms: int) -> bool:
    if timebreak is None:
        return False
    start = timebreak.offset("asr_begin_time", epoch_ms)
    begin = content_int(sentence.content, "begin_offset")
    return start is not None and begin is not None and abs(start - begin) <= SAME_SPEECH_MS


def _sentence(item: Recorded, timebreak: Recorded | None) -> Activity:
    content = item.content
    start = content_int(content, "begin_offset") or 0
    end = content_int(content, "end_offset") or start
    playing = content_text(content, "is_playing") == "true" or timebreak is not None
    speech = Speech(
        content_text(content, "words"),
        start,
        max(end, start + 1),
        early_media=item.early_media,
        over_playback=playing,
    )
    sources = (item.index,) if timebreak is None else (timebreak.index, item.index)
    return Activity(speech, sources)


def _unheard(timebreak: Recorded, epoch_ms: int) -> Activity:
    start = timebreak.offset("asr_begin_time", epoch_ms)
    start = timebreak.at_ms if start is None else min(start, timebreak.at_ms)
    speech = Speech(UNHEARD_WORDS, start, timebreak.at_ms + UNHEARD_TAIL_MS, over_playback=True)
    return Activity(speech, (timebreak.index,))


KEYS = frozenset("0123456789*#")


def _quiet_or_keys(item: Recorded) -> Activity:
    """Keys are the characters a phone has (anything else in ``dtmf_digits`` is not kept)."""
    digits = content_text(item.content, "dtmf_digits")
    if digits != DTMF_NO_INPUT:
        digits = "".join(char for char in digits if char in KEYS)
    if item.kind is CallbackKind.DTMF and digits and digits != DTMF_NO_INPUT:
        return Activity(Keys(digits, item.at_ms), (item.index,))
    quiet = Quiet(item.at_ms, item.coarse, mute=item.kind is CallbackKind.MUTE)
    return Activity(quiet, (item.index,))
