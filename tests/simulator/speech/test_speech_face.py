"""speech's face: every public name is what its module defines (never a module shadowing it),
and speech stands on nothing above it (the validator does not load the ASR model)."""

from __future__ import annotations

import importlib
import subprocess
import sys
import types

import vcall.simulator.speech as speech


def test_every_public_name_is_the_definition_even_after_its_module_was_imported() -> None:
    for module in ("tts", "heard", "asr_model", "numbers"):
        importlib.import_module(f"vcall.simulator.speech.{module}")
    for name in speech.__all__:
        value = getattr(speech, name)
        assert not isinstance(value, types.ModuleType), name


def _modules_after(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint('\\n'.join(sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    return set(out.split())


def test_the_tts_reading_loads_neither_the_asr_model_nor_anything_above_speech() -> None:
    loaded = _modules_after("from vcall.simulator.speech import heard_as, tts_reading")
    assert "vcall.simulator.speech.tts" in loaded
    assert "vcall.simulator.speech.asr_model" not in loaded
    above = ("fixture", "validation", "model", "replay", "live", "reports", "explore")
    assert not [m for m in loaded if m.startswith(tuple(f"vcall.simulator.{p}" for p in above))]


def test_the_validator_does_not_load_the_asr_model() -> None:
    loaded = _modules_after("import vcall.simulator.validation")
    assert "vcall.simulator.validation.tts_reading_rule" in loaded
    assert "vcall.simulator.speech.asr_model" not in loaded
