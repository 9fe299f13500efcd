"""Text that is safe to print or write: no control characters that a terminal would obey.

A network peer chooses some of what vcall prints (a ``call_id``, a bot's words): an ``ESC`` or a
``BEL`` in it could retitle, clear or recolour the operator's terminal, a ``CR`` could overwrite
the line before it. :func:`neutralize_controls` shows every such character as a visible escape
(``\\x1b``, ``\\u202e``) instead; newlines and tabs are kept only when ``keep_newlines``.
"""

from __future__ import annotations

import json
import re

_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
_CONTROL_NO_NEWLINES = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def neutralize_controls(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with every C0/C1 control character (and the bidirectional overrides that
    reorder what is shown) replaced by its visible escape. With ``keep_newlines``, ``\\n`` and
    ``\\t`` stay as they are; ``\\r`` never does."""
    if text.isprintable():  # the common text: no Cc/Cf/Zl/Zp character, nothing to show
        return text
    pattern = _CONTROL if keep_newlines else _CONTROL_NO_NEWLINES
    return pattern.sub(_escape, text)


def has_controls(text: str) -> bool:
    """Whether :func:`neutralize_controls` would change ``text`` (newlines counted)."""
    return _CONTROL_NO_NEWLINES.search(text) is not None


_SHOWN_RAW = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""What ``json.dumps(ensure_ascii=False)`` leaves raw that a terminal showing the file (``cat``,
``less -r``) may obey: C1 controls (``\\x9b`` is CSI) and bidirectional overrides."""


def json_text(value: object) -> str:
    """``value`` as indented JSON, Chinese kept readable, every control character escaped
    (``\\u009b``): the same data, safe to show on a terminal."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return _SHOWN_RAW.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
