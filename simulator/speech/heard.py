"""The "heard as" line of a turn: an answer's spoken items as the TTS front end reads them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from vcall.simulator.speech.tts_reading import tts_reading
from vcall.simulator.text_safety import neutralize_controls
from vcall.simulator.validation.common import _file_piece


def heard_as(items: Sequence[str]) -> str:
    """The spoken items (TTS text filled in) as the caller hears them, joined with `` + ``;
    empty when every item is heard as written (files and voice ids are left as they are)."""
    readings = [item if _file_piece(item) else tts_reading(item).heard for item in items]
    if readings == list(items):
        return ""
    return neutralize_controls(" + ".join(readings))  # the bot's text: shown, never obeyed


def heard_as_answer(data: Mapping[str, object] | None) -> str:
    """:func:`heard_as` of an answer's ``action_code`` with its ``action_code_param`` values."""
    if not data:
        return ""
    from vcall.simulator.live.status import spoken_items, tts_values

    return heard_as(spoken_items(str(data.get("action_code") or ""), tts_values(data)))
