"""Delivering one callback over HTTP (mock transport and one real loopback) and its findings."""

from __future__ import annotations

import asyncio
import gzip
import json
import socket
from collections.abc import AsyncIterator, Callable
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from vcall.simulator.findings import Severity
from vcall.simulator.replay.delivery import Placement, deliver, delivery_findings
from vcall.simulator.replay.results import BODY_KEEP_BYTES, Exchange
from vcall.simulator.spec import CALLBACK_DELIVERY, MAX_RESPONSE_BYTES, SPEC_NOTES

CONTENT = {
    "asr_result": "你好，我想查一下我的订单",
    "identity": "id2",
    "current_media_code": "welcome.wav",
}
PARAMS = {
    "call_id": "116001838019^104122371019",
    "timestamp": "1700000000123",
    "content_type": "normal",
    "content": json.dumps(CONTENT, ensure_ascii=False, separators=(",", ":")),
}
OK_BODY = b'{"result":true,"msg":"\xe6\x88\x90\xe5\x8a\x9f","data":{"action":"play","action_code":"a.wav"}}'
URL = "http://bot.test/callback"

Handler = Callable[[httpx.Request], httpx.Response]


def run_deliver(
    handler: Handler, url: str = URL, **options: object
) -> tuple[Exchange, list[httpx.Request]]:
    """Deliver PARAMS through a MockTransport; returns the exchange and the requests the bot saw."""
    seen: list[httpx.Request] = []

    def recording(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    async def go() -> Exchange:
        async with httpx.AsyncClient(transport=httpx.MockTransport(recording)) as client:
            return await deliver(client, url, PARAMS, **options)  # type: ignore[arg-type]

    return asyncio.run(go()), seen


def answer_ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=OK_BODY, headers={"Content-Type": "application/json"})


def raising(error: type[httpx.TransportError], text: str = "") -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error(text, request=request)

    return handler


# --- what is sent -------------------------------------------------------------------------------


def test_form_placement_posts_the_four_params_url_encoded_in_the_body() -> None:
    exchange, (request,) = run_deliver(answer_ok)
    assert request.method == CALLBACK_DELIVERY.method == "POST"
    assert request.url == URL
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    body = request.content.decode("ascii")  # everything percent-encoded
    assert {key: values[0] for key, values in parse_qs(body, strict_parsing=True).items()} == PARAMS
    assert list(parse_qs(body)) == list(CALLBACK_DELIVERY.params)
    assert exchange.placement == "form"


def test_form_body_percent_encodes_chinese_as_utf8() -> None:
    _, (request,) = run_deliver(answer_ok)
    body = request.content.decode("ascii")
    assert "%E4%BD%A0%E5%A5%BD" in body  # 你好
    assert "116001838019%5E104122371019" in body  # the ^ in a real call id
    assert json.loads(parse_qs(body)["content"][0]) == CONTENT


def test_query_placement_puts_the_params_in_the_query_string_with_an_empty_body() -> None:
    exchange, (request,) = run_deliver(answer_ok, placement=Placement.QUERY)
    assert request.method == "POST"
    assert request.content == b""
    query = parse_qs(urlsplit(str(request.url)).query, strict_parsing=True)
    assert {key: values[0] for key, values in query.items()} == PARAMS
    assert "%E4%BD%A0%E5%A5%BD" in str(request.url)
    assert exchange.placement == "query"
    assert exchange.url == str(request.url)


def test_query_placement_keeps_a_query_the_url_already_has() -> None:
    _, (request,) = run_deliver(answer_ok, url=f"{URL}?token=s3cr3t", placement=Placement.QUERY)
    query = parse_qs(urlsplit(str(request.url)).query)
    assert query["token"] == ["s3cr3t"]
    assert query["call_id"] == [PARAMS["call_id"]]


def test_a_successful_exchange_records_the_answer() -> None:
    exchange, _ = run_deliver(answer_ok)
    assert (exchange.method, exchange.url, exchange.params) == ("POST", URL, PARAMS)
    assert exchange.status == 200
    assert exchange.headers["content-type"] == "application/json"
    assert exchange.body == OK_BODY
    assert exchange.body_text == OK_BODY.decode()
    assert not exchange.body_truncated
    assert exchange.error is None
    assert exchange.latency_ms >= 0


def test_a_gzip_encoded_answer_is_kept_decoded() -> None:
    def gzipped(request: httpx.Request) -> httpx.Response:
        headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
        return httpx.Response(200, content=gzip.compress(OK_BODY), headers=headers)

    exchange, _ = run_deliver(gzipped)
    assert exchange.body == OK_BODY


def test_a_streamed_answer_is_read_whole() -> None:
    async def streamed() -> AsyncIterator[bytes]:
        for part in (OK_BODY[:10], OK_BODY[10:]):
            yield part

    exchange, _ = run_deliver(lambda request: httpx.Response(200, content=streamed()))
    assert (exchange.body, exchange.error) == (OK_BODY, None)


def test_an_http_error_status_is_an_answer_not_a_delivery_error() -> None:
    exchange, _ = run_deliver(lambda request: httpx.Response(500, content=b"Internal Server Error"))
    assert (exchange.status, exchange.error, exchange.body) == (500, None, b"Internal Server Error")


# --- size limit ---------------------------------------------------------------------------------


