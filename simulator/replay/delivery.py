"""Delivery of one callback over HTTP, and what went wrong on the way as findings.

The platform sends ``call_id``, ``timestamp``, ``content_type`` and ``content`` by POST (seed 000).
vcall puts them form-encoded in the body by default, or in the query string (``--params query``).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

import httpx

from vcall.simulator.findings import Finding, Severity
from vcall.simulator.replay.results import BODY_KEEP_BYTES, Exchange
from vcall.simulator.spec import CALLBACK_DELIVERY, MAX_RESPONSE_BYTES, SPEC_NOTES


class Placement(StrEnum):
    FORM = "form"
    QUERY = "query"


async def deliver(
    client: httpx.AsyncClient,
    url: str,
    params: Mapping[str, str],
    *,
    placement: Placement = Placement.FORM,
    timeout_s: float = 10.0,
) -> Exchange:
    """POST the four parameters; never raises for network trouble (it is in ``Exchange.error``)."""
    request = _build_request(client, url, params, placement, timeout_s)
    started = time.perf_counter()
    try:
        return await _send(client, request, dict(params), placement, started)
    except httpx.TimeoutException as error:
        return _no_answer(request, params, placement, started, "timeout", error)
    except (httpx.ConnectError, httpx.UnsupportedProtocol) as error:
        return _no_answer(request, params, placement, started, "connect", error)
    except httpx.HTTPError as error:
        return _no_answer(request, params, placement, started, "protocol", error)


def _no_answer(
    request: httpx.Request,
    params: Mapping[str, str],
    placement: Placement,
    started: float,
    kind: str,
    error: Exception,
) -> Exchange:
    detail = str(error) or type(error).__name__
    return Exchange.no_answer(
        request.method, str(request.url), params, placement.value, started, kind, detail
    )


class Sender(Protocol):
    """Sends one callback's parameters and reports the round trip; never raises for network trouble."""

    async def __call__(
        self, url: str, params: Mapping[str, str], *, placement: Placement, timeout_s: float
    ) -> Exchange: ...


@dataclass(frozen=True, slots=True)
class HttpxSender:
    """The default sender: an ``httpx.AsyncClient`` (network, or an in-process app's transport)."""

    client: httpx.AsyncClient

    async def __call__(
        self, url: str, params: Mapping[str, str], *, placement: Placement, timeout_s: float
    ) -> Exchange:
        return await deliver(self.client, url, params, placement=placement, timeout_s=timeout_s)


def _build_request(
    client: httpx.AsyncClient,
    url: str,
    params: Mapping[str, str],
    placement: Placement,
    timeout_s: float,
) -> httpx.Request:
    timeout = httpx.Timeout(timeout_s)
    if placement is Placement.QUERY:
        # Merged, not passed as params=: httpx would drop a query the URL already has (?token=...).
        merged = httpx.URL(url).copy_merge_params(dict(params))
        return client.build_request(CALLBACK_DELIVERY.method, merged, timeout=timeout)
    return client.build_request(CALLBACK_DELIVERY.method, url, data=dict(params), timeout=timeout)


async def _send(
    client: httpx.AsyncClient,
    request: httpx.Request,
    params: dict[str, str],
    placement: Placement,
    started: float,
) -> Exchange:
    response = await client.send(request, stream=True)
    try:
        body, too_large = await _read_limited(response)
    finally:
        await response.aclose()
    return Exchange(
        method=request.method,
        url=str(request.url),
        params=params,
        placement=placement.value,
        status=response.status_code,
        headers=dict(response.headers),
        body=body[:BODY_KEEP_BYTES],
        body_truncated=len(body) > BODY_KEEP_BYTES or too_large,
        latency_ms=(time.perf_counter() - started) * 1000,
        error="too-large" if too_large else None,
    )


async def _read_limited(response: httpx.Response) -> tuple[bytes, bool]:
    """The decoded body (gzip undone) up to just over the limit. ``aiter_bytes``, not ``aiter_raw``:
    it also serves a body an in-process transport has already read."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            return b"".join(chunks), True
    return b"".join(chunks), False


def delivery_findings(
    exchange: Exchange, *, timeout_s: float, latency_budget_ms: float | None
) -> list[Finding]:
    """Findings about the round trip itself (not the body): unreachable, timeout, size, latency."""
    findings: list[Finding] = []
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
}


def _error_finding(exchange: Exchange, timeout_s: float) -> Finding:
    rule, template = _ERROR_RULES.get(exchange.error or "protocol", _ERROR_RULES["protocol"])
    message = template.format(
        url=exchange.url.split("?", 1)[0],
        detail=exchange.error_detail,
        timeout=timeout_s,
        limit=MAX_RESPONSE_BYTES,
    )
    return Finding(rule, Severity.ERROR, "", message, SPEC_NOTES)
