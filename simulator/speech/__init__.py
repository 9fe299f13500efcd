"""Speech both ways: what the caller hears (TTS reading) and what the bot hears (ASR model).

The face exports the light parts only; ``robustness`` and ``saving`` stand on explore and are
imported from their modules by explore itself."""

from vcall.simulator.speech.asr_model import named_changes
from vcall.simulator.speech.heard import heard_as, heard_as_answer
from vcall.simulator.speech.tts_reading import Doubt, Reading, tts_reading

__all__ = ["Doubt", "Reading", "heard_as", "heard_as_answer", "named_changes", "tts_reading"]
