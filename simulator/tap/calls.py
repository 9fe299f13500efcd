"""Callbacks grouped into calls by ``call_id``: what each call needs to be judged and recorded.

A call keeps its validation context (the settings its answers made, the ``dynamic_id`` it last
set) and, when fixtures are saved, its turns. It is over when the bot's answer ends it (``hangup``,
``transfer``, ``parallel_bridge``, or a ``parallel_transfer`` that succeeded), when no callback came
for the idle time, when too many calls are open (the oldest goes), or when tap stops. Memory stays
flat: a closed call is handed over and forgotten, a call keeps at most ``MAX_TURNS`` turns.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from vcall.simulator.findings import Finding
from vcall.simulator.tap.callback import ReceivedCallback

MAX_TURNS = 2000
ENDING_ANSWERS = frozenset({"hangup", "transfer", "parallel_bridge"})
TRANSFER_RESULT_KIND = "parallel_transfer"


class CloseReason(StrEnum):
    ENDED = "ended"
    """The bot's answer ended the call."""
    IDLE = "idle"
    EVICTED = "evicted"
    """Too many calls were open: the oldest was closed."""
    STOPPED = "stopped"
    """tap stopped."""


@dataclass(frozen=True, slots=True)
class TappedTurn:
    """One callback and the bot's answer to it, as they passed."""

    callback: ReceivedCallback
    """Kept without its raw parameters (the content is what reconstruction reads)."""
    status: int
    error: str | None
    envelope: dict[str, Any] | None
    findings: tuple[Finding, ...]
    received_at: float
    """Wall clock (``time.time()``) when tap received it."""


@dataclass(slots=True)
class TapCall:
    call_id: str
    first_seen: float
    last_seen: float
    turns: list[TappedTurn] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    """Every ``data`` field the bot's usable answers set so far (the validator's context)."""
    dynamic_id: str | None = None
    """The ``dynamic_id`` the bot last set (``None``: never set)."""
    numbers: dict[str, str] = field(default_factory=dict)
    """The call's phone numbers: original -> fake."""
    count: int = 0
    size: int = 0
    """Bytes of the turns kept (callbacks and answers as received)."""
    truncated: bool = False
    ended: bool = False
    late: bool = False
    """A callback of a call tap had closed already: checked, not recorded."""

    def add(self, turn: TappedTurn, *, keep: bool, size: int = 0, max_size: int = 0) -> int:
        """Count the turn, keep it while the call is under its caps; the bytes kept."""
        self.count += 1
        if not keep or self.truncated:
            return 0
        if len(self.turns) >= MAX_TURNS or (max_size and self.size + size > max_size):
            self.truncated = True
            return 0
        self.turns.append(turn)
        self.size += size
        return size

    def apply_answer(self, kind: str, data: Mapping[str, Any] | None) -> None:
        """What a usable answer changes: settings, ``dynamic_id``, whether the call is over."""
        if data is None:
            return
        self.settings.update(data)
        dynamic_id = data.get("dynamic_id")
        if isinstance(dynamic_id, str):
            self.dynamic_id = dynamic_id or None
        if data.get("action") in ENDING_ANSWERS:
            self.ended = True

    def transfer_result(self, content: Mapping[str, Any]) -> None:
        """A ``parallel_transfer`` result: a transfer that succeeded ends the bot's part."""
        if str(content.get("transfer_status", "")).lower() == "success":
            self.ended = True


class CallBook:
    """Open calls by ``call_id``, least recently active first."""

    def __init__(self, max_open: int) -> None:
        self.max_open = max_open
        self._calls: OrderedDict[str, TapCall] = OrderedDict()
        self._closed: OrderedDict[str, None] = OrderedDict()
        """Ids of calls already closed (as many as may be open): a late callback of one is
        checked, but opens no new recording that would start mid-call."""

    def __len__(self) -> int:
        return len(self._calls)

    def touch(self, call_id: str, now: float) -> tuple[TapCall, list[TapCall]]:
        """The call (opened if new, now most recent) and the calls evicted to make room."""
        call = self._calls.get(call_id)
        if call is None and call_id in self._closed:
            return TapCall(call_id, now, now, late=True), []
        if call is None:
            call = self._calls[call_id] = TapCall(call_id, now, now)
        else:
            call.last_seen = now
            self._calls.move_to_end(call_id)
        evicted = []
        while len(self._calls) > self.max_open:
            evicted.append(self._calls.popitem(last=False)[1])
        return call, evicted

    def oldest(self) -> TapCall | None:
        """Remove and return the least recently active call."""
        return self._calls.popitem(last=False)[1] if self._calls else None

    def pop(self, call_id: str) -> TapCall | None:
        return self._calls.pop(call_id, None)

    def closed(self, call: TapCall) -> None:
        """Remember that ``call`` is over."""
        self._closed[call.call_id] = None
        while len(self._closed) > self.max_open:
            self._closed.popitem(last=False)

    def idle(self, before: float) -> Iterator[TapCall]:
        """Remove and yield the calls with no callback since ``before``."""
        while self._calls:
            call = next(iter(self._calls.values()))
            if call.last_seen >= before:
                return
            del self._calls[call.call_id]
            yield call

    def drain(self) -> list[TapCall]:
        calls = list(self._calls.values())
        self._calls.clear()
        return calls
