"""A closed call written as a fixture: reconstructed, made private, written atomically.

The fixture is written by the console's recording writer (:mod:`vcall.simulator.live.recording`):
the bot's answers become each step's expectations (stable ``data`` fields, marked by the
``recorded`` tag), the call's numbers are replaced by their fakes everywhere, words go through
``--redact``. A transfer ``number`` that is none of the call's own numbers (an agent line the bot
knows) is expected by its shape, so the fake does not fail a replay against the same bot.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from vcall.simulator.atomic import write_atomic
from vcall.simulator.fixture.scenario import BargeIn, CallSettings, Say, Step
from vcall.simulator.live.recording import CallRecording, document_yaml, fixture_document
from vcall.simulator.model import Callback
from vcall.simulator.replay.results import Exchange, Turn
from vcall.simulator.spec import CALLBACK_DELIVERY
from vcall.simulator.tap.calls import CloseReason, TapCall
from vcall.simulator.tap.privacy import Redactor
from vcall.simulator.tap.reconstruct import Reconstruction, reconstruct
from vcall.simulator.tap.recorded import Recorded

TAP_TAG = "tap"
HEADER = (
    "# Recorded by vcall tap from a call that passed through it: the expectations are the bot's\n"
    "# answers as recorded. Replay it: vcall simulate BOT_URL --fixture THIS_FILE\n"
)
NAMES = {"inbound": "录制的来电", "outbound": "录制的外呼"}


@dataclasses.dataclass(frozen=True, slots=True)
class SavedCall:
    path: Path
    steps: int
    divergences: tuple[str, ...]
    size: int = 0
    """Bytes written."""


def fixture_text(
    call: TapCall, redactor: Redactor, reason: CloseReason
) -> tuple[str, Reconstruction]:
    """The call's fixture as YAML, and the reconstruction it was made from."""
    built = reconstruct(call.call_id, call.turns, ended=call.ended)
    known = {**call.numbers, **redactor.numbers(_numbers(built.settings))}
    recording = CallRecording(
        settings=_private_settings(built.settings, known),
        steps=tuple(_private_step(step, redactor, known) for step in built.steps),
        turns=tuple(
            _turn(item, call.call_id, redactor, known) for item in built.recorded if item.kind
        ),
        call_id=call.call_id,
        end_reason=built.end_reason,
        media={redactor.text(code, known): ms for code, ms in built.media.items()},
        description=_description(call, built, reason),
        header=HEADER,
        tags=(TAP_TAG,),
    )
    stamp = _stamp(call, "%Y-%m-%d %H:%M:%S")
    name = f"{NAMES[built.settings.direction.value]} {stamp} ({_digest(call.call_id)})"
    document = fixture_document(recording, name)
    if not redactor.faker.keep:
        _numbers_by_shape(document, set(known.values()) & set(_numbers(recording.settings)))
    return document_yaml(document, HEADER, fast=True), built


def save_call(call: TapCall, directory: Path, redactor: Redactor, reason: CloseReason) -> SavedCall:
    """Write the call into ``directory`` (atomically); ``OSError`` when it cannot be written."""
    text, built = fixture_text(call, redactor, reason)
    stem = f"{_stamp(call, '%Y%m%d-%H%M%S')}-{built.settings.direction.value}-"
    path = _free_path(directory, stem + _digest(call.call_id))
    write_atomic(path, text)
    return SavedCall(path, len(built.steps), built.divergences, len(text.encode("utf-8")))


def _digest(call_id: str) -> str:
    return hashlib.sha256(call_id.encode("utf-8")).hexdigest()[:8]


def _free_path(directory: Path, stem: str) -> Path:
    """``stem.yaml``, or ``stem-2.yaml`` ... when taken (a file tap did not just write is never
    replaced: a call_id seen twice in the same second gets its own file)."""
    path = directory / f"{stem}.yaml"
    number = 1
    while path.exists():
        number += 1
        path = directory / f"{stem}-{number}.yaml"
    return path


def _stamp(call: TapCall, pattern: str) -> str:
    return time.strftime(pattern, time.gmtime(call.first_seen))


def _numbers(settings: CallSettings) -> list[str]:
    return [number for number in (settings.caller, settings.callee, settings.orgcallee) if number]


def _private_settings(settings: CallSettings, known: Mapping[str, str]) -> CallSettings:
    return dataclasses.replace(
        settings,
        caller=known.get(settings.caller, settings.caller),
        callee=known.get(settings.callee, settings.callee),
        orgcallee=known.get(settings.orgcallee, settings.orgcallee),
    )


def _private_step(step: Step, redactor: Redactor, known: Mapping[str, str]) -> Step:
    action = step.action
    if isinstance(action, Say | BargeIn):
        action = dataclasses.replace(action, words=redactor.text(action.words, known))
    return dataclasses.replace(step, action=action)


def _turn(item: Recorded, call_id: str, redactor: Redactor, known: Mapping[str, str]) -> Turn:
    assert item.kind is not None
    tapped = item.turn
    received = tapped.callback
    stamp = received.timestamp_ms if received.timestamp_ms is not None else 0
    callback = Callback(item.kind, call_id, item.at_ms, stamp, {}, item.step_index)
    exchange = Exchange(CALLBACK_DELIVERY.method, "", {}, received.placement, tapped.status)
    envelope = redactor.value(tapped.envelope, known) if tapped.envelope is not None else None
    return Turn(item.index + 1, callback, exchange, envelope, (), item.step_index)


def _description(call: TapCall, built: Reconstruction, reason: CloseReason) -> str:
    ending = built.end_reason.value if built.end_reason else f"closed by tap ({reason.value})"
    text = (
        f"Recorded by vcall tap at {_stamp(call, '%Y-%m-%d %H:%M:%S')} UTC: {call.count} "
        f"callback(s), {len(built.steps)} step(s), {ending}."
    )
    if call.truncated:
        text += f" Only the first {len(call.turns)} callbacks were kept."
    if built.divergences:
        shown = "; ".join(built.divergences[:5])
        more = f" (+{len(built.divergences) - 5} more)" if len(built.divergences) > 5 else ""
        text += f" Where vcall's model differs from the recording: {shown}{more}."
    return text


def _numbers_by_shape(document: dict[str, Any], call_fakes: set[str]) -> None:
    """A ``number`` expectation that is none of the call's numbers: expected by its shape."""
    steps = document.get("steps", [])
    expectations = [document.get("answer")]  # the callin answer's: the mapping itself
    expectations += [step.get("expect") if isinstance(step, dict) else None for step in steps]
    for expect in expectations:
        number = expect.get("number") if isinstance(expect, dict) else None
        if isinstance(expect, dict) and isinstance(number, str) and number not in call_fakes:
            expect["number"] = {"regex": _shape(number)}


def _shape(number: str) -> str:
    if number.isdigit():
        return rf"^\d{{{len(number)}}}$"
    return "^" + "".join(r"\d" if char.isdigit() else re.escape(char) for char in number) + "$"
