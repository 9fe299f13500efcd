"""The call's timeline: what was said, played, pressed and sent, for transcripts and charts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from vcall.simulator.model.playback import Playback

Detail = Mapping[str, str | int | bool]
_NO_DETAIL: Detail = MappingProxyType({})


class TimelineKind(StrEnum):
    SPEECH = "speech"
    PLAYBACK = "playback"
    SILENCE = "silence"
    KEYS = "keys"
    CALLBACK = "callback"
    NOTE = "note"
    END = "end"


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    start_ms: int
    end_ms: int | None
    """``None`` for an instant (a key, a callback, a note, the end)."""
    kind: TimelineKind
    label: str
    detail: Detail = field(default_factory=lambda: _NO_DETAIL)


class Timeline:
    """Collects events as they complete; :meth:`events` lists them by start time.

    A disabled timeline records nothing: load runs keep no transcripts, and ten thousand calls
    under way would otherwise hold ten thousand growing timelines.
    """

    def __init__(self, *, enabled: bool = True) -> None:
        self.enabled = enabled
        self._events: list[TimelineEvent] = []

    def add(
        self,
        kind: TimelineKind,
        label: str,
        start_ms: int,
        end_ms: int | None = None,
        detail: Detail | None = None,
    ) -> None:
        if not self.enabled:
            return
        frozen = MappingProxyType(dict(detail)) if detail else _NO_DETAIL
        self._events.append(TimelineEvent(start_ms, end_ms, kind, label, frozen))

    def events(self) -> list[TimelineEvent]:
        """In time order; events starting together stay in the order they were recorded."""
        return sorted(self._events, key=lambda event: event.start_ms)

    def playback(self, playback: Playback, stopped_ms: int, *, cut: str = "") -> None:
        """Record the items of a playback that stopped at ``stopped_ms``: those that were heard,
        and always the first one (an interruption at once shows as an empty, interrupted item).

        ``cut`` says why it stopped early (``interrupted``, ``call ended``); empty when it played out.
        """
        if not self.enabled:
            return
        for index, (item, start, end) in enumerate(playback.spans()):
            if start < stopped_ms or end <= stopped_ms or index == 0:
                detail: dict[str, str | int | bool] = {"code": item.code, "action": playback.action}
                if end > stopped_ms:
                    detail["interrupted"] = True
                    detail["reason"] = cut or "interrupted"
                self.add(TimelineKind.PLAYBACK, item.label, start, min(end, stopped_ms), detail)
