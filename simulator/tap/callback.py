"""A request the platform sent to tap, read as a callback (without changing what is forwarded).

The four parameters (``call_id``, ``timestamp``, ``content_type``, ``content``) may travel in the
query string or in a form-encoded body (docs/platform.md §1); both are read, the body winning. Content
values are taken as the platform sends them (strings) or as vcall's model sends them (numbers,
dates): readers here accept both. A request that is not a callback is *malformed*: it is still
forwarded as received, but not grouped into a call.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from vcall.simulator.model import to_int
from vcall.simulator.spec import CallbackKind

FORM_TYPE = "application/x-www-form-urlencoded"
PARAMETERS = ("call_id", "timestamp", "content_type", "content")


@dataclass(frozen=True, slots=True)
class ReceivedCallback:
    """One callback as the platform sent it."""

    call_id: str
    kind: str
    """``content_type`` as received: a :class:`CallbackKind` value, or a kind vcall does not
    model (``parallel_transfer`` results on an older model)."""
    timestamp_ms: int | None
    content: Mapping[str, Any]
    params: dict[str, str]
    placement: str
    """``query`` or ``form``: where the parameters were."""

    @property
    def known_kind(self) -> CallbackKind | None:
        return CallbackKind._value2member_map_.get(self.kind)  # type: ignore[return-value]


class MalformedCallback(ValueError):
    """Why a request is not a callback (one line)."""


def read_callback(query: bytes, body: bytes, content_type: str) -> ReceivedCallback:
    """The callback in a request; :class:`MalformedCallback` when it is not one."""
    params, placement = _parameters(query, body, content_type)
    missing = [name for name in ("call_id", "content_type") if not params.get(name)]
    if missing:
        raise MalformedCallback(f"no {' or '.join(missing)} parameter")
    content = _content(params.get("content", ""))
    timestamp = content_int(params, "timestamp")
    return ReceivedCallback(
        params["call_id"], params["content_type"], timestamp, content, params, placement
    )


def _parameters(query: bytes, body: bytes, content_type: str) -> tuple[dict[str, str], str]:
    from_query = _decode(query) if query else {}
    from_body: dict[str, str] = {}
    if body and (FORM_TYPE in content_type.lower() or not content_type):
        from_body = _decode(body)
    if any(name in from_body for name in PARAMETERS):
        return {**from_query, **from_body}, "form"
    return from_query, "query"


def _decode(raw: bytes) -> dict[str, str]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedCallback("the parameters are not UTF-8") from None
    return dict(parse_qsl(text, keep_blank_values=True))


def _content(text: str) -> dict[str, Any]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError as error:
        raise MalformedCallback(f"content is not JSON: {error}") from None
    if not isinstance(value, dict):
        raise MalformedCallback(f"content is a JSON {type(value).__name__}, not an object")
    return value


CONTENT_INTEGER = re.compile(r"\s*[+-]?\d{1,19}\s*")
"""Content integers include Unix times in ms (13 digits), longer than an answer's numbers."""


def content_int(content: Mapping[str, Any], name: str) -> int | None:
    """An integer content value, sent as a string (the platform) or a number (vcall's model)."""
    value = content.get(name)
    if isinstance(value, str):
        return int(value) if CONTENT_INTEGER.fullmatch(value) else None
    return to_int(value)


def content_text(content: Mapping[str, Any], name: str) -> str:
    value = content.get(name)
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)
