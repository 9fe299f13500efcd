"""Speech leaves the default install as it is: it adds no dependency (no ``vcall[speech]`` extra:
its models are vcall's own, rule-based), and ``vcall load``, ``vcall check`` and
``validate-response`` load none of the speech libraries considered (jieba, pypinyin,
wetextprocessing and its pynini), nor the parts they do not use: ``load`` and the validator never
load the ASR model, and no command but ``explore --asr-robustness`` loads the robustness measure.
Each command runs to its end in a fresh interpreter against the in-process example bot."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from importlib import resources
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = Path(str(resources.files("vcall.simulator") / "examples" / "followup_play.json"))
PROBE = """
import json, sys
from vcall.cli.app import main
sys.argv = ["vcall", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit as exit:
    code = exit.code
else:
    code = 0
print(json.dumps([code, sorted(sys.modules)]), file=sys.stderr)
"""
SPEECH_LIBRARIES = ("jieba", "pypinyin", "wetextprocessing", "pynini", "tn", "itn")
ASR_MODEL = "vcall.simulator.speech.asr_model"
ROBUSTNESS = "vcall.simulator.explore.asr_robustness"
PLAIN = "name: plain\nsteps:\n  - say: 我想查一下话费\n  - hangup\n"


def run(*args: str) -> tuple[int, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    code, modules = json.loads(done.stderr.strip().splitlines()[-1])
    return code, set(modules)


def libraries(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in SPEECH_LIBRARIES)


def test_speech_adds_no_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    names = [re.split(r"[<>=!~;\[ ]", dependency)[0] for dependency in project["dependencies"]]
    assert not [name for name in names if name.lower() in SPEECH_LIBRARIES]
    assert "speech" not in project["optional-dependencies"]


def test_load_loads_neither_a_speech_library_nor_the_asr_model(tmp_path: Path) -> None:
    fixture = tmp_path / "plain.yaml"
    fixture.write_text(PLAIN, encoding="utf-8")
    code, modules = run(
        "load", "--example-bot", "-f", str(fixture), "--as-fast-as-possible", "--calls", "2", "-q"
    )
    assert code == 0
    assert "vcall.simulator.validation.tts_reading_rule" in modules  # the validator ran
    assert not libraries(modules)
    assert ASR_MODEL not in modules and ROBUSTNESS not in modules


@pytest.mark.parametrize(
    "args",
    [
        ("validate-response", str(EXAMPLE), "--stage", "followup"),
        ("check", "--example-bot"),
    ],
)
def test_the_validator_and_check_load_no_speech_library(args: tuple[str, ...]) -> None:
    code, modules = run(*args)
    assert code == 0
    assert "vcall.simulator.speech.tts" in modules  # tts-reading-doubt is checked
    assert not libraries(modules)
    assert ROBUSTNESS not in modules
    if args[0] == "validate-response":
        assert ASR_MODEL not in modules
