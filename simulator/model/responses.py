"""Applying an endpoint's answer: settings first, then the action (docs/platform.md §3, §6.5).

``answer`` / ``play`` play ``action_code``; ``dtmf`` plays its prompt and starts key collection;
``hangup`` and ``transfer`` play their ``action_code`` (if any), then end the call, and no
callback is sent after them; ``parallel_transfer`` plays its ``action_code`` while the call centre
is dialled, then a ``parallel_transfer`` callback reports the outcome (vendor doc 112703) and the
call goes on; ``parallel_bridge`` ends the bot's part at once, unless there is nothing to
bridge (no parallel transfer in the call, or it failed): then nothing happens, the call goes on
with the bot (noted; READINGS['parallel_bridge']); ``break`` stops a breakable
playback; ``continue`` and ``donothing`` change nothing. Before an outbound call is answered
(early media) nothing can be played: only the ending actions count.
"""

from __future__ import annotations

from collections.abc import Mapping

from vcall.simulator.fixture import ENDING_ACTIONS, EndReason
from vcall.simulator.model.coerce import FieldReader, is_mapping, within
from vcall.simulator.model.core import CallCore, PendingTransfer
from vcall.simulator.model.dtmf import DtmfCollection
from vcall.simulator.model.playback import Playback
from vcall.simulator.model.settings import RESPONSE_NAMES, SettingsUpdate
from vcall.simulator.model.types import ResponseData
from vcall.simulator.spec import (
    DTMF_END_CHARACTERS,
    ECHOED_FIELDS,
    NOTHING_TO_BRIDGE,
    RESPONSE_FIELDS,
    CallbackKind,
    TransferPhase,
    ValueType,
    echoed_into,
)

SILENT_ENDINGS = frozenset({"parallel_bridge"})
_TRANSFERS = frozenset({"transfer"})
_KEEP = frozenset({"continue", "donothing"})
_ECHOED_TEXTS = tuple(
    name
    for name in echoed_into(CallbackKind.PARALLEL_TRANSFER)
    if ECHOED_FIELDS[name] == {CallbackKind.PARALLEL_TRANSFER}
    and RESPONSE_FIELDS[name].type is ValueType.STRING
)
"""The answer's strings only a parallel transfer's outcome echoes (``cc_name``); ``is_monitor``
is read as a flag, ``dynamic_id`` is carried by every callback (``CallCore.callback``)."""


def apply_callin_answer(core: CallCore, data: ResponseData | None) -> None:
    """The answer to ``callin``: ``hangup`` rejects the call; anything else answers it."""
    if not is_mapping(data):
        core.note("no usable answer to callin: the call is not answered")
        core.end_call(EndReason.ENDPOINT_FAILED)
        return
    reader = _reader(core, data, first=True)
    action = reader.text("action") or ""
    if action == "hangup":
        core.end_call(EndReason.BOT_HANGUP)
        return
    if action != "answer":
        core.note(f"callin answered with action {action!r}: the call is answered as with answer")
    core.answer()
    play(core, reader, "answer")


def apply_followup_answer(core: CallCore, data: ResponseData | None) -> None:
    """The answer to any later callback; an unusable one is treated as ``donothing``."""
    if not is_mapping(data):
        core.note("no usable answer: the platform is assumed to do nothing")
        return
    reader = _reader(core, data, first=False)
    action = reader.text("action") or ""
    if action == "parallel_bridge" and core.transfer_phase in NOTHING_TO_BRIDGE:
        _nothing_to_bridge(core)
    elif action in ENDING_ACTIONS:
        _end(core, reader, action)
    elif action in _KEEP:
        if action == "continue" and core.playing is None and core.answered:
            core.note("continue: nothing is playing (a timebreak stops the playback it reports)")
        return
    elif not core.answered:
        core.note(f"{action} ignored: the call is not answered yet")
    elif action in ("play", "answer"):
        play(core, reader, action)
    elif action == "dtmf":
        collect_dtmf(core, reader)
    elif action == "parallel_transfer":
        start_parallel_transfer(core, reader)
    elif action == "break":
        core.break_playback()
    else:
        core.note(f"unknown action {action!r}: treated as donothing")


