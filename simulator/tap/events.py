"""What tap reports while it runs (the CLI prints each as one line; nothing here prints)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from vcall.simulator.findings import Finding


@dataclass(frozen=True, slots=True)
class CallbackRelayed:
    """A callback went to the bot and its answer (or tap's failure status) back."""

    call_id: str
    kind: str
    turn: int
    status: int
    latency_ms: float
    findings: tuple[Finding, ...]
    error: str | None = None
    """Why the bot gave no answer (``connect``, ``timeout``, ...): tap answered ``status``."""


@dataclass(frozen=True, slots=True)
class RequestRefused:
    """A request tap did not forward (body over the limit)."""

    reason: str
    status: int


@dataclass(frozen=True, slots=True)
class MalformedRequest:
    """A request that is not a callback: forwarded as received, not grouped into a call."""

    reason: str
    status: int


@dataclass(frozen=True, slots=True)
class CallClosed:
    call_id: str
    callbacks: int
    reason: str
    saved: Path | None = None
    divergences: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TapProblem:
    """Something tap itself could not do (write a fixture, a log line); it keeps relaying."""

    message: str


@dataclass(frozen=True, slots=True)
class BoundReached:
    """A server bound acted for the first time (a head, a body, a slow client, connections);
    later hits are only counted (``TapApp.bounds.counts``)."""

    message: str


TapEvent = (
    CallbackRelayed | RequestRefused | MalformedRequest | CallClosed | TapProblem | BoundReached
)
TapSink = Callable[[TapEvent], None]


def ignore(_event: TapEvent) -> None:
    return None


EVENT_NAMES: dict[type[Any], str] = {
    CallbackRelayed: "callback",
    RequestRefused: "refused",
    MalformedRequest: "malformed",
    CallClosed: "call_closed",
    TapProblem: "problem",
    BoundReached: "bound",
}


def event_record(event: TapEvent, clock: Callable[[], float] = time.time) -> dict[str, Any]:
    """An event as one structured log record: ``{"ts", "event", ...its fields}`` (findings as
    their JSON shape, paths as text). Masking and escaping are the writer's (``json_line``)."""
    record: dict[str, Any] = {"ts": round(clock(), 3), "event": EVENT_NAMES[type(event)]}
    for item in fields(event):
        record[item.name] = _plain(getattr(event, item.name))
    return record


def _plain(value: Any) -> Any:
    if isinstance(value, Finding):
        return value.to_dict()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return value


def fan_out(sinks: Iterable[TapSink]) -> TapSink:
    """One sink that hands each event to every sink in turn."""
    chosen = tuple(sinks)
    if len(chosen) == 1:
        return chosen[0]

    def every(event: TapEvent) -> None:
        for sink in chosen:
            sink(event)

    return every
