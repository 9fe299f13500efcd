"""tap's Prometheus metrics: counted from tap's events, scraped over loopback."""

from __future__ import annotations

import httpx
import pytest

from vcall.simulator.errors import UsageError
from vcall.simulator.findings import Finding, Severity
from vcall.simulator.tap.events import CallbackRelayed, CallClosed, RequestRefused
from vcall.simulator.tap.metrics import TapMetrics, parse_metrics_address

BAD_MUTE = Finding("value-out-of-range", Severity.WARNING, "data.mute_time", "too long", "001")
NO_CALL_ID = Finding("field-required-missing", Severity.ERROR, "data.call_id", "missing", "001")


def relayed(kind: str = "normal", **fields: object) -> CallbackRelayed:
    values: dict[str, object] = {
        "call_id": "100001616500^100001871490",
        "kind": kind,
        "turn": 1,
        "status": 200,
        "latency_ms": 42.0,
        "findings": (),
    }
    values.update(fields)
    return CallbackRelayed(**values)  # type: ignore[arg-type]


def scrape(port: int) -> str:
    return httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text


def sample(text: str, line_start: str) -> float:
    for line in text.splitlines():
        if line.startswith(line_start):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"no sample {line_start!r} in:\n{text}")


def test_a_scrape_shows_callbacks_latency_findings_and_open_calls() -> None:
    open_calls = [3]
    metrics = TapMetrics(calls_open=lambda: open_calls[0])
    server, port = metrics.serve(parse_metrics_address("127.0.0.1:0"))
    try:
        metrics(relayed("callin", latency_ms=120.0))
        metrics(relayed(findings=(BAD_MUTE,)))
        metrics(relayed(findings=(NO_CALL_ID,)))
        metrics(relayed(status=502, error="connect", latency_ms=0.0))
        metrics(relayed(kind="\x1b]0;evil\x07" * 50))
        metrics(RequestRefused("body over the limit", 413))
        metrics(CallClosed("a^b", 4, "hangup"))
        text = scrape(port)
    finally:
        server.shutdown()
    assert sample(text, 'vcall_tap_callbacks_total{kind="callin",outcome="ok"}') == 1
    assert sample(text, 'vcall_tap_callbacks_total{kind="normal",outcome="warning"}') == 1
    assert sample(text, 'vcall_tap_callbacks_total{kind="normal",outcome="error"}') == 1
    assert sample(text, 'vcall_tap_callbacks_total{kind="normal",outcome="bot_failed"}') == 1
    assert sample(text, 'vcall_tap_callbacks_total{kind="other",outcome="ok"}') == 1
    assert sample(text, 'vcall_tap_answer_latency_seconds_bucket{kind="callin",le="0.2"}') == 1
    assert sample(text, 'vcall_tap_answer_latency_seconds_bucket{kind="callin",le="0.1"}') == 0
    assert (
        sample(text, 'vcall_tap_findings_total{rule="field-required-missing",severity="error"}')
        == 1
    )
    assert sample(text, 'vcall_tap_forward_errors_total{error="connect"}') == 1
    assert sample(text, 'vcall_tap_requests_refused_total{status="413"}') == 1
    assert sample(text, 'vcall_tap_calls_closed_total{reason="hangup"}') == 1
    assert sample(text, "vcall_tap_calls_in_progress") == 3
    assert "evil" not in text and "100001616500" not in text  # no call id, no hostile label


@pytest.mark.parametrize(
    ("text", "host", "port"),
    [
        ("127.0.0.1:9464", "127.0.0.1", 9464),
        (":9464", "127.0.0.1", 9464),
        ("9464", "127.0.0.1", 9464),
        ("[::1]:9", "::1", 9),
    ],
)
def test_metrics_addresses(text: str, host: str, port: int) -> None:
    address = parse_metrics_address(text)
    assert (address.host, address.port) == (host, port)


@pytest.mark.parametrize("text", ["127.0.0.1:http", "127.0.0.1:70000"])
def test_a_bad_metrics_address_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError, match="--metrics"):
        parse_metrics_address(text)
