"""tap's Prometheus metrics: a sink of tap's events, served on an address of its own.

Built on ``prometheus_client`` (the reference Python client: exposition format, histograms,
its own HTTP server thread) with a registry of tap's own, so nothing else in the process shows
up. Every metric is named ``vcall_tap_*``; labels hold only bounded values (callback kinds,
outcomes, rule ids, severities, error kinds), never a call_id or a number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

from vcall.simulator.errors import UsageError
from vcall.simulator.spec import CallbackKind
from vcall.simulator.tap.events import (
    CallbackRelayed,
    CallClosed,
    MalformedRequest,
    RequestRefused,
    TapEvent,
    TapProblem,
)

LATENCY_BUCKETS_S = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 2.0, 5.0, 10.0)
"""Answer latency buckets: fine below 300 ms, where voice bots are judged."""


@dataclass(frozen=True, slots=True)
class MetricsAddress:
    host: str
    port: int


def parse_metrics_address(text: str) -> MetricsAddress:
    """``127.0.0.1:9464``, ``:9464`` (loopback) or ``9464``; port 0 picks a free one."""
    host, _, port = text.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    try:
        number = int(port)
    except ValueError:
        raise UsageError(f"--metrics {text!r}: expected HOST:PORT, e.g. 127.0.0.1:9464") from None
    if not 0 <= number <= 65535:
        raise UsageError(f"--metrics {text!r}: port {number} is not 0–65535")
    return MetricsAddress(host, number)


def outcome_of(event: CallbackRelayed) -> str:
    """``bot_failed`` (no answer, or a 5xx), ``error`` (an error finding), ``warning``, ``ok``."""
    if event.error is not None or event.status >= 500:
        return "bot_failed"
    if any(finding.is_error for finding in event.findings):
        return "error"
    if event.findings:
        return "warning"
    return "ok"


class TapMetrics:
    """The metrics, updated from tap's events (call it as a ``TapSink``)."""

    def __init__(self, calls_open: Callable[[], int] | None = None) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.callbacks = Counter(
            "vcall_tap_callbacks",
            "Callbacks relayed, by kind and outcome.",
            ["kind", "outcome"],
            registry=r,
        )
        self.latency = Histogram(
            "vcall_tap_answer_latency_seconds",
            "The bot's answer time per callback, by kind.",
            ["kind"],
            buckets=LATENCY_BUCKETS_S,
            registry=r,
        )
        self.findings = Counter(
            "vcall_tap_findings",
            "Findings on the bot's answers, by rule and severity.",
            ["rule", "severity"],
            registry=r,
        )
        self.forward_errors = Counter(
            "vcall_tap_forward_errors",
            "Callbacks the bot did not answer, by error.",
            ["error"],
            registry=r,
        )
        self.refused = Counter(
            "vcall_tap_requests_refused", "Requests tap did not forward.", ["status"], registry=r
        )
        self.malformed = Counter(
            "vcall_tap_malformed_requests", "Requests that are not callbacks.", registry=r
        )
        self.closed = Counter(
            "vcall_tap_calls_closed", "Calls closed, by reason.", ["reason"], registry=r
        )
        self.problems = Counter(
            "vcall_tap_problems", "Things tap itself could not do (a write).", registry=r
        )
        self.in_progress = Gauge(
            "vcall_tap_calls_in_progress", "Calls open (seen, not over).", registry=r
        )
        if calls_open is not None:
            self.in_progress.set_function(lambda: float(calls_open()))

    def __call__(self, event: TapEvent) -> None:
        if isinstance(event, CallbackRelayed):
            self._relayed(event)
        elif isinstance(event, RequestRefused):
            self.refused.labels(str(event.status)).inc()
        elif isinstance(event, MalformedRequest):
            self.malformed.inc()
        elif isinstance(event, CallClosed):
            self.closed.labels(_label(event.reason)).inc()
        elif isinstance(event, TapProblem):
            self.problems.inc()

    def _relayed(self, event: CallbackRelayed) -> None:
        kind = event.kind if event.kind in _KINDS else "other"
        self.callbacks.labels(kind, outcome_of(event)).inc()
        if event.error is None:
            self.latency.labels(kind).observe(event.latency_ms / 1000)
        else:
            self.forward_errors.labels(_label(event.error)).inc()
        for finding in event.findings:
            self.findings.labels(_label(finding.rule), finding.severity.value).inc()

    def serve(self, address: MetricsAddress) -> tuple[Any, int]:
        """Serve ``/metrics`` on ``address`` in a daemon thread; the server and its port."""
        try:
            server, _thread = start_http_server(address.port, address.host, self.registry)
        except OSError as error:
            where = f"{address.host}:{address.port}"
            raise UsageError(f"--metrics {where}: cannot listen ({error.strerror})") from None
        return server, int(server.server_port)


_KINDS = frozenset(kind.value for kind in CallbackKind)


def _label(value: str) -> str:
    """A label value kept short and printable (label values come from a bounded set, but a
    hostile request must not grow a label to megabytes)."""
    cleaned = "".join(char if char.isprintable() else "?" for char in value)
    return cleaned[:64]
