"""Fixture realism: a pause inside a say, and the ASR keys confusions / itn / truncation."""

from __future__ import annotations

import pytest

from vcall.simulator.errors import FixtureError
from vcall.simulator.fixture.asr import AsrConfig, AsrConfigError, asr_config, transcribe
from vcall.simulator.fixture.loader import parse_fixture
from vcall.simulator.fixture.scenario import Say
from vcall.simulator.fixture.writer import step_mapping
from vcall.simulator.speech.asr_model import named_changes


def _steps(text: str):  # type: ignore[no-untyped-def]
    [scenario] = parse_fixture(text, "f.yaml")
    return scenario.steps


def test_a_pause_inside_a_say_is_two_sentences_and_the_expectation_goes_last() -> None:
    steps = _steps(
        "name: p\nsteps:\n  - say: 我想查一下|话费\n    expect: {action: play}\n  - say: 再见\n"
    )
    assert [s.action.words for s in steps if isinstance(s.action, Say)] == [
        "我想查一下",
        "话费",
        "再见",
    ]
    assert [s.index for s in steps] == [0, 1, 2]
    assert steps[0].expect is None and steps[1].expect is not None
    assert steps[0].line == steps[1].line == 3


def test_a_pause_with_nothing_on_one_side_is_an_error_with_its_line() -> None:
    with pytest.raises(FixtureError, match=r"f.yaml:3.*pause mark"):
        _steps('name: p\nsteps:\n  - say: "|话费"\n')


def test_a_doubled_mark_is_a_bar_the_caller_says_and_the_writer_doubles_it() -> None:
    steps = _steps('name: p\nsteps:\n  - say: "A||B 型号"\n  - say: "A|||B"\n')
    assert [s.action.words for s in steps if isinstance(s.action, Say)] == ["A|B 型号", "A|", "B"]
    said = Say("ASR 写了 | 一个竖线", None)  # as tap records it
    written = step_mapping(said)
    assert written == {"say": "ASR 写了 || 一个竖线"}
    (again,) = _steps(f"name: p\nsteps:\n  - say: {written['say']!r}\n")
    assert again.action == said


def test_asr_applies_to_each_part_and_remembers_what_was_written() -> None:
    steps = _steps("name: p\nasr: {confusions: 1, seed: 1}\nsteps:\n  - say: 我想查一下|话费\n")
    first, second = (s.action for s in steps)
    assert isinstance(first, Say) and isinstance(second, Say)
    assert second.words == "花费" and second.intended == "话费"


def test_confusions_itn_and_truncation() -> None:
    config = AsrConfig(confusions=1.0, seed=1)
    assert transcribe("我想查询流量", config) in {"我想茶询牛量"}
    assert transcribe("三点半来，打百分之五十的折", AsrConfig(itn="written")) == "3:30来，打50%的折"
    assert transcribe("3:30来", AsrConfig(itn="spoken")) == "三点半来"
    assert transcribe("我想查话费。", AsrConfig(truncation=1.0, seed=1)) == "我想查话。"
    assert AsrConfig(itn="written").active and not AsrConfig().active


def test_the_new_keys_are_checked() -> None:
    assert asr_config({"confusions": 0.5, "itn": "spoken", "truncation": 0.1}) == AsrConfig(
        confusions=0.5, itn="spoken", truncation=0.1
    )
    with pytest.raises(AsrConfigError, match=r"asr\.itn"):
        asr_config({"itn": "sometimes"})
    with pytest.raises(AsrConfigError, match=r"asr\.truncation"):
        asr_config({"truncation": 2})


def test_each_change_is_named() -> None:
    assert named_changes("我想查一下话费。", "嗯，我想查一下花费") == [
        "filler 嗯",
        "tone: 花费 for 话费",
    ]
    assert named_changes("三点半转人工", "3:30转人公") == [
        "itn: 3:30 for 三点半",
        "same pinyin: 人公 for 人工",
    ]
    assert named_changes("查一下订单", "查下订单") == ["lost 一"]


def test_the_asr_option_takes_the_new_keys() -> None:
    from vcall.simulator.fixture.asr import parse_asr_option

    assert parse_asr_option("confusions=0.3,itn=written,truncation=0.1,seed=2") == AsrConfig(
        confusions=0.3, itn="written", truncation=0.1, seed=2
    )
