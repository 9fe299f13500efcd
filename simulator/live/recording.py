"""Recording a played call as a fixture that replays it identically.

The steps the caller played become the fixture's steps, word for word and millisecond for
millisecond; the answers observed become expectations on each step's last callback (its kind, and
the answer's ``data`` fields). What would differ on the next run is left out: ``call_id``, values
that hold the call id, Unix timestamps, dates, UUIDs. Anything that looks like a secret (a field
named like one, or the value of an Alibaba Cloud credential variable) is never written.

The document follows ``fixture/fixture.schema.json`` and loads with ``fixture_loader``; files are
written atomically.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from vcall.simulator.atomic import write_atomic
from vcall.simulator.errors import UsageError
from vcall.simulator.fixture import (
    CallSettings,
    Direction,
    EndReason,
    Hangup,
    Step,
    call_mapping,
    document_yaml,
    format_duration,
    step_mapping,
)
from vcall.simulator.replay import Turn
from vcall.simulator.spec import (
    ENV_ACCESS_KEY_ID,
    ENV_ACCESS_KEY_SECRET,
    ENV_SECURITY_TOKEN,
    CallbackKind,
    ResultValue,
)

RECORDED_TAG = "recorded"
ENDINGS = frozenset(EndReason) - {EndReason.ENDPOINT_FAILED}
"""End reasons a fixture can expect (``endpoint_failed`` is not one)."""
FIRST_KEYS = ("action", "action_code", "action_code_param")
"""Expectation fields written first, in this order; the others follow as the answer had them."""
VOLATILE_FIELDS = frozenset({"call_id"})
SECRET_NAME = re.compile(r"secret|token|passw|signature|credential|access_?key|auth", re.IGNORECASE)
SECRET_ENV = (ENV_ACCESS_KEY_SECRET, ENV_SECURITY_TOKEN, ENV_ACCESS_KEY_ID)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}")
DIGIT_RUN = re.compile(r"(?<!\d)(\d{10}|\d{13})(?!\d)")
TIMESTAMP_WINDOW_S = 5 * 365 * 86_400
"""A 10- or 13-digit number this close to the call's time (or now) is taken as a timestamp."""
ROOT_PATHS = frozenset({"callback", "result", "msg", "data"})
"""Bare expectation keys that do not mean ``data.<key>``: such data fields are written dotted."""
DOLLAR_VARIABLE = "vcall_dollar"
"""Written as ``${vcall_dollar}`` where a recorded string holds ``${``, so the loader keeps it."""


@dataclass(frozen=True, slots=True)
class CallRecording:
    """What a recording is made of: the call's settings, the steps played, the turns observed."""

    settings: CallSettings
    steps: tuple[Step, ...]
    turns: tuple[Turn, ...]
    call_id: str
    end_reason: EndReason | None = None
    """How the call ended; ``None`` while it is still up (then the fixture expects no ending)."""
    target: str = ""
    """The target's label (a URL is written without credentials or query)."""
    media: Mapping[str, int] = field(default_factory=dict)
    """Playback durations in ms to write as the fixture's ``media`` table (empty: none)."""
    description: str = ""
    """The fixture's description; empty: one saying it was recorded in the console."""
    header: str = ""
    """The comment lines at the top of the file; empty: the console's."""
    tags: tuple[str, ...] = ()
    """Tags written after ``recorded`` and the direction."""


# --- the document -------------------------------------------------------------------------------


def fixture_document(recording: CallRecording, name: str) -> dict[str, Any]:
    """The fixture as a plain mapping, in the order a person would write it."""
    scrub = _Scrubber.for_recording(recording)
    description = recording.description or _description(recording)
    document: dict[str, Any] = {"name": name, "description": description}
    document["tags"] = [RECORDED_TAG, recording.settings.direction.value, *recording.tags]
    document["call"] = call_mapping(recording.settings)
    if recording.media:
        document["media"] = {code: format_duration(ms) for code, ms in recording.media.items()}
    answer = _answer(recording, scrub)
    if answer:
        document["answer"] = answer
    document["steps"] = [_step(step, recording.turns, scrub) for step in recording.steps]
    if recording.end_reason in ENDINGS:
        document["end"] = recording.end_reason.value
    return _escape_variables(document)


def fixture_text(recording: CallRecording, name: str) -> str:
    """The fixture as YAML, with a comment saying where it came from and how to replay it."""
    return document_yaml(fixture_document(recording, name), recording.header or CONSOLE_HEADER)


CONSOLE_HEADER = (
    "# Recorded in the vcall console (vcall simulate TARGET, no --fixture).\n"
    "# Replay it: vcall simulate TARGET --fixture THIS_FILE\n"
)


