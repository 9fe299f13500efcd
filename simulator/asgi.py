"""The few ASGI pieces vcall's own apps share (the example bot, the emulator): types and body reading."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyTooLarge(Exception):
    """A request body longer than the reader's limit; the rest of it was not read."""


async def read_body(receive: Receive, limit: int | None = None) -> bytes:
    """The whole request body, however many ``http.request`` messages it comes in. With
    ``limit``, :class:`BodyTooLarge` as soon as more than ``limit`` bytes have come (the rest
    is never read, so memory stays bounded)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if limit is not None and size > limit:
            raise BodyTooLarge(f"request body over {limit} bytes")
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def declared_length(scope: Scope) -> int | None:
    """The request's ``content-length`` header as a number (``None`` when absent or garbled)."""
    for name, value in scope.get("headers", ()):
        if name.lower() == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else None
    return None
