"""Outbound calls: SmartCall's settings, and its opening ``VoiceCode`` played at the answer.

The settings (``MuteTime``, ``PauseTime``, ``SessionTimeout``, ``DynamicId``, ``RecordFlag``,
``EarlyMediaAsr``) apply from the start of the call; ``PauseTime`` is the call's first (and
only) pause setting. The callee answers at the first step that is not early media; from then the
opening plays with ``ActionCodeBreak`` and ``ActionCodeTimeBreak``.
"""

from __future__ import annotations

from vcall.simulator.model.coerce import FieldReader, within
from vcall.simulator.model.core import CallCore
from vcall.simulator.model.settings import SMARTCALL_NAMES, SettingsUpdate

OPENING_ACTION = "VoiceCode"


def apply_smartcall_settings(core: CallCore) -> None:
    reader = FieldReader(core.scenario.call.smartcall, core.note)
    update = SettingsUpdate(core.settings, reader, SMARTCALL_NAMES, core.note)
    update.apply(first=True, defaults=core.defaults)
    core.settings.early_media_asr = reader.boolean("EarlyMediaAsr", False)


def answer_outbound(core: CallCore) -> None:
    """The callee answers now: the opening starts playing."""
    reader = FieldReader(core.scenario.call.smartcall, core.note)
    core.answer()
    code = reader.text("VoiceCode") or ""
    items = core.catalog.items(code, reader.params("VoiceCodeParam"), core.note)
    time_break = reader.integer("ActionCodeTimeBreak")
    if time_break is not None:  # older SmartCall page: > 0; else off, as the validator says
        time_break = within("ActionCodeTimeBreak", time_break, core.note)
    playback = core.new_playback(
        OPENING_ACTION,
        items,
        breakable=reader.boolean("ActionCodeBreak", True),
        time_break_ms=time_break or 0,
    )
    if items:
        core.schedule(playback, action_break=True)
    else:
        core.note("VoiceCode is empty: no opening plays")
