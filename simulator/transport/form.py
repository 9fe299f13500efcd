"""A fast ``application/x-www-form-urlencoded`` encoder for the callback parameters.

``urllib.parse.urlencode`` looks up every byte in a Python loop: about 20 µs for a ``normal``
callback, whose ``content`` is a few hundred characters of JSON. That is a fifth of what ``vcall
load`` may spend on a whole callback. Here the usual text -- letters, digits, JSON punctuation,
spaces and non-ASCII words -- is escaped with a few C-level passes (``str.encode`` with an error
handler for the non-ASCII runs, ``bytes.replace`` per punctuation mark present); anything else goes
through ``urllib.parse.quote_plus``. The output is byte for byte what ``urlencode`` produces.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from urllib.parse import quote_plus

_ERROR_HANDLER = "vcall.percent-utf8"
_COMMON_ESCAPES = (
    (b"{", b"%7B"),
    (b"}", b"%7D"),
    (b'"', b"%22"),
    (b":", b"%3A"),
    (b",", b"%2C"),
    (b"[", b"%5B"),
    (b"]", b"%5D"),
    (b"^", b"%5E"),
    (b" ", b"+"),
)
"""The ASCII characters of JSON text and call ids that need escaping, and their escapes."""
_HANDLED = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~%" + b"".join(
    char for char, _ in _COMMON_ESCAPES
)
"""What the fast path leaves as it is or escapes (``%``: only the ones it wrote itself); any
other ASCII character (punctuation, controls, a ``%`` or ``+`` of the text) goes to
``quote_plus``."""


def _percent_utf8(error: UnicodeError) -> tuple[str, int]:
    """``str.encode("ascii", ...)`` error handler: a run of non-ASCII text as ``%XX`` bytes."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    run = error.object[error.start : error.end].encode("utf-8")
    return "%" + run.hex("%").upper(), error.end


codecs.register_error(_ERROR_HANDLER, _percent_utf8)


def form_quote(text: str) -> bytes:
    """``text`` escaped for a form body: ``quote_plus(text, safe="")``, as ASCII bytes."""
    if text.isascii() and text.isalnum():  # digits, kinds: nothing to escape
        return text.encode("ascii")
    if "%" in text or "+" in text:
        return quote_plus(text, safe="").encode("ascii")
    quoted = text.encode("ascii", _ERROR_HANDLER)  # non-ASCII text: %XX of its UTF-8 bytes
    if quoted.translate(None, _HANDLED):
        return quote_plus(text, safe="").encode("ascii")
    for char, escape in _COMMON_ESCAPES:
        if char in quoted:
            quoted = quoted.replace(char, escape)
    return quoted


def encode_form(params: Mapping[str, str]) -> bytes:
    """The body ``urlencode(params)`` would give, as bytes."""
    names = _NAMES
    return b"&".join(
        [(names.get(name) or _name(name)) + _value(value) for name, value in params.items()]
    )


_NAMES: dict[str, bytes] = {}
"""``name=`` per parameter name seen (callbacks have four)."""
_SHORT_VALUES: dict[str, bytes] = {}
"""Short values seen lately, quoted: a call sends its call id with each of its callbacks."""
_SHORT = 40
_SHORT_VALUES_KEPT = 4096
_LONG_VALUES: dict[str, bytes] = {}
"""Longer values seen lately, quoted: a load run plays the same fixtures again and again, and a
step's ``content`` is the same text in every call (quoting one costs ~5 µs, finding it ~0.3)."""
_LONG = 1024
_LONG_VALUES_KEPT = 512
"""At most ~6 MB: 512 values of up to 1,024 characters, each with its quoted form."""


def _name(name: str) -> bytes:
    quoted = form_quote(name) + b"="
    if len(_NAMES) < 64:
        _NAMES[name] = quoted
    return quoted


def _value(value: str) -> bytes:
    if value.isascii() and value.isalnum():  # digits, kinds
        return value.encode("ascii")
    size = len(value)
    if size > _SHORT:
        return _long_value(value) if size <= _LONG else form_quote(value)
    quoted = _SHORT_VALUES.get(value)
    if quoted is None:
        if len(_SHORT_VALUES) >= _SHORT_VALUES_KEPT:
            _SHORT_VALUES.clear()
        quoted = _SHORT_VALUES[value] = form_quote(value)
    return quoted


def _long_value(value: str) -> bytes:
    quoted = _LONG_VALUES.get(value)
    if quoted is None:
        if len(_LONG_VALUES) >= _LONG_VALUES_KEPT:
            _LONG_VALUES.clear()
        quoted = _LONG_VALUES[value] = form_quote(value)
    return quoted
