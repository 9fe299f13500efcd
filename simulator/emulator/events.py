"""What the emulator reports while it runs: each API request it answered, and every engine event
(``CallStarted`` / ``TurnDone`` / ``CallFinished``) of the calls it plays."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from vcall.simulator.emulator.answers import ApiAnswer
from vcall.simulator.findings import Finding
from vcall.simulator.replay import Event


@dataclass(frozen=True, slots=True)
class ApiRequestHandled:
    """One SmartCall request and the answer it got."""

    at: datetime
    answer: ApiAnswer
    signature: str | None
    """``v1``, ``v3``, or ``None`` when no signature was recognised."""
    access_key_id: str
    """Masked (``LTAI****1234``); empty when the request named none."""
    params: Mapping[str, str]
    """The SmartCall parameters received (empty when the gateway turned the request down)."""
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True, slots=True)
class EmulatorProblem:
    """Something went wrong beside the API answers: a call that could not be played to its end
    (a bug in vcall, never the endpoint's fault), or a report that could not be written."""

    message: str


EmulatorEvent = ApiRequestHandled | EmulatorProblem | Event
EmulatorSink = Callable[[EmulatorEvent], None]


def ignore(_event: EmulatorEvent) -> None:
    return None
