"""Sending callbacks: the ``Sender`` protocol and the wire limits, the httpx sender (in-process
apps, proxies), the keep-alive HTTP/1.1 client and its pool (URLs), form encoding and content
coding. The guarantees live here, once: a callback is never resent, every read is bounded."""

from vcall.simulator.transport.content_coding import ACCEPTED, BodyDecoder, EncodingError
from vcall.simulator.transport.form import encode_form, form_quote
from vcall.simulator.transport.http1 import Connection, RawResponse, WireError
from vcall.simulator.transport.http_sender import HttpSender
from vcall.simulator.transport.httpx_sender import HttpxSender, deliver
from vcall.simulator.transport.pool import ConnectionPool, Deadlines, round_trip
from vcall.simulator.transport.sender import (
    BODY_KEEP_BYTES,
    EXTRA_RESPONSE,
    MAX_HEADER_BYTES,
    Exchange,
    Placement,
    Sender,
)

__all__ = [
    "ACCEPTED",
    "BODY_KEEP_BYTES",
    "EXTRA_RESPONSE",
    "MAX_HEADER_BYTES",
    "BodyDecoder",
    "Connection",
    "ConnectionPool",
    "Deadlines",
    "EncodingError",
    "Exchange",
    "HttpSender",
    "HttpxSender",
    "Placement",
    "RawResponse",
    "Sender",
    "WireError",
    "deliver",
    "encode_form",
    "form_quote",
    "round_trip",
]
