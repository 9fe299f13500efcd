"""Judging one exchange: what went wrong on the way to the endpoint and back, as findings.

Sending is :mod:`vcall.simulator.transport`'s job; this module only reads the ``Exchange`` a
sender reported (unreachable, timeout, too large, ambiguous framing, slow).
"""

from __future__ import annotations

from collections.abc import Mapping

from vcall.simulator.findings import Finding, Severity
from vcall.simulator.spec import MAX_RESPONSE_BYTES, SPEC_NOTES
from vcall.simulator.transport import Exchange


def delivery_findings(
    exchange: Exchange, *, timeout_s: float, latency_budget_ms: float | None
) -> list[Finding]:
    """Findings about the round trip itself (not the body): unreachable, timeout, size, latency."""
    findings: list[Finding] = []
    if _ambiguous_framing(exchange.headers):
        findings.append(_FRAMING_FINDING)
    if exchange.error is not None:
        findings.append(_error_finding(exchange, timeout_s))
    elif latency_budget_ms is not None and exchange.latency_ms > latency_budget_ms:
        message = (
            f"answered in {exchange.latency_ms:.0f} ms, over the latency budget of {latency_budget_ms:.0f} ms "
            "(vcall's budget; the vendor documents no deadline)"
        )
        findings.append(
            Finding(
                "latency-budget",
                Severity.WARNING,
                "",
                message,
                SPEC_NOTES,
                f"≤ {latency_budget_ms:.0f} ms",
                f"{exchange.latency_ms:.0f} ms",
            )
        )
    return findings


_ERROR_RULES = {
    "connect": ("endpoint-unreachable", "could not connect to {url}: {detail}"),
    "timeout": (
        "endpoint-timeout",
        "no answer within {timeout:g} s (vcall's --timeout; the vendor sets none)",
    ),
    "too-large": (
        "body-too-large",
        "the response body is over {limit} bytes; vcall stops reading at that size",
    ),
    "protocol": ("http-protocol-error", "the HTTP exchange failed: {detail}"),
    "encoding": ("body-encoding", "the body cannot be decoded: {detail}"),
}


def _ambiguous_framing(headers: Mapping[str, str]) -> bool:
    return "content-length" in headers and "chunked" in headers.get("transfer-encoding", "").lower()


_FRAMING_FINDING = Finding(
    "http-framing",
    Severity.WARNING,
    "",
    "the response has both Content-Length and Transfer-Encoding: chunked; vcall reads it chunked "
    "(RFC 9112 §6.3) and drops the connection, but a strict client rejects it: send one of them",
    SPEC_NOTES,
)


def _error_finding(exchange: Exchange, timeout_s: float) -> Finding:
    rule, template = _ERROR_RULES.get(exchange.error or "protocol", _ERROR_RULES["protocol"])
    message = template.format(
        url=exchange.url.split("?", 1)[0],
        detail=exchange.error_detail,
        timeout=timeout_s,
        limit=MAX_RESPONSE_BYTES,
    )
    return Finding(rule, Severity.ERROR, "", message, SPEC_NOTES)
