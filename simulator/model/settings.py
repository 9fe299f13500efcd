"""Call settings and how responses and SmartCall parameters change them.

``mute_time`` and ``dynamic_id`` may change with any response. ``pause_time`` counts only in the
first setting: the ``callin`` answer (inbound) or SmartCall's ``PauseTime`` (outbound); later
values are ignored with a note. ``session_timeout`` and ``record_flag`` come from the ``callin``
answer (inbound) or SmartCall's ``SessionTimeout`` / ``RecordFlag`` (outbound). Values outside
their range fall back as the platform does (``spec`` ranges), with a note.
"""

from __future__ import annotations

from dataclasses import dataclass

from vcall.simulator.model.coerce import FieldReader, Note, within
from vcall.simulator.spec import PlatformDefaults

CALLIN_ONLY_SETTINGS = ("session_timeout", "record_flag")
UNMODELLED_RANGED = ("tts_volume", "tts_speed", "Volume", "TtsVolume", "TtsSpeed", "StreamAsr")
"""Ranged values the model has no use for: an out-of-range one is still noted, with the same
words the validator uses (``spec.range_outcome``), so what it says the platform does holds."""


@dataclass(slots=True)
class Settings:
    mute_time_ms: int
    pause_time_ms: int
    session_timeout_s: int
    dynamic_id: str | None = None
    """Carried in every later callback; absent from a response: kept; empty: cleared."""
    record_flag: bool = False
    transfer_number: str | None = None
    early_media_asr: bool = False
    pause_time_locked: bool = False

    @classmethod
    def initial(cls, defaults: PlatformDefaults) -> Settings:
        return cls(defaults.mute_time_ms, defaults.pause_time_ms, defaults.session_timeout_s)


@dataclass(frozen=True, slots=True)
class SettingNames:
    """Where each setting is read from: response fields or SmartCall parameters."""

    mute_time: str
    pause_time: str
    session_timeout: str
    dynamic_id: str
    record_flag: str


RESPONSE_NAMES = SettingNames(
    "mute_time", "pause_time", "session_timeout", "dynamic_id", "record_flag"
)
SMARTCALL_NAMES = SettingNames("MuteTime", "PauseTime", "SessionTimeout", "DynamicId", "RecordFlag")


class SettingsUpdate:
    """Applies one source of settings (a response or SmartCall) to :class:`Settings`."""

    def __init__(
        self, settings: Settings, reader: FieldReader, names: SettingNames, note: Note
    ) -> None:
        self.settings = settings
        self.reader = reader
        self.names = names
        self.note = note

    def apply(self, *, first: bool, defaults: PlatformDefaults) -> None:
        """``first``: this is the call's first setting (callin answer or SmartCall)."""
        self.dynamic_id()
        self.mute_time(defaults)
        self.pause_time(defaults)
        if first:
            self.session_timeout(defaults)
            self.record_flag()
            self.unmodelled_ranges()
        else:
            self.ignore_callin_only()

    def dynamic_id(self) -> None:
        value = self.reader.text(self.names.dynamic_id)
        if value is not None:
            self.settings.dynamic_id = value or None

    def mute_time(self, defaults: PlatformDefaults) -> None:
        value = self.reader.integer(self.names.mute_time)
        if value is not None:
            used = within(self.names.mute_time, value, self.note)
            self.settings.mute_time_ms = self.settings.mute_time_ms if used is None else used

    def pause_time(self, defaults: PlatformDefaults) -> None:
        value = self.reader.integer(self.names.pause_time)
        if value is not None and self.settings.pause_time_locked:
            self.note(f"{self.names.pause_time} ignored: only the first setting counts")
        elif value is not None:
            used = within(self.names.pause_time, value, self.note)
            self.settings.pause_time_ms = self.settings.pause_time_ms if used is None else used
        self.settings.pause_time_locked = True

    def session_timeout(self, defaults: PlatformDefaults) -> None:
        value = self.reader.integer(self.names.session_timeout)
        if value is not None:
            used = within(self.names.session_timeout, value, self.note)
            self.settings.session_timeout_s = defaults.session_timeout_s if used is None else used

    def record_flag(self) -> None:
        self.settings.record_flag = self.reader.boolean(self.names.record_flag, False)

    def unmodelled_ranges(self) -> None:
        for name in UNMODELLED_RANGED:
            value = self.reader.integer(name) if self.reader.present(name) else None
            if value is not None:
                within(name, value, self.note)

    def ignore_callin_only(self) -> None:
        for name in CALLIN_ONLY_SETTINGS:
            if self.reader.present(name):
                self.note(f"{name} ignored: only the callin answer sets it")