def test_a_body_over_the_limit_is_too_large_and_not_read_to_the_end() -> None:
    chunk = b"x" * 65_536
    total_chunks = 4 * MAX_RESPONSE_BYTES // len(chunk)
    sent: list[int] = []

    async def endless_body() -> AsyncIterator[bytes]:
        for _ in range(total_chunks):
            sent.append(len(chunk))
            yield chunk

    exchange, _ = run_deliver(lambda request: httpx.Response(200, content=endless_body()))
    assert exchange.error == "too-large"
    assert exchange.status == 200
    assert exchange.body_truncated
    assert len(exchange.body) == BODY_KEEP_BYTES
    assert MAX_RESPONSE_BYTES < sum(sent) <= MAX_RESPONSE_BYTES + len(chunk)
    assert exchange.body_text.endswith("…(cut)")


def test_a_body_exactly_at_the_limit_is_fine_kept_whole_and_shown_cut() -> None:
    exchange, _ = run_deliver(
        lambda request: httpx.Response(200, content=b"y" * MAX_RESPONSE_BYTES)
    )
    assert exchange.error is None
    assert len(exchange.body) == MAX_RESPONSE_BYTES
    assert not exchange.body_truncated
    assert len(exchange.body_text) == BODY_KEEP_BYTES + len(" …(cut)")


# --- network trouble ----------------------------------------------------------------------------


def test_a_timeout_is_error_timeout() -> None:
    exchange, _ = run_deliver(raising(httpx.ReadTimeout, "timed out"), timeout_s=2.5)
    assert (exchange.error, exchange.error_detail, exchange.status) == (
        "timeout",
        "timed out",
        None,
    )
    assert (exchange.method, exchange.url, exchange.params, exchange.placement) == (
        "POST",
        URL,
        PARAMS,
        "form",
    )


def test_a_timeout_while_reading_the_body_is_error_timeout() -> None:
    async def stalls() -> AsyncIterator[bytes]:
        yield b'{"result":'
        raise httpx.ReadTimeout("stalled mid-body")

    exchange, _ = run_deliver(lambda request: httpx.Response(200, content=stalls()))
    assert (exchange.error, exchange.error_detail) == ("timeout", "stalled mid-body")


def test_an_error_without_text_is_described_by_its_type() -> None:
    exchange, _ = run_deliver(raising(httpx.ConnectTimeout))
    assert (exchange.error, exchange.error_detail) == ("timeout", "ConnectTimeout")


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (httpx.ConnectError, "connect"),
        (httpx.UnsupportedProtocol, "connect"),
        (httpx.RemoteProtocolError, "protocol"),
        (httpx.ReadError, "protocol"),
    ],
)
def test_transport_errors_are_classified(error: type[httpx.TransportError], kind: str) -> None:
    exchange, _ = run_deliver(raising(error, "boom"))
    assert (exchange.error, exchange.error_detail, exchange.status, exchange.body) == (
        kind,
        "boom",
        None,
        b"",
    )


def unused_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_a_real_loopback_port_with_nothing_listening_is_error_connect() -> None:
    url = f"http://127.0.0.1:{unused_loopback_port()}/callback"

    async def go() -> Exchange:
        async with httpx.AsyncClient() as client:
            return await deliver(client, url, PARAMS, timeout_s=5)

    exchange = asyncio.run(go())
    assert exchange.error == "connect"
    assert exchange.status is None
    assert exchange.error_detail


# --- delivery findings --------------------------------------------------------------------------


def exchange_with(**fields: object) -> Exchange:
    base: dict[str, object] = {
        "method": "POST",
        "url": f"{URL}?call_id=1",
        "params": PARAMS,
        "placement": "form",
    }
    return Exchange(**(base | fields))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("error", "rule", "text"),
    [
        ("connect", "endpoint-unreachable", f"could not connect to {URL}: refused"),
        ("timeout", "endpoint-timeout", "no answer within 2.5 s"),
        ("too-large", "body-too-large", f"over {MAX_RESPONSE_BYTES} bytes"),
        ("protocol", "http-protocol-error", "the HTTP exchange failed: refused"),
    ],
)
def test_each_delivery_error_is_one_error_finding(error: str, rule: str, text: str) -> None:
    exchange = exchange_with(error=error, error_detail="refused", latency_ms=9_999.0)
    (finding,) = delivery_findings(exchange, timeout_s=2.5, latency_budget_ms=100)
    assert (finding.rule, finding.severity, finding.path, finding.seed) == (
        rule,
        Severity.ERROR,
        "",
        SPEC_NOTES,
    )
    assert text in finding.message
    assert "call_id=1" not in finding.message


def test_a_slow_answer_over_the_budget_is_a_latency_warning() -> None:
    (finding,) = delivery_findings(
        exchange_with(status=200, latency_ms=1234.4), timeout_s=10, latency_budget_ms=800
    )
    assert (finding.rule, finding.severity) == ("latency-budget", Severity.WARNING)
    assert (finding.expected, finding.actual) == ("≤ 800 ms", "1234 ms")
    assert "1234 ms" in finding.message and "800 ms" in finding.message


@pytest.mark.parametrize(("latency", "budget"), [(800.0, 800.0), (10.0, 800.0), (99_999.0, None)])
def test_no_finding_within_the_budget_or_without_one(latency: float, budget: float | None) -> None:
    exchange = exchange_with(status=200, latency_ms=latency)
    assert delivery_findings(exchange, timeout_s=10, latency_budget_ms=budget) == []


def test_an_answer_between_the_report_cut_and_the_limit_is_kept_whole() -> None:
    body = b'{"result":"success","msg":"' + "成".encode() * 100_000 + b'","data":{}}'
    assert BODY_KEEP_BYTES < len(body) < MAX_RESPONSE_BYTES

    def big(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"Content-Type": "application/json"})

    exchange, _ = run_deliver(big)
    assert exchange.error is None and exchange.body == body and not exchange.body_truncated
    assert exchange.body_text.endswith(" …(cut)")
