"""``vcall tap --properties``: the same checker on real calls as they pass. Each callback and
the bot's answer are kept per call (at most ``MAX_TURNS``, only while properties are checked);
when tap closes the call they are checked, and each property broken is a finding of that call."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from vcall.simulator.findings import Finding
from vcall.simulator.model import Callback
from vcall.simulator.properties.calls import as_findings, check_turns
from vcall.simulator.properties.model import Property, PropertyOutcome
from vcall.simulator.properties.reach import ReachTracker
from vcall.simulator.replay import Turn
from vcall.simulator.spec import CallbackKind
from vcall.simulator.transport import Exchange

MAX_TURNS = 2000


class LiveChecker:
    def __init__(self, properties: Sequence[Property]) -> None:
        self.properties = tuple(properties)
        self._calls: dict[str, list[Turn]] = {}
        self.reach = ReachTracker.of(self.properties)
        """``reachable``: judged over all the calls closed so far (one verdict per run)."""

    def note(
        self,
        call_id: str,
        kind: CallbackKind | None,
        content: Mapping[str, Any],
        status: int,
        envelope: dict[str, Any] | None,
    ) -> None:
        """One callback of a call (``kind`` ``None``: one vcall does not model, skipped)."""
        if kind is None:
            return
        turns = self._calls.setdefault(call_id, [])
        if len(turns) >= MAX_TURNS:
            return
        callback = Callback(kind, call_id, 0, 0, dict(content), None)
        exchange = Exchange("POST", "", {}, "", status)
        turns.append(Turn(len(turns) + 1, callback, exchange, envelope, (), None))

    def close(self, call_id: str) -> tuple[Finding, ...]:
        """The call is over: the findings of the properties it broke (and it is forgotten)."""
        turns = self._calls.pop(call_id, [])
        self.reach.note(call_id, turns)
        return as_findings(check_turns(turns, None, self.properties)) if turns else ()

    def reachable_outcomes(self) -> list[PropertyOutcome]:
        """Each ``reachable`` property over the calls closed so far (tap's summary)."""
        return self.reach.outcomes()
