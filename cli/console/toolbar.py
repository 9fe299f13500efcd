"""The console's bottom toolbar: the call's state in one line.

``▶ welcome.wav 1.2 s/3.0 s │ waiting for keys 1_ │ dynamic_id menu │ 00:42``
"""

from __future__ import annotations

from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.utils import get_cwidth

from vcall.simulator.live import CallStatus, PlayingStatus
from vcall.simulator.model import DtmfInfo

LABEL_WIDTH = 28
"""What plays is cut to this many terminal cells (a TTS sentence can be long)."""
SEPARATOR = ("class:toolbar.dim", " │ ")


def elapsed_text(ms: int) -> str:
    """Call time as ``mm:ss`` (``h:mm:ss`` past an hour)."""
    seconds = ms // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


def shorten(text: str, width: int = LABEL_WIDTH) -> str:
    """``text`` cut to ``width`` terminal cells (a Chinese character takes two), with ``…``."""
    if get_cwidth(text) <= width:
        return text
    cut, cells = "", 0
    for char in text:
        cells += get_cwidth(char)
        if cells > width - 1:
            break
        cut += char
    return cut + "…"


def toolbar_fragments(status: CallStatus | None, *, hint: str = "") -> StyleAndTextTuples:
    """The toolbar for ``status`` (``None``: no call yet)."""
    if status is None:
        return [("class:toolbar", " starting the call…")]
    parts = _ended(status) if status.ended else _live(status)
    fragments: StyleAndTextTuples = [("class:toolbar", " ")]
    for index, part in enumerate(parts):
        if index:
            fragments.append(SEPARATOR)
        fragments.extend(part)
    if hint:
        fragments.extend([SEPARATOR, ("class:toolbar.dim", hint)])
    return fragments


def _live(status: CallStatus) -> list[StyleAndTextTuples]:
    parts: list[StyleAndTextTuples] = []
    if not status.answered:
        parts.append([("class:toolbar.warn", "ringing: the callee answers at your first move")])
    elif status.playing is not None:
        parts.append(_playing(status.playing, status.queued))
    else:
        parts.append([("class:toolbar.dim", "silence")])
    if status.keys is not None:
        parts.append(_keys(status.keys))
    if status.closing is not None:
        parts.append([("class:toolbar.warn", f"ending: {status.closing.value}")])
    if status.dynamic_id:
        parts.append([("class:toolbar.dim", "dynamic_id "), ("class:toolbar", status.dynamic_id)])
    parts.append([("class:toolbar.time", elapsed_text(status.elapsed_ms))])
    return parts


def _playing(playing: PlayingStatus, queued: int) -> StyleAndTextTuples:
    progress = f" {playing.position_ms / 1000:.1f} s/{playing.duration_ms / 1000:.1f} s"
    fragments: StyleAndTextTuples = [
        ("class:toolbar.play", "▶ playing "),
        ("class:toolbar.media", shorten(playing.label)),
        ("class:toolbar", progress),
    ]
    if not playing.breakable:
        fragments.append(("class:toolbar.dim", " (no barge-in)"))
    if queued:
        fragments.append(("class:toolbar.dim", f" +{queued} queued"))
    return fragments


def _keys(keys: DtmfInfo) -> StyleAndTextTuples:
    limits = []
    if keys.max_numbers is not None:
        limits.append(f"max {keys.max_numbers}")
    if keys.end_character:
        limits.append(f"end {keys.end_character}")
    detail = f" ({', '.join(limits)})" if limits else ""
    return [
        ("class:toolbar.keys", f"⌨ waiting for keys {keys.collected}_"),
        ("class:toolbar.dim", detail),
    ]


def _ended(status: CallStatus) -> list[StyleAndTextTuples]:
    reason = status.end_reason.value if status.end_reason else "?"
    return [
        [("class:toolbar.warn", f"call ended: {reason}")],
        [("class:toolbar", "Enter: new call · /save FILE · /quit")],
        [("class:toolbar.time", elapsed_text(status.elapsed_ms))],
    ]
