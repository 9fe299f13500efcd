"""Every server vcall starts (tap, the emulator, the example bot) keeps its bounds against a
hostile client: an endless head, a huge body, a client that stops mid-request, more connections
than the file limit allows. Each bound answers or closes, counts, and says so once."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from vcall.simulator.emulator.bounds import MAX_HEAD_BYTES, ServerBounds
from vcall.simulator.emulator.serve import ServerThread
from vcall.simulator.example_bot import app as example_bot

CALLIN = (
    "call_id=1%5E2&timestamp=1700000000000&content_type=callin"
    "&content=%7B%22caller%22%3A%2213900000000%22%7D"
)


@pytest.fixture
def said() -> list[str]:
    return []


@pytest.fixture
def server(said: list[str]) -> Iterator[ServerThread]:
    bounds = ServerBounds(request_read_s=0.5, max_connections=8, notify=said.append)
    with ServerThread(example_bot, bounds=bounds) as running:
        yield running


def connect(server: ServerThread) -> socket.socket:
    url = httpx.URL(server.url)
    client = socket.create_connection((url.host, url.port or 80), timeout=5)
    return client


def read_all(client: socket.socket) -> bytes:
    chunks = []
    try:
        while chunk := client.recv(65536):
            chunks.append(chunk)
    except ConnectionResetError:
        pass
    return b"".join(chunks)


def real_callback(server: ServerThread) -> int:
    with httpx.Client(trust_env=False, timeout=5) as client:
        answer = client.post(
            server.url + "/callback",
            content=CALLIN,
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
    return answer.status_code


def test_an_endless_request_head_is_answered_431_and_closed(
    server: ServerThread, said: list[str]
) -> None:
    client = connect(server)
    client.sendall(b"POST /callback HTTP/1.1\r\nHost: x\r\n")
    try:
        for _ in range(200):  # 200 x 4 KiB: far past the 16 KiB head bound
            client.sendall(b"X-Pad: " + b"a" * 4096 + b"\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass
    answer = read_all(client)
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:80]
    assert server.bounds.counts.head_too_large == 1
    assert said == [
        f"a request head over {MAX_HEAD_BYTES} bytes: answered 431 (said once; counted in the "
        "summary)"
    ]
    assert real_callback(server) == 200


def test_a_declared_body_over_the_limit_is_answered_413_unread(server: ServerThread) -> None:
    client = connect(server)
    client.sendall(b"POST /callback HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\nab")
    assert read_all(client).startswith(b"HTTP/1.1 413 ")
    assert server.bounds.counts.body_too_large == 1


def test_a_chunked_body_over_the_limit_is_cut_off(server: ServerThread) -> None:
    client = connect(server)
    client.sendall(b"POST /callback HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"%x\r\n%s\r\n" % (65536, b"a" * 65536)
    try:
        for _ in range(40):  # 2.5 MiB: past the 1 MiB default
            client.sendall(chunk)
    except (BrokenPipeError, ConnectionResetError):
        pass
    read_all(client)
    assert server.bounds.counts.body_too_large == 1


@pytest.mark.parametrize(
    "sent",
    [b"", b"POST /callback HTTP/1.1\r\nHo", b"POST / HTTP/1.1\r\nContent-Length: 50\r\n\r\nab"],
    ids=["nothing", "half a head", "half a body"],
)
def test_a_client_that_stops_mid_request_is_closed_after_the_read_time(
    server: ServerThread, sent: bytes
) -> None:
    client = connect(server)
    client.sendall(sent)
    started = time.monotonic()
    assert read_all(client) in (b"", b"HTTP/1.1 408 Request Timeout")
    assert time.monotonic() - started < 3.0
    assert server.bounds.counts.too_slow == 1


def test_slow_connections_past_the_limit_give_way_to_a_real_callback(
    server: ServerThread, said: list[str]
) -> None:
    slow = [connect(server) for _ in range(20)]
    for client in slow:
        client.sendall(b"POST /callback HTTP/1.1\r\n")
    try:
        assert [real_callback(server) for _ in range(5)] == [200] * 5
    finally:
        for client in slow:
            client.close()
    assert server.bounds.counts.made_room >= 12
    assert any("connections open: the longest-waiting idle one was closed" in m for m in said)


def test_the_emulator_keeps_the_same_bounds() -> None:
    """An endless head grew the emulator to 717 MB: it is cut at 16 KiB like every server's."""
    from emulator_helpers import Harness

    said: list[str] = []
    bounds = ServerBounds(notify=said.append)
    with ServerThread(Harness().emulator, bounds=bounds) as running:
        client = connect(running)
        client.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n")
        try:
            for _ in range(100):
                client.sendall(b"X-Pad: " + b"a" * 4096 + b"\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        assert read_all(client).startswith(b"HTTP/1.1 431 ")
    assert bounds.counts.head_too_large == 1 and len(said) == 1
