"""Media durations inferred from ``play_begin_time`` / ``play_end_time``, and an outbound call's
opening.

A ``normal`` (or ``timebreak``) callback tells when the current or last playback began and ended
(``play_end_time`` 0: still playing). A playback is attributed to the latest answer given before
it began (for an outbound call, before any answer: the opening ``VoiceCode``). When that answer
plays one item, the item's duration is the longest span observed (an interrupted playback shows
less than the whole; one still playing gives a lower bound). Items played together, and items
never observed, keep the model's estimate.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from vcall.simulator.fixture import MediaCatalog
from vcall.simulator.model import FieldReader, to_int, to_text
from vcall.simulator.spec import DTMF_NO_INPUT, PLATFORM_DEFAULTS, CallbackKind
from vcall.simulator.tap.callback import content_text
from vcall.simulator.tap.recorded import Recorded

PLAYING_ACTIONS = frozenset({"answer", "play", "dtmf", "hangup", "transfer", "parallel_transfer"})
OPENING_CODE = "opening.wav"
"""The name an outbound opening gets when its own name is unknown or a TTS template."""
SLACK_MS = 50


@dataclass(slots=True)
class Inferred:
    media: dict[str, int] = field(default_factory=dict)
    opening: dict[str, str] = field(default_factory=dict)
    """Outbound: the SmartCall settings inferred (``VoiceCode``, ``DynamicId``, time break)."""


def _ignore(_message: str) -> None:
    return None


_CATALOG = MediaCatalog({}, PLATFORM_DEFAULTS)


def playback_key(data: Mapping[str, Any]) -> str | None:
    """The media-table key of what an answer plays, when it plays exactly one item."""
    if to_text(data.get("action")) not in PLAYING_ACTIONS:
        return None
    code = to_text(data.get("action_code")) or ""
    params = FieldReader(data, _ignore).params("action_code_param")
    items = _CATALOG.items(code, params, _ignore)
    if len(items) != 1:
        return None
    item = items[0]
    return item.label if item.tts else item.code


def infer(recorded: Sequence[Recorded], epoch_ms: int, *, outbound: bool) -> Inferred:
    inferred = Inferred()
    starts: dict[int, tuple[str, Recorded | None]] = {}
    """Playback start -> its media key and the answer that started it."""
    for item in recorded:
        begin = item.offset("play_begin_time", epoch_ms)
        if begin is None or item.kind not in (CallbackKind.NORMAL, CallbackKind.TIMEBREAK):
            continue
        source = _source(recorded, item.index, begin)
        key = _key(source, item, inferred, outbound)
        if key is None:
            continue
        starts[begin] = (key, source)
        _longest(inferred, key, _span(item, begin, epoch_ms))
    _queued_ends(starts, inferred)
    _dtmf_prompts(recorded, inferred)
    if outbound:
        _opening_settings(recorded, epoch_ms, inferred)
    return inferred


def _longest(inferred: Inferred, key: str, span: int) -> None:
    if span > inferred.media.get(key, 0):
        inferred.media[key] = span


def _queued_ends(starts: Mapping[int, tuple[str, Recorded | None]], inferred: Inferred) -> None:
    """A playback that began well after the answer that asked for it was queued: the playback
    before it played to its end then."""
    ordered = sorted(starts.items())
    for (begin, (key, _source)), (later, (_key, answer)) in itertools.pairwise(ordered):
        if answer is not None and later > answer.at_ms + SLACK_MS:
            _longest(inferred, key, later - begin)


def _dtmf_prompts(recorded: Sequence[Recorded], inferred: Inferred) -> None:
    """``noInputTimeout`` comes ``dtmf_nonin_overtime`` after the prompt ended: the prompt's
    length, given to its one item whose length is not known yet."""
    asked: Recorded | None = None
    for item in recorded:
        timed_out = content_text(item.content, "dtmf_digits") == DTMF_NO_INPUT
        if item.kind is CallbackKind.DTMF and timed_out and asked and asked.data is not None:
            timeout_s = to_int(asked.data.get("dtmf_nonin_overtime"))
            timeout_s = timeout_s or PLATFORM_DEFAULTS.dtmf_nonin_overtime_s
            _remainder(inferred, asked.data, item.at_ms - timeout_s * 1000 - asked.at_ms)
        if item.data is not None and to_text(item.data.get("action")) == "dtmf":
            asked = item
        elif item.data is not None:
            asked = None


def _remainder(inferred: Inferred, data: Mapping[str, Any], total_ms: int) -> None:
    code = to_text(data.get("action_code")) or ""
    params = FieldReader(data, _ignore).params("action_code_param")
    items = _CATALOG.items(code, params, _ignore)
    keys = [item.label if item.tts else item.code for item in items]
    unknown = [
        key
        for item, key in zip(items, keys, strict=True)
        if not item.tts and key not in inferred.media
    ]
    if len(items) == 1:
        unknown = keys
    if len(unknown) != 1:
        return
    known = sum(
        inferred.media.get(key, item.duration_ms)
        for item, key in zip(items, keys, strict=True)
        if key != unknown[0]
    )
    if total_ms - known > 0:
        _longest(inferred, unknown[0], total_ms - known)


def _source(recorded: Sequence[Recorded], before: int, begin_ms: int) -> Recorded | None:
    """The latest answer, before callback ``before``, given by the playback's start."""
    found = None
    for item in recorded[:before]:
        if item.at_ms > begin_ms + SLACK_MS:
            break
        if item.data is not None and to_text(item.data.get("action")) in PLAYING_ACTIONS:
            found = item
    return found


def _key(source: Recorded | None, item: Recorded, inferred: Inferred, outbound: bool) -> str | None:
    if source is not None and source.data is not None:
        return playback_key(source.data)
    if not outbound:
        return None
    code = inferred.opening.get("VoiceCode")
    if code is None:
        current = content_text(item.content, "current_media_code")
        code = current if current and "$" not in current else OPENING_CODE
        inferred.opening["VoiceCode"] = code
    return code


def _span(item: Recorded, begin: int, epoch_ms: int) -> int:
    end = item.offset("play_end_time", epoch_ms)
    playing = (
        content_text(item.content, "is_playing") == "true" or item.kind is CallbackKind.TIMEBREAK
    )
    if end is None or end < begin or playing:
        return item.at_ms - begin + 1
    return end - begin


def _opening_settings(recorded: Sequence[Recorded], epoch_ms: int, inferred: Inferred) -> None:
    # never heard in a callback's play times: an opening of the model's default length
    inferred.opening.setdefault("VoiceCode", OPENING_CODE)
    first = next((item for item in recorded if item.kind is not None), None)
    if first is not None:
        dynamic_id = content_text(first.content, "dynamic_id")
        if dynamic_id:
            inferred.opening["DynamicId"] = dynamic_id
    if any(item.early_media for item in recorded):
        inferred.opening["EarlyMediaAsr"] = "true"
    answered = next((item for item in recorded if item.data is not None), None)
    for item in recorded:
        if answered is not None and item.index >= answered.index:
            break
        if item.kind is CallbackKind.TIMEBREAK:
            _opening_time_break(item, epoch_ms, inferred)
            return


def _opening_time_break(item: Recorded, epoch_ms: int, inferred: Inferred) -> None:
    speech = item.offset("asr_begin_time", epoch_ms)
    play = item.offset("play_begin_time", epoch_ms)
    if speech is None or play is None:
        return
    inferred.opening["ActionCodeBreak"] = "true"
    inferred.opening["ActionCodeTimeBreak"] = str(max(item.at_ms - max(speech, play), 1))
