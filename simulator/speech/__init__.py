"""Speech both ways, as pure text models: what the caller hears (the TTS reading of an answer,
"heard as") and what the bot hears (the ASR variant model). It stands on ``spec`` and the base
modules only, so that the fixture loader (``asr:``), the validator (``tts-reading-doubt``) and the
reports all use it; what stands on explore's map (``--asr-robustness``, check's noisy request)
lives in ``vcall.simulator.explore``.

The face is lazy (PEP 562): the validator asks for the TTS reading only and never loads the ASR
model. No public name is also a module's name (the module, once imported, would shadow it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vcall.simulator.lazy_face import lazy_names

if TYPE_CHECKING:
    from vcall.simulator.speech.asr_model import (
        ITN_MODES,
        Variant,
        apply,
        confuse,
        named_changes,
        normalise,
        truncate,
        variants,
    )
    from vcall.simulator.speech.heard import (
        file_piece,
        fill_tts,
        heard_as,
        heard_as_answer,
        spoken_items,
    )
    from vcall.simulator.speech.tts import Doubt, Reading, tts_reading

_WHERE: dict[str, tuple[str, str]] = {
    "Doubt": ("tts", "Doubt"),
    "ITN_MODES": ("asr_model", "ITN_MODES"),
    "Reading": ("tts", "Reading"),
    "Variant": ("asr_model", "Variant"),
    "apply": ("asr_model", "apply"),
    "confuse": ("asr_model", "confuse"),
    "file_piece": ("heard", "file_piece"),
    "fill_tts": ("heard", "fill_tts"),
    "heard_as": ("heard", "heard_as"),
    "heard_as_answer": ("heard", "heard_as_answer"),
    "named_changes": ("asr_model", "named_changes"),
    "normalise": ("asr_model", "normalise"),
    "spoken_items": ("heard", "spoken_items"),
    "truncate": ("asr_model", "truncate"),
    "tts_reading": ("tts", "tts_reading"),
    "variants": ("asr_model", "variants"),
}
"""Each public name: the module of this package that defines it, and its name there."""

__getattr__ = lazy_names(__name__, _WHERE)

__all__ = [
    "ITN_MODES",
    "Doubt",
    "Reading",
    "Variant",
    "apply",
    "confuse",
    "file_piece",
    "fill_tts",
    "heard_as",
    "heard_as_answer",
    "named_changes",
    "normalise",
    "spoken_items",
    "truncate",
    "tts_reading",
    "variants",
]
