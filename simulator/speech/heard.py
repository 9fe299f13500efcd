"""The "heard as" line of a turn: an answer's spoken items as the TTS front end reads them."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from vcall.simulator.spec import TTS_VARIABLE_PATTERN
from vcall.simulator.speech.tts import tts_reading
from vcall.simulator.text_safety import neutralize_controls

_CODE_PIECE = re.compile(r"[\x21-\x7e]+|.*\.(?:wav|mp3|pcm|amr|m4a|ogg|aac|wma)", re.IGNORECASE)
"""A meant item that reads as a file, a voice id or a URL: printable ASCII without blanks, or a
name with an audio extension (``欢迎.wav``). Prose (``您好，这里是…``) is not one."""


def file_piece(piece: str) -> bool:
    """A meant item that is a file, voice id or URL (no ``$name$`` variable): played, not read."""
    piece = piece.strip()
    return bool(_CODE_PIECE.fullmatch(piece)) and not TTS_VARIABLE_PATTERN.search(piece)


def fill_tts(code: str, values: Mapping[str, str]) -> str:
    """``$text$`` -> its value; a variable without one stays as written."""
    return TTS_VARIABLE_PATTERN.sub(lambda match: values.get(match.group(1), match.group(0)), code)


def spoken_items(action_code: str, values: Mapping[str, str]) -> tuple[str, ...]:
    """What an ``action_code`` plays, item by item, with its TTS variables filled in."""
    return tuple(fill_tts(code.strip(), values) for code in action_code.split(",") if code.strip())


def heard_as(items: Sequence[str]) -> str:
    """The spoken items (TTS text filled in) as the caller hears them, joined with `` + ``;
    empty when every item is heard as written (files and voice ids are left as they are)."""
    readings = [item if file_piece(item) else tts_reading(item).heard for item in items]
    if readings == list(items):
        return ""
    return neutralize_controls(" + ".join(readings))  # the bot's text: shown, never obeyed


def heard_as_answer(action_code: str, values: Mapping[str, str]) -> str:
    """:func:`heard_as` of an answer's ``action_code`` with its ``action_code_param`` values."""
    return heard_as(spoken_items(action_code, values))
