"""A tapped call read for reconstruction: each callback placed on the call's own time axis.

The call's start (the model's ``0``) is taken from the first sentence, where
``asr_begin_time - begin_offset`` gives it exactly (vcall's model) or nearly (the platform);
without one, from the first callback's ``timestamp``. The bot's answer is what the platform acts
on: the ``data`` of a ``success`` answer with an HTTP 2xx status, else nothing (``donothing``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from vcall.simulator.spec import EARLY_MEDIA_CODE, CallbackKind
from vcall.simulator.tap.callback import content_int, content_text
from vcall.simulator.tap.calls import TappedTurn

COARSE_MS = 1000
"""Timestamps that are whole seconds (the platform's, at times) place events less surely."""


@dataclass(slots=True)
class Recorded:
    """One tapped turn on the call's time axis."""

    index: int
    turn: TappedTurn
    kind: CallbackKind | None
    at_ms: int
    data: Mapping[str, Any] | None
    step_index: int | None = None
    matched: bool = False

    @property
    def content(self) -> Mapping[str, Any]:
        return self.turn.callback.content

    def offset(self, name: str, epoch_ms: int) -> int | None:
        """A Unix-ms content value as an offset on the call's axis."""
        value = content_int(self.content, name)
        return None if value is None or value <= 0 else value - epoch_ms

    @property
    def early_media(self) -> bool:
        return content_text(self.content, "current_media_code") == EARLY_MEDIA_CODE

    @property
    def coarse(self) -> bool:
        stamp = self.turn.callback.timestamp_ms
        return stamp is not None and stamp % COARSE_MS == 0


def call_epoch_ms(turns: Sequence[TappedTurn]) -> int:
    for turn in turns:
        content = turn.callback.content
        asr_begin = content_int(content, "asr_begin_time")
        begin = content_int(content, "begin_offset")
        if turn.callback.kind == "normal" and asr_begin and begin is not None:
            return asr_begin - begin
    first = turns[0]
    stamp = first.callback.timestamp_ms
    return stamp if stamp is not None else int(first.received_at * 1000)


def model_data(turn: TappedTurn) -> Mapping[str, Any] | None:
    """What the platform acts on (as the replay engine decides it)."""
    if turn.error is not None or not 200 <= turn.status < 300:
        return None
    envelope = turn.envelope or {}
    data = envelope.get("data")
    if envelope.get("result") != "success" or not isinstance(data, dict):
        return None
    return data


def place(turns: Sequence[TappedTurn]) -> tuple[int, list[Recorded]]:
    epoch = call_epoch_ms(turns)
    placed = []
    for index, turn in enumerate(turns):
        callback = turn.callback
        stamp = callback.timestamp_ms
        at = (stamp if stamp is not None else int(turn.received_at * 1000)) - epoch
        placed.append(Recorded(index, turn, callback.known_kind, max(at, 0), model_data(turn)))
    return epoch, placed