def save_fixture(path: Path | str, recording: CallRecording, name: str | None = None) -> Path:
    """Write the recording to ``path`` atomically; the name defaults to the file's stem."""
    target = Path(path).expanduser()
    if target.suffix.lower() not in (".yaml", ".yml"):
        raise UsageError(f"{path}: a recording is YAML: name it *.yaml or *.yml")
    text = fixture_text(recording, name or default_name(target))
    try:
        write_atomic(target, text)
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
    return target


def default_name(path: Path) -> str:
    return path.stem


def _description(recording: CallRecording) -> str:
    target = f" against {redact_target(recording.target)}" if recording.target else ""
    ending = (
        f"ended by {recording.end_reason.value}" if recording.end_reason else "still up when saved"
    )
    return f"Recorded in the vcall console{target}: {len(recording.steps)} step(s), {ending}."


def redact_target(label: str) -> str:
    """A URL without user, password, query or fragment (they may hold a token); apps as given."""
    parts = urlsplit(label)
    if not parts.scheme or not parts.hostname:
        return label
    netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


# --- steps ----------------------------------------------------------------------------------------


def _step(step: Step, turns: Sequence[Turn], scrub: _Scrubber) -> str | dict[str, Any]:
    written = step_mapping(step.action)
    own = [turn for turn in turns if turn.step_index == step.index]
    if own:
        written["expect"] = _expect(own[-1], scrub)
    elif isinstance(step.action, Hangup):
        return "hangup"
    return written


def _answer(recording: CallRecording, scrub: _Scrubber) -> dict[str, Any]:
    if recording.settings.direction is not Direction.INBOUND:
        return {}
    callin = next((t for t in recording.turns if t.callback.kind is CallbackKind.CALLIN), None)
    if callin is None:
        return {}
    expect = _expect(callin, scrub)
    expect.pop("callback", None)
    return expect


def _expect(turn: Turn, scrub: _Scrubber) -> dict[str, Any]:
    """The callback kind, and the answer's stable ``data`` fields (``result`` when not success)."""
    expect: dict[str, Any] = {"callback": turn.callback.kind.value}
    envelope = turn.envelope or {}
    result = envelope.get("result")
    if result is not None and result != ResultValue.SUCCESS.value and scrub.keeps("result", result):
        expect["result"] = _match(result)
    data = turn.data or {}
    ordered = [key for key in FIRST_KEYS if key in data] + [k for k in data if k not in FIRST_KEYS]
    for key in ordered:
        if scrub.keeps(key, data[key]) and "." not in key:
            expect[f"data.{key}" if key in ROOT_PATHS else key] = _match(data[key])
    return expect


def _match(value: Any) -> Any:
    """Scalars are written bare (equals); objects and lists as ``{equals: ...}``."""
    if isinstance(value, dict | list):
        return {"equals": value}
    return value


# --- what is left out -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Scrubber:
    """Decides which observed values are stable enough to expect, and never lets secrets through."""

    call_id: str
    secrets: tuple[str, ...]
    moments_s: tuple[float, ...]

    @classmethod
    def for_recording(cls, recording: CallRecording) -> _Scrubber:
        secrets = tuple(value for name in SECRET_ENV if len(value := os.environ.get(name, "")) >= 4)
        moments = [time.time()] + [
            turn.callback.timestamp_ms / 1000 for turn in recording.turns[:1]
        ]
        return cls(recording.call_id, secrets, tuple(moments))

    def keeps(self, key: str, value: Any) -> bool:
        if key in VOLATILE_FIELDS or SECRET_NAME.search(key):
            return False
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        return not (self._secret(text) or self._volatile(text))

    def _secret(self, text: str) -> bool:
        return any(secret in text for secret in self.secrets)

    def _volatile(self, text: str) -> bool:
        if self.call_id and self.call_id in text:
            return True
        if any(len(part) >= 6 and part in text for part in self.call_id.split("^")):
            return True
        if UUID.search(text) or DATE_TIME.search(text):
            return True
        return any(self._timestamp(int(run)) for run in DIGIT_RUN.findall(text))

    def _timestamp(self, number: int) -> bool:
        seconds = number / 1000 if number >= 10**12 else number
        return any(abs(seconds - moment) <= TIMESTAMP_WINDOW_S for moment in self.moments_s)


def _escape_variables(document: dict[str, Any]) -> dict[str, Any]:
    """``${`` in a recorded string would be read as a fixture variable: write it escaped."""
    if not any("${" in text for text in _strings(document)):
        return document
    escaped = _replace_strings(
        document, lambda text: text.replace("${", "${" + DOLLAR_VARIABLE + "}{")
    )
    head = {key: escaped[key] for key in ("name", "description")}
    return {**head, "variables": {DOLLAR_VARIABLE: "$"}, **escaped}


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def _replace_strings(value: Any, change: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return change(value)
    if isinstance(value, Mapping):
        return {key: _replace_strings(item, change) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace_strings(item, change) for item in value]
    return value
