"""Outcome objects of a simulation: exchanges, turns, calls and runs.

The engine produces these; the console, the JSON report and the JUnit report render them.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from vcall.simulator.findings import Finding, Severity, has_errors, without_info
from vcall.simulator.fixture.scenario import EndReason, Expectation, Scenario

if TYPE_CHECKING:
    from vcall.simulator.model import Callback, ModelNote, TimelineEvent
    from vcall.simulator.spec import CallbackKind

FIXTURE_SOURCE = "fixture"
"""The ``seed`` of findings about the fixture's own expectations (``expect``, ``end``, unplayed
steps, ``until:``, ``capture:``): what it expected of the bot it was written for, not the spec."""
BODY_KEEP_BYTES = 64 * 1024
"""How much of a response body the reports show (the rest is cut, and said so). An answer is kept
and validated whole up to ``MAX_RESPONSE_BYTES``; only one over that limit is kept cut to this."""


def is_fixture_expectation(finding: Finding) -> bool:
    """A finding about the fixture's expectation of the bot, not a spec violation."""
    return finding.seed == FIXTURE_SOURCE


@dataclass(slots=True)
class Exchange:
    """One HTTP round trip: what was sent and what came back (or why nothing did).

    Not frozen, like :class:`Turn`: one is built for every callback of a load run, and a frozen
    dataclass costs three times as much to build. Treat both as immutable all the same.
    """

    method: str
    url: str
    params: dict[str, str]
    placement: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    body_truncated: bool = False
    latency_ms: float = 0.0
    error: str | None = None
    """Why no usable HTTP response came: ``connect``, ``timeout``, ``too-large``, ``protocol``."""
    error_detail: str = ""

    @classmethod
    def no_answer(
        cls,
        method: str,
        url: str,
        params: Mapping[str, str],
        placement: str,
        started: float,
        error: str,
        detail: str,
    ) -> Exchange:
        """A round trip that got no usable answer; ``started`` is its ``time.perf_counter()``."""
        latency = (time.perf_counter() - started) * 1000
        return cls(
            method,
            url,
            dict(params),
            placement,
            latency_ms=latency,
            error=error,
            error_detail=detail,
        )

    @property
    def body_text(self) -> str:
        """The body as reports show it: at most ``BODY_KEEP_BYTES`` of it, a cut said so."""
        cut = self.body_truncated or len(self.body) > BODY_KEEP_BYTES
        text = self.body[:BODY_KEEP_BYTES].decode("utf-8", errors="replace")
        return text + (" …(cut)" if cut else "")


@dataclass(slots=True)
class Turn:
    """One callback, its answer, and everything found about that answer."""

    number: int
    """1-based position in the call."""
    callback: Callback
    exchange: Exchange
    envelope: dict[str, Any] | None
    findings: tuple[Finding, ...]
    step_index: int | None
    scheduled_ms: float = 0.0
    lateness_ms: float = 0.0
    """How late the callback left against its scheduled time (``--realtime`` only)."""

    @property
    def data(self) -> dict[str, Any] | None:
        data = (self.envelope or {}).get("data")
        return data if isinstance(data, dict) else None

    @property
    def action(self) -> str | None:
        action = (self.data or {}).get("action")
        return action if isinstance(action, str) else None

    @property
    def failed(self) -> bool:
        return has_errors(self.findings)

    @property
    def response(self) -> dict[str, Any] | None:
        """The parsed response envelope (``result``, ``msg``, ``data``), if the body was one."""
        return self.envelope


@dataclass(frozen=True, slots=True)
class Observed:
    """An expectation and the answer it was checked against (``--update-expectations``)."""

    file: str
    """The file the expectation is written in."""
    expectation: Expectation
    kind: CallbackKind | None
    """The kind of the callback matched; None when the step produced none."""
    envelope: Mapping[str, Any] | None


