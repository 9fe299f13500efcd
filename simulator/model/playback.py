"""Playbacks: what an ``action_code`` plays, for how long, and what is heard when.

An ``action_code`` is a comma-separated list of items: media files, voice ids, or TTS items
holding ``$name$`` variables whose text comes from ``action_code_param``. Only the English comma
separates (the follow-up and SmartCall pages): ``a.wav，b.wav`` is one file of that whole name (a note). An item's duration comes
from the scenario's ``media`` table (by the item as written, then by its TTS text), else it is
estimated: TTS text by length (``tts_ms_per_char``), files and voice ids by ``file_duration_ms``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from vcall.simulator.fixture import EndReason, PlayItem
from vcall.simulator.model.types import PlaybackInfo


@dataclass(slots=True)
class Playback:
    """One action's playback; mutable while it is queued, playing and stopped."""

    id: int
    action: str
    items: tuple[PlayItem, ...]
    breakable: bool = True
    """``action_code_break``: may the caller (or a later action) interrupt it."""
    time_break_ms: int = 0
    then_end: EndReason | None = None
    """The call ends when this playback has played (hangup, transfer)."""
    started_ms: int | None = None
    stopped_ms: int | None = None
    _duration_ms: int = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._duration_ms = sum(item.duration_ms for item in self.items)

    @property
    def duration_ms(self) -> int:
        return self._duration_ms

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(item.code for item in self.items)

    @property
    def name(self) -> str:
        """How notes name it: its ``action_code``."""
        return ",".join(self.codes) or "(nothing)"

    @property
    def ends_ms(self) -> int:
        return self.start_ms + self.duration_ms

    @property
    def start_ms(self) -> int:
        if self.started_ms is None:
            raise RuntimeError(f"playback {self.name} has not started")
        return self.started_ms

    def spans(self) -> Iterator[tuple[PlayItem, int, int]]:
        """Each item with its start and end offsets."""
        at = self.start_ms
        for item in self.items:
            yield item, at, at + item.duration_ms
            at += item.duration_ms

    def item_at(self, at_ms: int) -> PlayItem | None:
        """The item heard at ``at_ms`` (the last one at the very end)."""
        current = None
        for item, start, _end in self.spans():
            if start <= at_ms:
                current = item
        return current

    def info(self, at_ms: int, start_ms: int | None = None) -> PlaybackInfo:
        start = self.started_ms if self.started_ms is not None else start_ms
        start = at_ms if start is None else start
        current = self.item_at(at_ms) if self.started_ms is not None else None
        return PlaybackInfo(
            codes=self.codes,
            current_code=current.code if current else None,
            started_ms=start,
            ends_ms=start + self.duration_ms,
            breakable=self.breakable,
            time_break_ms=self.time_break_ms,
        )
