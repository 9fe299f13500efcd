"""The load path's HTTP sender, against a real uvicorn endpoint and raw servers that misbehave."""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

import httpx
import pytest
from load_servers import (
    EchoApp,
    closed_port,
    raw_server,
    read_request,
    response,
    uvicorn_server,
)

from vcall.simulator.load.http_sender import HttpSender
from vcall.simulator.replay.delivery import Placement, deliver, delivery_findings
from vcall.simulator.replay.results import BODY_KEEP_BYTES, Exchange
from vcall.simulator.spec import MAX_RESPONSE_BYTES, Stage
from vcall.simulator.validation import validate_response

T = TypeVar("T")
CONTENT = {"role": "B", "identity": "id2", "words": "你好，我想查一下快递", "begin_offset": "2000"}
PARAMS = {
    "call_id": "116001838019^104122371019",
    "timestamp": "1700000000123",
    "content_type": "normal",
    "content": json.dumps(CONTENT, ensure_ascii=False, separators=(",", ":")),
}
OK_BODY = '{"result":"success","msg":"成功","data":{"action":"play"}}'.encode()


def run(main: Callable[[], Coroutine[Any, Any, T]], loop: str = "asyncio") -> T:
    if loop == "uvloop":
        uvloop = pytest.importorskip("uvloop")
        return uvloop.run(main())  # type: ignore[no-any-return]
    return asyncio.run(main())


async def send(
    sender: HttpSender, url: str, placement: Placement = Placement.FORM, timeout_s: float = 5.0
) -> Exchange:
    return await sender(url, PARAMS, placement=placement, timeout_s=timeout_s)


def rules(exchange: Exchange) -> list[str]:
    return [
        finding.rule
        for finding in delivery_findings(exchange, timeout_s=5.0, latency_budget_ms=None)
    ]


# --- a real endpoint ----------------------------------------------------------------------------


@pytest.mark.parametrize("loop", ["asyncio", "uvloop"])
def test_form_callbacks_reach_uvicorn_on_one_kept_alive_connection(loop: str) -> None:
    app = EchoApp()

    async def main() -> list[Exchange]:
        async with uvicorn_server(app) as port:
            sender = HttpSender(connections=1)
            url = f"http://127.0.0.1:{port}/callback"
            exchanges = [await send(sender, url), await send(sender, url)]
            await sender.close()
            return exchanges

    first, second = run(main, loop)
    for exchange in (first, second):
        assert exchange.error is None and exchange.status == 200
        assert exchange.method == "POST" and exchange.placement == "form"
        assert exchange.params == PARAMS and exchange.latency_ms > 0
        assert exchange.headers["content-type"] == "application/json; charset=utf-8"
        assert json.loads(exchange.body)["data"]["call_id"] == PARAMS["call_id"]
    assert [seen["params"] for seen in app.received] == [PARAMS, PARAMS], "decoded as sent"
    assert [seen["path"] for seen in app.received] == ["/callback", "/callback"]


def test_parameters_in_the_query_keep_the_query_the_url_has() -> None:
    app = EchoApp()

    async def main() -> Exchange:
        async with uvicorn_server(app) as port:
            sender = HttpSender(connections=2)
            url = f"http://127.0.0.1:{port}/callback?token=abc"
            return await send(sender, url, Placement.QUERY)

    exchange = run(main)
    assert exchange.error is None and exchange.placement == "query"
    assert exchange.url.startswith("http://127.0.0.1:") and "?token=abc&call_id=" in exchange.url
    seen = app.received[0]
    assert seen["method"] == "POST" and seen["query"].startswith("token=abc&")
    assert seen["params"] == {"token": "abc", **PARAMS}


def test_the_exchange_is_the_one_httpx_delivery_makes() -> None:
    async def main() -> tuple[Exchange, Exchange]:
        async with uvicorn_server(EchoApp()) as port:
            url = f"http://127.0.0.1:{port}/callback"
            fast = await send(HttpSender(connections=1), url)
            async with httpx.AsyncClient() as client:
                slow = await deliver(client, url, PARAMS)
            return fast, slow

    fast, slow = run(main)
    same = ("method", "url", "params", "placement", "status", "body", "body_truncated", "error")
    assert {name: getattr(fast, name) for name in same} == {
        name: getattr(slow, name) for name in same
    }
    assert set(fast.headers) == set(slow.headers)
    assert fast.headers["content-type"] == slow.headers["content-type"]


# --- endpoints that misbehave -------------------------------------------------------------------


def exchange_with(
    handler: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]], **options: Any
) -> Exchange:
    async def main() -> Exchange:
        async with raw_server(handler) as port:
            return await send(HttpSender(connections=1), f"http://127.0.0.1:{port}/cb", **options)

    return run(main)


def answering(
    data: bytes,
) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if await read_request(reader):
            writer.write(data)
            await writer.drain()
        writer.close()

    return handler


