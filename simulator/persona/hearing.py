"""What a caller hears: each answer's prompt as words, the key menu it offers, what it asks.

The prompt is the TTS text (``$name$`` filled from ``action_code_param``), or the media file's
name where there is no text (the persona's ``hears:`` may say what a file says). A key menu is
read from its spoken options: ``按1查询话费``, ``查询话费请按1``, ``转人工请按0``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from vcall.simulator.dialogue_map import usable_data
from vcall.simulator.replay import Turn

VARIABLE = re.compile(r"\$([A-Za-z0-9_]+)\$")
CLAUSE = re.compile(r"[^，。,；;！!？?\n]+")
KEY_OPTION = re.compile(r"(?:请)?(?:按|拨)\s*([0-9*#]|星号|井号)\s*(?:号键|键)?")
KEY_NAMES = {"星号": "*", "井号": "#"}
PLAYING_ACTIONS = frozenset({"answer", "play", "dtmf", "hangup", "transfer", "parallel_transfer"})
HANDOVER_ACTIONS = frozenset({"transfer", "parallel_transfer", "parallel_bridge"})


class Intent(StrEnum):
    """What a prompt asks of the caller (the rule-based brain's reading)."""

    OPEN = "open"
    MENU = "menu"
    NOT_UNDERSTOOD = "not-understood"
    STILL_THERE = "still-there"
    ANYTHING_ELSE = "anything-else"
    CONFIRM = "confirm"
    FACT = "fact"
    HOLD = "hold"
    GOODBYE = "goodbye"


INTENT_WORDS: tuple[tuple[Intent, tuple[str, ...]], ...] = (
    (Intent.HOLD, ("请稍候", "请稍等", "正在为您转接", "正在为您接通", "正在转接")),
    (Intent.NOT_UNDERSTOOD, ("没有听清", "没听清", "再说一遍", "没听懂", "输入有误", "请重新")),
    (Intent.STILL_THERE, ("还在线吗", "还在吗", "在吗", "听得到吗", "您还没有按键")),
    (Intent.ANYTHING_ELSE, ("还有其他", "还有什么", "其他问题", "其他需要")),
    (Intent.GOODBYE, ("再见", "祝您生活愉快", "感谢您的来电")),
    (Intent.CONFIRM, ("是否", "确认", "满意吗", "可以吗", "好吗")),
)
CONFIRM_WORDS = ("对吗", "是吗", "对不对", "是不是", "对吧")
"""A read-back the caller is asked to confirm, even when it names a fact."""
FACT_WORDS: Mapping[str, tuple[str, ...]] = {
    "phone": ("手机号", "电话号码", "手机号码", "联系电话", "号码"),
    "order": ("订单号", "订单编号", "运单号", "单号"),
    "name": ("姓名", "名字", "怎么称呼"),
    "id": ("身份证",),
    "account": ("账号", "账户", "卡号"),
    "code": ("验证码",),
}
"""A fact's name -> the words a prompt asks for it with (a fact named otherwise is asked for by
its own name)."""
ASKING = ("请输入", "请说出", "请提供", "请告诉", "请问您的", "您的", "输入", "报一下")


@dataclass(frozen=True, slots=True)
class KeyOption:
    key: str
    label: str
    """What the option offers, as spoken (``查询话费``)."""


@dataclass(frozen=True, slots=True)
class Heard:
    """One prompt the caller heard."""

    text: str
    action: str
    at_ms: float
    turn: int
    collecting_keys: bool = False
    end_character: str = ""
    max_numbers: int = 0
    number: str = ""
    """The number a ``transfer`` hands the call to."""

    @property
    def options(self) -> tuple[KeyOption, ...]:
        return key_options(self.text)


def heard_of(turn: Turn, hears: Mapping[str, str]) -> Heard | None:
    """The prompt ``turn``'s answer plays, or ``None`` when it plays nothing."""
    data = usable_data(turn)
    if data is None:
        return None
    action = str(data.get("action", ""))
    text = prompt_text(str(data.get("action_code", "") or ""), data.get("action_code_param"), hears)
    if action not in PLAYING_ACTIONS and action not in HANDOVER_ACTIONS:
        return None
    if not text and action not in HANDOVER_ACTIONS:
        return None
    return Heard(
        text=text,
        action=action,
        at_ms=turn.callback.at_ms,
        turn=turn.number,
        collecting_keys=action == "dtmf",
        end_character=str(data.get("dtmf_end_character", "") or ""),
        max_numbers=_int(data.get("dtmf_max_numbers")),
        number=str(data.get("number", "") or ""),
    )


def prompt_text(code: str, param: Any, hears: Mapping[str, str]) -> str:
    """The words of ``action_code``: TTS variables filled in, files by ``hears`` or by name."""
    values = _params(param)
    parts = []
    for item in (part.strip() for part in code.split(",")):
        if not item:
            continue
        filled = VARIABLE.sub(lambda m: values.get(m.group(1), m.group(0)), item)
        parts.append(hears.get(item, filled))
    return "".join(parts) if all(_spoken(p) for p in parts) else " ".join(parts)


def _spoken(part: str) -> bool:
    return not re.fullmatch(r"[\w.\-/]+\.(wav|mp3|pcm|amr)", part)


def _params(param: Any) -> dict[str, str]:
    if isinstance(param, str) and param.strip():
        try:
            param = json.loads(param)
        except ValueError:
            return {}
    if isinstance(param, Mapping):
        return {str(k): str(v) for k, v in param.items()}
    return {}


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def key_options(text: str) -> tuple[KeyOption, ...]:
    """The key menu a prompt offers, in the order spoken."""
    options: list[KeyOption] = []
    for clause in CLAUSE.findall(text):
        for match in KEY_OPTION.finditer(clause):
            before = clause[: match.start()]
            after = clause[match.end() :]
            label = _label(after) or _label(before.split("按")[-1] if "按" in before else before)
            key = KEY_NAMES.get(match.group(1), match.group(1))
            if key not in {o.key for o in options}:
                options.append(KeyOption(key, label))
    return tuple(options)


def _label(text: str) -> str:
    text = KEY_OPTION.sub("", text)
    return text.strip(" 请如需若要想").strip()


def intent_of(heard: Heard | None, facts: Sequence[str]) -> tuple[Intent, str]:
    """What the prompt asks for; with :data:`Intent.FACT`, the name of the fact asked for."""
    if heard is None:
        return Intent.OPEN, ""
    text = heard.text
    if any(word in text for word in CONFIRM_WORDS):  # "您输入的号码是…，对吗？" confirms
        return Intent.CONFIRM, ""
    fact = asked_fact(text, facts)
    if fact:
        return Intent.FACT, fact
    if heard.collecting_keys or heard.options:
        return Intent.MENU, ""
    for intent, words in INTENT_WORDS:
        if any(word in text for word in words):
            return intent, ""
    return Intent.OPEN, ""


def asked_fact(text: str, facts: Sequence[str]) -> str:
    """The fact (of those the caller knows, or a known kind) the prompt asks for; empty: none."""
    if not any(word in text for word in ASKING):
        return ""
    for name in facts:
        if name in text or any(word in text for word in FACT_WORDS.get(name, ())):
            return name
    for name, words in FACT_WORDS.items():
        if any(word in text for word in words):
            return name
    return ""
