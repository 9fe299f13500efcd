"""What tap reports while it runs (the CLI prints each as one line; nothing here prints)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

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
