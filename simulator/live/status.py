"""Plain descriptions of a live call for the console: the call's status and each answer's summary.

No terminal code here: the console (``vcall.cli.console``) renders these as a toolbar, ``/state``
and one panel per answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from vcall.simulator.findings import Finding
from vcall.simulator.fixture import EndReason, format_duration
from vcall.simulator.model import (
    CallState,
    DtmfInfo,
    PlaybackInfo,
    to_bool,
    to_int,
    to_params,
    to_text,
)
from vcall.simulator.replay import Turn
from vcall.simulator.spec import (
    MUTE_TIME_RANGE,
    PAUSE_TIME_RANGE,
    PLATFORM_DEFAULTS,
    RESPONSE_FIELDS,
    SESSION_TIMEOUT_RANGE,
    CallbackKind,
    ValueType,
)
from vcall.simulator.speech import fill_tts as fill_tts  # re-exported: live's face and tests
from vcall.simulator.speech import spoken_items as spoken_items

NOT_SETTINGS = frozenset({"call_id", "action", "action_code", "action_code_param", "number"})
"""Response fields shown on their own; every other known field is a setting."""
TRACKED: Mapping[str, str] = {
    "mute_time": "mute_time_ms",
    "pause_time": "pause_time_ms",
    "session_timeout": "session_timeout_s",
    "dynamic_id": "dynamic_id",
    "record_flag": "recording",
}
"""Settings the call state holds (response field -> ``CallState`` attribute): shown when changed."""
UNSET = "(none)"


# --- TTS --------------------------------------------------------------------------------------


def tts_values(data: Mapping[str, object] | None) -> dict[str, str]:
    """The TTS variable values an answer carries in ``action_code_param`` (object or JSON text)."""
    if not data:
        return {}
    return to_params(data.get("action_code_param")) or {}


# --- the call's status ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlayingStatus:
    label: str
    """What is heard (the current item, TTS text filled in when known)."""
    position_ms: int
    duration_ms: int
    breakable: bool


@dataclass(frozen=True, slots=True)
class CallStatus:
    """The call at one instant, for a toolbar or ``/state``."""

    elapsed_ms: int
    answered: bool
    ended: bool
    end_reason: EndReason | None
    closing: EndReason | None
    playing: PlayingStatus | None
    queued: int
    keys: DtmfInfo | None
    dynamic_id: str | None
    mute_time_ms: int
    pause_time_ms: int
    session_timeout_s: int
    recording: bool
    transfer_number: str | None


def call_status(state: CallState, now_ms: int, tts: Mapping[str, str] | None = None) -> CallStatus:
    """The status at ``now_ms`` (after ``state.now_ms`` on the wall clock, ``--realtime``)."""
    now_ms = max(now_ms, state.now_ms)
    playbacks = [info for info in (state.playing, *state.queued) if info is not None]
    current = next((info for info in playbacks if info.started_ms <= now_ms < info.ends_ms), None)
    return CallStatus(
        elapsed_ms=now_ms,
        answered=state.answered,
        ended=state.ended,
        end_reason=state.end_reason,
        closing=state.closing,
        playing=_playing(current, now_ms, tts or {}) if current and not state.ended else None,
        queued=len([info for info in playbacks if info.started_ms > now_ms]),
        keys=state.pending_dtmf,
        dynamic_id=state.dynamic_id,
        mute_time_ms=state.mute_time_ms,
        pause_time_ms=state.pause_time_ms,
        session_timeout_s=state.session_timeout_s,
        recording=state.recording,
        transfer_number=state.transfer_number,
    )


def _playing(info: PlaybackInfo, now_ms: int, tts: Mapping[str, str]) -> PlayingStatus:
    code = info.current_code or ",".join(info.codes)
    label = fill_tts(code, tts)
    duration = info.ends_ms - info.started_ms
    return PlayingStatus(label, now_ms - info.started_ms, duration, info.breakable)


def no_mute_reason(state: CallState, tts: Mapping[str, str] | None = None) -> str:
    """Why a silence brought no ``mute`` callback (the console says it after ``/silence``)."""
    mute = format_duration(state.mute_time_ms)
    playbacks = [info for info in (state.playing, *state.queued) if info is not None]
    ends_ms = max((info.ends_ms for info in playbacks), default=state.now_ms)
    if ends_ms > state.now_ms and playbacks:
        label = _playing(playbacks[-1], state.now_ms, tts or {}).label
        return (
            f"no mute: “{label}” still plays for {format_duration(ends_ms - state.now_ms)}; the "
            f"platform sends mute after {mute} of quiet once playback ends "
            "(/silence without a duration waits for it)"
        )
    if state.pending_dtmf is not None:
        return "no mute: the platform is collecting keys; its key timeout comes instead"
    return (
        f"no mute yet: the platform sends mute after {mute} of quiet "
        "(/silence without a duration waits for it)"
    )


# --- one answer -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SettingChange:
    name: str
    value: str
    """What the platform uses (a value outside its range replaced by the platform's fallback)."""
    previous: str | None = None
    """The value before, when this answer changed a setting the call holds."""
    asked: str | None = None
    """What the answer asked for, when the platform uses something else."""


@dataclass(frozen=True, slots=True)
class TurnSummary:
    """One callback and its answer, as the console shows it."""

    number: int
    kind: CallbackKind
    at_ms: int
    heard: str
    """What the callback reports: the caller's words, the keys, the media interrupted."""
    action: str | None
    plays: tuple[str, ...]
    settings: tuple[SettingChange, ...]
    transfer_to: str | None
    latency_ms: float
    status: int | None
    problem: str | None
    """Why there is no usable answer (no HTTP response, not JSON, result fail)."""
    findings: tuple[Finding, ...]


def summarize_turn(
    turn: Turn, held: Mapping[str, str] | None = None, tts: Mapping[str, str] | None = None
) -> TurnSummary:
    """``held``: the settings held when the callback left (:func:`held_settings`), to show what
    this answer changed; ``tts``: the TTS values known so far (what a ``timebreak`` interrupted)."""
    data = turn.data or {}
    action = turn.action
    plays = spoken_items(str(data.get("action_code") or ""), tts_values(data))
    return TurnSummary(
        number=turn.number,
        kind=turn.callback.kind,
        at_ms=turn.callback.at_ms,
        heard=fill_tts(_heard(turn.callback.kind, turn.callback.content), tts or {}),
        action=action,
        plays=plays,
        settings=setting_changes(data, held),
        transfer_to=to_text(data.get("number")) or None,
        latency_ms=turn.exchange.latency_ms,
        status=turn.exchange.status,
        problem=_problem(turn),
        findings=turn.findings,
    )


def _heard(kind: CallbackKind, content: Mapping[str, object]) -> str:
    fields = {
        CallbackKind.CALLIN: ("caller", "callee"),
        CallbackKind.NORMAL: ("words",),
        CallbackKind.DTMF: ("dtmf_digits",),
        CallbackKind.TIMEBREAK: ("current_media_code",),
        CallbackKind.PARALLEL_TRANSFER: ("transfer_status", "fail_cause"),
    }.get(kind, ())
    values = [str(content[name]) for name in fields if content.get(name) not in (None, "")]
    return " → ".join(values)


def _problem(turn: Turn) -> str | None:
    exchange = turn.exchange
    if exchange.error is not None:
        detail = f": {exchange.error_detail}" if exchange.error_detail else ""
        return f"no answer ({exchange.error}{detail})"
    if turn.envelope is None:
        return f"HTTP {exchange.status}, not a JSON object"
    if turn.envelope.get("result") != "success":
        return f"result {turn.envelope.get('result')!r}: the platform does nothing"
    if turn.data is None:
        return "no data object: the platform does nothing"
    return None


def held_settings(state: CallState) -> dict[str, str]:
    """The settings the call holds, formatted: what :func:`setting_changes` compares with."""
    return {
        name: format_setting(name, getattr(state, attribute)) for name, attribute in TRACKED.items()
    }


def setting_changes(
    data: Mapping[str, object], held: Mapping[str, str] | None
) -> tuple[SettingChange, ...]:
    """The settings an answer carries: those in ``held`` when they change, the others unless
    they are at their default.

    ``held``: the settings before this answer (:func:`held_settings`, plus any value a caller
    remembers from earlier answers); ``None``: unknown.
    """
    changes: list[SettingChange] = []
    applied = applied_settings(data)
    for name, value in data.items():
        field = RESPONSE_FIELDS.get(name)
        if field is None or name in NOT_SETTINGS or value is None:
            continue
        asked = format_setting(name, value)
        shown = applied.get(name, asked)
        extra = {"asked": asked} if asked != shown else {}
        previous = held.get(name) if held is not None else None
        if held is not None and (name in TRACKED or name in held):
            if previous != shown or extra:
                was = None if previous in (UNSET, shown) else previous
                changes.append(SettingChange(name, shown, was, **extra))
        elif name in TRACKED or not _is_default(value, field.default):
            changes.append(SettingChange(name, shown, **extra))
    return tuple(changes)


def applied_settings(data: Mapping[str, object]) -> dict[str, str]:
    """The timing settings of an answer as the platform applies them: a value outside its range
    becomes the platform's fallback (what the model uses, and ``/state`` shows)."""
    applied: dict[str, str] = {}
    for name, limits, default in (
        ("mute_time", MUTE_TIME_RANGE, PLATFORM_DEFAULTS.mute_time_ms),
        ("pause_time", PAUSE_TIME_RANGE, PLATFORM_DEFAULTS.pause_time_ms),
        ("session_timeout", SESSION_TIMEOUT_RANGE, PLATFORM_DEFAULTS.session_timeout_s),
    ):
        number = to_int(data.get(name))
        if number is not None and not limits.contains(number):
            applied[name] = format_setting(name, limits.fallback or default)
    return applied


def format_setting(name: str, value: object) -> str:
    """A setting as people read it: ``5s`` for ``mute_time: 5000``, ``on`` for ``true``."""
    field = RESPONSE_FIELDS.get(name)
    unit = field.unit if field else ""
    number = to_int(value)
    if unit in ("ms", "s") and number is not None:
        return format_duration(number * (1000 if unit == "s" else 1))
    flag = to_bool(value) if field is not None and field.type is ValueType.BOOLEAN else None
    if flag is not None:
        return "on" if flag else "off"
    if value is None or value == "":
        return UNSET
    return str(value)


def _is_default(value: object, default: object) -> bool:
    if default is None:
        return False
    if isinstance(default, bool):
        return to_bool(value) is default
    return value == default
