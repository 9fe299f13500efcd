"""The validator's and the model's fast paths (benchmarks/cpu_per_callback.py) change no verdict:
each check a common answer now skips still fires where it should."""

from __future__ import annotations

import json

from vcall.simulator.fixture import MediaCatalog
from vcall.simulator.spec import PlatformDefaults, Stage
from vcall.simulator.validation import validate_response
from vcall.simulator.validation.values import safe_text

CALL_ID = "100001616500^100001871490"


def answer(**data: object) -> bytes:
    body = {"result": "success", "msg": "成功", "data": {"call_id": CALL_ID, **data}}
    return json.dumps(body, ensure_ascii=False).encode()


def rules(body: bytes, stage: Stage = Stage.FOLLOWUP) -> list[str]:
    return [f.rule for f in validate_response(body, stage, call_id=CALL_ID).findings]


def test_safe_text_still_escapes_controls_and_lone_surrogates() -> None:
    assert safe_text("您好，再见") == "您好，再见"
    assert safe_text("a\x1b]0;x\x07") == "a\\x1b]0;x\\x07"
    assert safe_text("a\ud800b") == "a\\ud800b"
    assert safe_text("\u202eevil") == "\\u202eevil"


def test_the_full_width_separator_still_fires_and_plain_files_pass() -> None:
    assert rules(answer(action="play", action_code="a.wav")) == []
    assert rules(answer(action="play", action_code="a.wav，b.wav")) == ["separator-not-comma"]


def test_tts_reading_doubts_still_fire_past_the_files_only_look() -> None:
    assert rules(answer(action="play", action_code="a.wav,b.wav")) == []
    found = rules(answer(action="play", action_code="您的单号是YT2024051866"))
    assert found == ["tts-reading-doubt"]


def test_transfer_without_a_number_still_fires() -> None:
    assert "transfer-number-missing" in rules(answer(action="transfer", action_code="a.wav"))


def test_a_lone_surrogate_is_still_caught() -> None:
    body = answer(action="play", action_code="a.wav").replace(b"a.wav", b"a\\ud800.wav")
    assert rules(body) == ["json-lone-surrogate"]


def test_the_model_still_notes_a_full_width_comma_and_skips_the_look_on_ascii() -> None:
    catalog = MediaCatalog({}, PlatformDefaults())
    notes: list[str] = []
    items = catalog.items("a.wav，b.wav", {}, notes.append)
    assert [item.code for item in items] == ["a.wav，b.wav"] and len(notes) == 1
    notes.clear()
    items = catalog.items("a.wav, b.wav", {}, notes.append)
    assert [item.code for item in items] == ["a.wav", "b.wav"] and notes == []


def test_remembered_tts_doubts_follow_the_parameters() -> None:
    """The doubts are kept per text and parameters: the same template, other values, other
    doubts (and a large answer, read every time, the same doubts as a small one)."""
    number = answer(action="play", action_code="您的尾号$n$", action_code_param={"n": "6688"})
    words = answer(action="play", action_code="您的尾号$n$", action_code_param={"n": "已登记"})
    for _ in range(2):
        assert rules(number) == ["tts-reading-doubt"]
        assert rules(words) == []
    many = {f"unused{i}": "x" for i in range(40)} | {"n": "6688"}
    large = answer(action="play", action_code="您的尾号$n$", action_code_param=many)
    assert "tts-reading-doubt" in rules(large)
