"""What a caller hears: prompts as words, key menus, what a prompt asks for."""

from __future__ import annotations

import json

import pytest

from vcall.simulator.persona.hearing import Heard, Intent, intent_of, key_options, prompt_text


def test_tts_variables_are_filled_and_files_named_or_told() -> None:
    param = json.dumps({"text": "您好", "name": "张先生"}, ensure_ascii=False)
    assert prompt_text("$text$,$name$", param, {}) == "您好张先生"
    assert prompt_text("welcome.wav", None, {}) == "welcome.wav"
    assert prompt_text("menu.wav", None, {"menu.wav": "查快递请按1"}) == "查快递请按1"
    assert prompt_text("$text$,menu.wav", json.dumps({"text": "输入有误。"}), {}) == (
        "输入有误。 menu.wav"
    )


@pytest.mark.parametrize(
    ("text", "options"),
    [
        ("按1查询话费，按2办理宽带", [("1", "查询话费"), ("2", "办理宽带")]),
        ("查询话费请按1，转人工请按0。", [("1", "查询话费"), ("0", "转人工")]),
        ("如需重听请按星号键，返回请按井号键", [("*", "重听"), ("#", "返回")]),
        ("您好，欢迎致电", []),
    ],
)
def test_key_menus_are_read_either_way_round(text: str, options: list[tuple[str, str]]) -> None:
    assert [(o.key, o.label) for o in key_options(text)] == options


def _heard(text: str, action: str = "play") -> Heard:
    return Heard(text, action, 0, 1, collecting_keys=action == "dtmf")


@pytest.mark.parametrize(
    ("text", "intent", "fact"),
    [
        ("请输入您的手机号码，以井号键结束", Intent.FACT, "phone"),
        ("请说出您的订单号", Intent.FACT, "order"),
        ("您输入的号码是13912345678，对吗？", Intent.CONFIRM, ""),
        ("抱歉，我没有听清，请您再说一遍。", Intent.NOT_UNDERSTOOD, ""),
        ("您好，请问还在线吗？", Intent.STILL_THERE, ""),
        ("正在为您转接人工客服，请稍候。", Intent.HOLD, ""),
        ("还有其他可以帮您的吗？", Intent.ANYTHING_ELSE, ""),
        ("查询话费请按1", Intent.MENU, ""),
        ("您好，这里是某某公司", Intent.OPEN, ""),
    ],
)
def test_what_a_prompt_asks(text: str, intent: Intent, fact: str) -> None:
    assert intent_of(_heard(text), ("phone", "order")) == (intent, fact)
