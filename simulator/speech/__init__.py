"""Speech both ways: what the caller hears (TTS reading) and what the bot hears (ASR model)."""

from vcall.simulator.speech.tts_reading import Doubt, Reading, tts_reading

__all__ = ["Doubt", "Reading", "tts_reading"]
