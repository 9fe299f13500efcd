"""What an interactive call needs that is not terminal code: a call fed step by step, its status, recording it as a fixture."""

from vcall.simulator.live.call import LiveCall, barge_in, say_after_playback
from vcall.simulator.live.call import silence as silence_step
from vcall.simulator.live.recording import (
    DIGIT_RUN,
    DOLLAR_VARIABLE,
    CallRecording,
    fixture_document,
    fixture_text,
    redact_target,
    save_fixture,
)
from vcall.simulator.live.status import (
    CallStatus,
    PlayingStatus,
    SettingChange,
    TurnSummary,
    call_status,
    held_settings,
    no_mute_reason,
    spoken_items,
    summarize_turn,
    tts_values,
)

__all__ = [
    "DIGIT_RUN",
    "DOLLAR_VARIABLE",
    "CallRecording",
    "CallStatus",
    "LiveCall",
    "PlayingStatus",
    "SettingChange",
    "TurnSummary",
    "barge_in",
    "call_status",
    "fixture_document",
    "fixture_text",
    "held_settings",
    "no_mute_reason",
    "redact_target",
    "save_fixture",
    "say_after_playback",
    "silence_step",
    "spoken_items",
    "summarize_turn",
    "tts_values",
]
