"""The content object of each callback kind (docs/platform.md §2), filled from the model's state.

Every value is a string, as real traffic shows (``record_begin_time`` included, though the follow-up page
types it Long). Offsets are ms since the call start; Unix times are ms. ``begin_time`` (the call
start) is Unix seconds on an inbound call and Unix ms on an outbound one (real traffic; vendor
docs 112703, 182025) unless the fixture or ``--begin-time`` chooses (``spec.BeginTime``).
``callin`` carries ``partnerId`` (undocumented, in real traffic) and ``orgcallee`` only when the
call was forwarded. ``dynamic_id`` is added by the session to every kind but ``callin``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from vcall.simulator.clock import SHANGHAI
from vcall.simulator.fixture import CallSettings
from vcall.simulator.model.caller import Speech
from vcall.simulator.model.playback import Playback
from vcall.simulator.model.types import CALLER_IDENTITY
from vcall.simulator.spec import CALLER_ROLE, EARLY_MEDIA_CODE, TRANSFER_FAIL, BeginTime

ContentDict = dict[str, str | int]


@functools.lru_cache(maxsize=4096)
def begin_time_text(epoch_ms: int, style: BeginTime = BeginTime.DATETIME) -> str:
    """The call start as ``style`` writes it: ``1659885710``, ``1659885710000`` or
    ``2017-06-01 10:00:00`` (China Standard Time, the vendor pages' example)."""
    if style is BeginTime.SECONDS:
        return str(epoch_ms // 1000)
    if style is BeginTime.MS:
        return str(epoch_ms)
    return datetime.fromtimestamp(epoch_ms / 1000, SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


def callin_content(call: CallSettings) -> ContentDict:
    content: ContentDict = {"caller": call.caller, "callee": call.callee}
    if call.orgcallee:
        content["orgcallee"] = call.orgcallee
    if call.partner_id:
        content["partnerId"] = call.partner_id
    return content


@dataclass(slots=True)
class ContentContext:
    """What every content builder needs to turn offsets into Unix times (not frozen: built for
    every callback; treat as immutable)."""

    epoch_ms: int
    at_ms: int
    record_begin_ms: int | None = None
    begin_time: BeginTime = BeginTime.SECONDS

    def unix(self, offset_ms: int) -> str:
        return str(self.epoch_ms + offset_ms)


def normal_content(
    speech: Speech, ctx: ContentContext, playing: Playback | None, last: Playback | None
) -> ContentDict:
    """A finished sentence, with what was playing when the callback is sent."""
    content = _sentence_fields(speech, ctx)
    content["is_playing"] = "true" if playing else "false"
    item = playing.item_at(ctx.at_ms) if playing else None
    if item is not None:
        content["current_media_code"] = item.code
    if ctx.record_begin_ms is not None:
        content["record_begin_time"] = ctx.unix(ctx.record_begin_ms)
    content.update(_asr_times(speech, ctx))
    content.update(_play_times(playing or last, ctx))
    return content


def early_media_content(speech: Speech, ctx: ContentContext) -> ContentDict:
    """A sentence heard before the answer (outbound, ``EarlyMediaAsr``)."""
    content = _sentence_fields(speech, ctx)
    content["is_playing"] = "false"
    content["current_media_code"] = EARLY_MEDIA_CODE
    content.update(_asr_times(speech, ctx))
    return content


def timebreak_content(speech: Speech, playing: Playback, ctx: ContentContext) -> ContentDict:
    item = playing.item_at(ctx.at_ms)
    return {
        "current_media_code": item.code if item else "",
        "asr_begin_time": ctx.unix(speech.start_ms),
        "play_begin_time": ctx.unix(playing.start_ms),
    }


def dtmf_content(digits: str) -> ContentDict:
    return {"dtmf_digits": digits}


def transfer_content(
    status: str, fail_cause: str, is_monitor: bool, echoed: Mapping[str, str]
) -> ContentDict:
    """The outcome of a parallel transfer (vendor doc 112703), every value a string; ``echoed``:
    the answer's strings it carries back (``spec.echoed_into``: ``cc_name``), when set."""
    content: ContentDict = {"transfer_status": status}
    if status == TRANSFER_FAIL:
        content["fail_cause"] = fail_cause
    content["is_monitor"] = "true" if is_monitor else "false"
    content.update((name, value) for name, value in echoed.items() if value)
    return content


def _sentence_fields(speech: Speech, ctx: ContentContext) -> ContentDict:
    return {
        "role": CALLER_ROLE,
        "identity": CALLER_IDENTITY,
        "words": speech.words,
        "begin_offset": str(speech.start_ms),
        "end_offset": str(speech.end_ms),
        "begin_time": begin_time_text(ctx.epoch_ms, ctx.begin_time),
    }


def _asr_times(speech: Speech, ctx: ContentContext) -> ContentDict:
    return {"asr_begin_time": ctx.unix(speech.start_ms), "asr_end_time": ctx.unix(speech.end_ms)}


def _play_times(playback: Playback | None, ctx: ContentContext) -> ContentDict:
    """The current playback's times, else the last one's; nothing before anything played."""
    if playback is None or playback.started_ms is None:
        return {}
    ended = playback.stopped_ms
    return {
        "play_begin_time": ctx.unix(playback.start_ms),
        "play_end_time": "0" if ended is None else ctx.unix(ended),
    }
