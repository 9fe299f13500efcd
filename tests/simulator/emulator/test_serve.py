"""The sockets vcall's servers (example bot, emulator, tap) listen on."""

from __future__ import annotations

import socket

from vcall.simulator.emulator.serve import bind_socket


def test_the_listening_socket_binds_loopback_and_disables_nagle() -> None:
    sock = bind_socket("127.0.0.1", 0)
    try:
        assert sock.getsockname()[0] == "127.0.0.1"
        # accepted connections inherit TCP_NODELAY: a kept-alive answer written as head + body
        # does not wait for the client's delayed ACK (~40 ms per callback before)
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        sock.close()