def test_a_refused_connection_is_a_connect_error() -> None:
    async def main() -> Exchange:
        return await send(HttpSender(connections=1), f"http://127.0.0.1:{closed_port()}/cb")

    exchange = run(main)
    assert exchange.error == "connect" and exchange.status is None and exchange.error_detail
    assert rules(exchange) == ["endpoint-unreachable"]


def test_a_connection_closed_mid_response_is_a_protocol_error() -> None:
    cut = response(b"{}" * 50)[:-60]
    exchange = exchange_with(answering(cut))
    assert exchange.error == "protocol" and "mid-response" in exchange.error_detail
    assert rules(exchange) == ["http-protocol-error"]


def test_an_answer_that_is_not_http_is_a_protocol_error() -> None:
    exchange = exchange_with(answering(b"SSH-2.0-OpenSSH_9.6\r\n"))
    assert exchange.error == "protocol" and "not valid HTTP" in exchange.error_detail


def test_a_chunked_answer_is_read_whole() -> None:
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (OK_BODY[:20], OK_BODY[20:]))
    exchange = exchange_with(
        answering(response(chunks + b"0\r\n\r\n", "Transfer-Encoding: chunked"))
    )
    assert exchange.error is None and exchange.status == 200 and exchange.body == OK_BODY


def test_an_answer_that_ends_with_the_connection_is_read_whole() -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
    exchange = exchange_with(answering(head + OK_BODY))
    assert exchange.error is None and exchange.body == OK_BODY


def test_a_gzip_answer_is_decoded() -> None:
    packed = gzip.compress(OK_BODY)
    exchange = exchange_with(answering(response(packed, "Content-Encoding: gzip")))
    assert exchange.error is None and exchange.body == OK_BODY


def test_an_interim_answer_is_skipped_for_the_final_one() -> None:
    exchange = exchange_with(answering(b"HTTP/1.1 100 Continue\r\n\r\n" + response(OK_BODY)))
    assert exchange.error is None and exchange.status == 200 and exchange.body == OK_BODY


def test_an_error_status_is_an_answer_with_its_status() -> None:
    exchange = exchange_with(answering(response(b"oops", status="503 Service Unavailable")))
    assert exchange.error is None and exchange.status == 503 and exchange.body == b"oops"


@pytest.mark.parametrize("encoding", ["identity", "gzip"])
def test_a_body_over_the_limit_is_cut_and_marked_too_large(encoding: str) -> None:
    body = b"x" * (MAX_RESPONSE_BYTES + 1000)
    sent = gzip.compress(body) if encoding == "gzip" else body

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        try:
            writer.write(response(sent, f"Content-Encoding: {encoding}"))
            await writer.drain()
        except ConnectionError:
            pass  # the client stops reading at the limit
        writer.close()

    exchange = exchange_with(handler)
    assert exchange.error == "too-large" and exchange.status == 200 and exchange.body_truncated
    assert exchange.body == b"x" * BODY_KEEP_BYTES
    assert rules(exchange) == ["body-too-large"]


@pytest.mark.parametrize("size", [BODY_KEEP_BYTES + 1, 300_000, MAX_RESPONSE_BYTES])
def test_an_answer_up_to_the_limit_is_kept_whole_and_validated_whole(size: int) -> None:
    body = json_of_size(size)
    exchange = exchange_with(answering(response(body)))
    assert exchange.error is None and exchange.body == body and not exchange.body_truncated
    verdict = validate_response(exchange.body, Stage.FOLLOWUP, status=exchange.status)
    assert not {"body-not-json", "body-not-utf8"} & {f.rule for f in verdict.findings}
    assert exchange.body_text.endswith(" …(cut)") and len(exchange.body_text) < size