def _nothing_to_bridge(core: CallCore) -> None:
    """``parallel_bridge`` with no agent to bridge to: the platform cannot bridge and documents no
    other effect, so nothing happens and the call goes on with the bot."""
    why = (
        "no parallel transfer in this call"
        if core.transfer_phase is TransferPhase.NONE
        else "the parallel transfer failed"
    )
    core.note(f"parallel_bridge: nothing to bridge ({why}): nothing happens, the call goes on")


def play(core: CallCore, reader: FieldReader, action: str) -> None:
    playback = _playback(core, reader, action)
    if not playback.items:
        core.note(f"{action} without action_code: nothing to play")
        return
    core.schedule(playback, action_break=reader.boolean("action_break", True))


def collect_dtmf(core: CallCore, reader: FieldReader) -> None:
    """Start key collection; the prompt (if any) plays as any playback does."""
    playback = _playback(core, reader, "dtmf")
    prompt = playback.id if playback.items else None
    if core.dtmf is not None:
        core.note(f"dtmf collection replaced (digits so far: {core.dtmf.digits!r})")
    core.dtmf = DtmfCollection(
        max_numbers=_max_numbers(core, reader),
        end_character=_end_character(core, reader),
        timeout_s=_dtmf_timeout_s(core, reader),
        prompt_id=prompt,
        last_activity_ms=core.now_ms,
    )
    if playback.items:
        core.schedule(playback, action_break=reader.boolean("action_break", True))


def start_parallel_transfer(core: CallCore, reader: FieldReader) -> None:
    """The call centre is dialled while ``action_code`` (a hold prompt, if any) plays; the
    outcome callback follows once it has played (vcall's choice of timing)."""
    playback = _playback(core, reader, "parallel_transfer")
    if core.transfer is not None:
        core.note("parallel_transfer again: the pending one is replaced")
    core.transfer = PendingTransfer(
        prompt_id=playback.id if playback.items else None,
        ready_ms=None if playback.items else core.now_ms,
        is_monitor=reader.boolean("is_monitor", False),
        echoed={name: reader.text(name) or "" for name in _ECHOED_TEXTS},
    )
    core.transfer_phase = TransferPhase.PENDING
    if playback.items:
        core.schedule(playback, action_break=reader.boolean("action_break", True))


def _end(core: CallCore, reader: FieldReader, action: str) -> None:
    reason = ENDING_ACTIONS[action]
    if action in _TRANSFERS:
        core.settings.transfer_number = reader.text("number")
    playback = None if action in SILENT_ENDINGS else _playback(core, reader, action)
    if playback is not None and playback.items and not core.answered:
        core.note(f"{action} before the answer: {playback.name} is not played")
        playback = None
    core.close(reason, playback, action_break=reader.boolean("action_break", True))


def _reader(core: CallCore, data: Mapping[str, object], *, first: bool) -> FieldReader:
    reader = FieldReader(data, core.note)
    update = SettingsUpdate(core.settings, reader, RESPONSE_NAMES, core.note)
    update.apply(first=first, defaults=core.defaults)
    return reader


def _playback(core: CallCore, reader: FieldReader, action: str) -> Playback:
    code = reader.text("action_code") or ""
    items = core.catalog.items(code, reader.params("action_code_param"), core.note)
    time_break = reader.integer("action_code_time_break") or 0
    if time_break < 0:
        core.note(f"action_code_time_break {time_break}: 0 or less is off (docs/platform.md §3)")
    return core.new_playback(
        action,
        items,
        breakable=reader.boolean("action_code_break", True),
        time_break_ms=max(time_break, 0),
    )


def _max_numbers(core: CallCore, reader: FieldReader) -> int | None:
    """The digit limit; absent, or outside 1–50 (ignored, as the validator says): none."""
    value = reader.integer("dtmf_max_numbers")
    return None if value is None else within("dtmf_max_numbers", value, core.note)


def _end_character(core: CallCore, reader: FieldReader) -> str:
    value = reader.text("dtmf_end_character") or ""
    if value not in DTMF_END_CHARACTERS:
        core.note(f"dtmf_end_character {value!r} is not * or #: no end character")
        return ""
    return value


def _dtmf_timeout_s(core: CallCore, reader: FieldReader) -> int:
    default = core.defaults.dtmf_nonin_overtime_s
    value = reader.integer("dtmf_nonin_overtime")
    used = None if value is None else within("dtmf_nonin_overtime", value, core.note)
    return default if used is None else used