@dataclass(frozen=True, slots=True)
class CallResult:
    scenario: Scenario
    call_id: str
    turns: tuple[Turn, ...]
    call_findings: tuple[Finding, ...]
    """Call-level findings: unplayed steps, end reason mismatch, unreachable endpoint."""
    end_reason: EndReason | None
    duration_ms: int
    wall_ms: float
    timeline: tuple[TimelineEvent, ...] = ()
    notes: tuple[ModelNote, ...] = ()
    unreachable: bool = False
    observed: tuple[Observed, ...] = ()
    """Every expectation checked, with its answer (not kept by load runs)."""
    app_output: tuple[str, ...] = ()
    """An in-process app's own output while it answered (prints, logs, tracebacks), one entry
    per callback that had any, labelled with its ``content_type`` (not kept by load runs)."""

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every finding of the call: each turn's, then the call-level ones."""
        return tuple(f for turn in self.turns for f in turn.findings) + self.call_findings

    @property
    def passed(self) -> bool:
        return not self.failed()

    def failed(self, strict: bool = False) -> bool:
        if strict:  # warnings fail it too; information never does
            return bool(without_info(self.findings))
        return has_errors(self.findings)

    def count(self, severity: Severity) -> int:
        return sum(1 for finding in self.findings if finding.severity is severity)

    @property
    def spec_errors(self) -> int:
        """Error findings that are not the fixture's expectation misses."""
        return sum(1 for f in self.findings if f.is_error and not is_fixture_expectation(f))

    @property
    def expectation_misses(self) -> int:
        """Error findings of the fixture's expectations (``expect``, ``end``, unplayed steps)."""
        return sum(1 for f in self.findings if f.is_error and is_fixture_expectation(f))


@dataclass(frozen=True, slots=True)
class RunResult:
    calls: tuple[CallResult, ...]
    wall_ms: float
    strict: bool = False
    interrupted: bool = False
    placement: PlacementReport | None = None

    @property
    def passed(self) -> int:
        return sum(1 for call in self.calls if not call.failed(self.strict))

    @property
    def failed(self) -> int:
        return len(self.calls) - self.passed

    @property
    def unreachable(self) -> bool:
        return any(call.unreachable for call in self.calls)

    @property
    def spec_errors(self) -> int:
        return sum(call.spec_errors for call in self.calls)

    @property
    def expectation_misses(self) -> int:
        return sum(call.expectation_misses for call in self.calls)

    @property
    def placement_failed(self) -> bool:
        """``--check-placement`` found neither placement taken, or a one-sided endpoint and
        ``--strict`` makes that a failure."""
        if self.placement is None:
            return False
        findings = self.placement.findings
        return any(finding.is_error for finding in findings) or (self.strict and bool(findings))


@dataclass(frozen=True, slots=True)
class PlacementReport:
    """How the endpoint took the first callback with its parameters in the body and in the query."""

    form: Exchange
    query: Exchange
    form_ok: bool
    """HTTP 2xx and no error finding on the answer."""
    query_ok: bool
    form_findings: tuple[Finding, ...] = ()
    """The validator's findings on the answer to the form-encoded callback."""
    query_findings: tuple[Finding, ...] = ()

    @property
    def findings(self) -> tuple[Finding, ...]:
        from vcall.simulator.spec import SPEC_NOTES

        if not self.form_ok and not self.query_ok:
            message = (
                "the endpoint took the first callback neither with the parameters in the form "
                f"body ({_rejection(self.form, self.form_findings)}) nor in the query string "
                f"({_rejection(self.query, self.query_findings)})"
            )
            return (Finding("placement-both-rejected", Severity.ERROR, "", message, SPEC_NOTES),)
        if self.form_ok == self.query_ok:
            return ()
        works, fails = (
            ("form body", "query string") if self.form_ok else ("query string", "form body")
        )
        message = (
            f"the endpoint accepts the parameters only in the {works}, not in the {fails}: "
            "the platform's placement is not documented, so accept both"
        )
        return (Finding("placement-one-sided", Severity.WARNING, "", message, SPEC_NOTES),)


def _rejection(exchange: Exchange, findings: tuple[Finding, ...]) -> str:
    """Why one placement of the first callback was not taken, in a few words."""
    if exchange.error is not None:
        return f"no answer: {exchange.error}"
    if exchange.status is None or not 200 <= exchange.status < 300:
        return f"HTTP {exchange.status}"
    errors = [finding.rule for finding in findings if finding.is_error]
    return ", ".join(errors[:3]) or "rejected"