def json_of_size(size: int) -> bytes:
    """A valid answer of exactly ``size`` bytes, padded with Chinese text (3 bytes a character)
    so a cut at any byte boundary may land inside a character."""
    head = b'{"result":"success","msg":"'
    tail = b'","data":{"call_id":"c","action":"play","action_code":"a.wav"}}'
    room = size - len(head) - len(tail)
    padding = "成".encode() * (room // 3) + b" " * (room % 3)
    return head + padding + tail


def test_an_endpoint_that_never_answers_times_out_at_the_deadline() -> None:
    class LaterLoop:
        """What the deadline check sees: a loop far past every deadline."""

        def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
            self.loop = loop

        def time(self) -> float:
            return self.loop.time() + 3600

        def call_later(self, *args: Any) -> None:
            return None

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await asyncio.Event().wait()  # never answers (cancelled when the server closes)

    async def main() -> tuple[Exchange, HttpSender]:
        async with raw_server(silent) as port:
            sender = HttpSender(connections=1)
            pending = asyncio.ensure_future(
                send(sender, f"http://127.0.0.1:{port}/cb", timeout_s=600)
            )
            pool = next(iter(sender._pools.values())) if sender._pools else None
            while pool is None or not pool.deadlines._due:
                await asyncio.sleep(0)
                pool = next(iter(sender._pools.values())) if sender._pools else None
            pool.deadlines._check(LaterLoop(asyncio.get_running_loop()))  # type: ignore[arg-type]
            return await pending, sender

    exchange, sender = run(main)
    assert exchange.error == "timeout" and exchange.error_detail == "no answer within 600 s"
    assert rules(exchange) == ["endpoint-timeout"]
    pool = next(iter(sender._pools.values()))
    assert pool.busy == 0 and not pool.idle, "the timed-out connection is not reused"


def test_a_kept_alive_connection_closed_after_the_request_is_reported_never_resent() -> None:
    seen: list[int] = []

    async def closes_reused(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        served = 0
        while await read_request(reader):
            seen.append(served)
            if served:  # read the second request, then gone: it may have been acted on
                break
            writer.write(response(OK_BODY))
            await writer.drain()
            served += 1
        writer.close()

    async def main() -> list[Exchange]:
        async with raw_server(closes_reused) as port:
            sender = HttpSender(connections=1)
            url = f"http://127.0.0.1:{port}/cb"
            return [await send(sender, url), await send(sender, url)]

    first, second = run(main)
    assert first.error is None
    assert second.error == "protocol" and "without a response" in second.error_detail
    assert seen == [0, 1], "the second callback went out once, on the kept connection"


def test_a_kept_alive_connection_the_server_closed_while_idle_is_replaced() -> None:
    seen: list[int] = []

    async def one_per_connection(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        if await read_request(reader):
            seen.append(1)
            writer.write(response(OK_BODY))  # keep-alive by default, then closed while idle
            await writer.drain()
        writer.close()

    async def main() -> list[Exchange]:
        async with raw_server(one_per_connection) as port:
            sender = HttpSender(connections=1)
            url = f"http://127.0.0.1:{port}/cb"
            first = await send(sender, url)
            await asyncio.sleep(0.05)  # the close reaches the client before the next callback
            return [first, await send(sender, url)]

    first, second = run(main)
    assert first.error is None and second.error is None and second.body == OK_BODY
    assert seen == [1, 1], "each callback sent once, the second on a new connection"


def test_a_new_connection_closed_without_an_answer_is_not_retried() -> None:
    count: list[int] = []

    async def hangs_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if await read_request(reader):
            count.append(1)
        writer.close()

    exchange = exchange_with(hangs_up)
    assert exchange.error == "protocol" and "without a response" in exchange.error_detail
    assert count == [1]


def test_a_cancelled_exchange_gives_its_connection_back_closed() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await asyncio.Event().wait()

    async def main() -> HttpSender:
        async with raw_server(silent) as port:
            sender = HttpSender(connections=1)
            pending = asyncio.ensure_future(send(sender, f"http://127.0.0.1:{port}/cb"))
            while not sender._pools or not next(iter(sender._pools.values())).deadlines._due:
                await asyncio.sleep(0)  # until the request is out
            pending.cancel()
            with pytest.raises(asyncio.CancelledError):
                await pending
            return sender

    pool = next(iter(run(main)._pools.values()))
    assert pool.busy == 0 and not pool.idle


@pytest.mark.parametrize("loop", ["asyncio", "uvloop"])
@pytest.mark.parametrize("failure", ["too-large", "protocol"])
def test_a_failed_exchange_leaves_no_reference_cycle_holding_its_body(
    loop: str, failure: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Load runs collect garbage rarely: what a failed exchange held must go by reference
    counting alone (it once kept ~1 MB per oversized answer until a full collection)."""
    import gc
    import weakref

    from vcall.simulator.load import http1

    made: list[weakref.ref[http1.Connection]] = []
    init = http1.Connection.__init__

    def recorded(self: http1.Connection, *args: Any) -> None:
        init(self, *args)
        made.append(weakref.ref(self))

    monkeypatch.setattr(http1.Connection, "__init__", recorded)
    big = b" " * (MAX_RESPONSE_BYTES + 10)

    async def oversized(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while await read_request(reader):
            answer = response(big)
            writer.write(answer if failure == "too-large" else answer[: len(answer) // 2])
            await writer.drain()
            if failure == "protocol":
                break  # closed mid-body: the exchange fails with an exception
        writer.close()

    async def main() -> list[str | None]:
        async with raw_server(oversized) as port:
            sender = HttpSender(connections=1)
            url = f"http://127.0.0.1:{port}/cb"
            errors = [(await send(sender, url)).error for _ in range(3)]
            await sender.close()
            await asyncio.sleep(0.01)  # the aborted transports report connection_lost
            return errors

    gc.collect()
    gc.disable()
    try:
        assert run(main, loop) == [failure] * 3
        assert len(made) == 3 and all(ref() is None for ref in made)
    finally:
        gc.enable()
