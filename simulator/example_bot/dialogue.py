"""The example bot's dialogue: one callback in, the ``data`` of the answer out. No HTTP here.

Every answer follows docs/platform.md §3: an action allowed at its stage, an ``action_code`` even for
silent actions (empty there), numbers as JSON numbers, booleans as JSON booleans. TTS text travels
as a ``$text$`` variable whose value is in ``action_code_param``; no value the platform carries
back or speaks contains a forbidden character (docs/platform.md §4).

The bot is stateless: where the caller is in the dialogue travels in ``dynamic_id``, which the
platform echoes back in the next callback (docs/platform.md §6.6): ``menu``, ``order``, ``notice``,
``mute1``/``mute2``, ``dtmf-main``/``dtmf-retry``, ``survey``, ``transfer``, ``call-centre``,
``goodbye``.

It reads callbacks as real traffic sends them: every content value a string, unknown keys
(``partnerId``) ignored, ``begin_time`` in whatever form.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from vcall.simulator.spec import DTMF_NO_INPUT, EARLY_MEDIA_CODE, TRANSFER_SUCCESS, CallbackKind

Answer = dict[str, Any]
"""``data`` of a response, without ``call_id`` (the HTTP layer adds it)."""

AGENT_NUMBER = "057126880001"
CALL_CENTRE = "aliyun_cc"
MUTE_TIME_MS = 5000
TIME_BREAK_MS = 1500
START_STATE = "menu"
TTS_VARIABLE = "text"

CALL_SETTINGS: Mapping[str, Any] = {
    "pause_time": 800,
    "session_timeout": 300,
    "record_flag": True,
    "tts_conf": True,
    "tts_style": "xiaoyun",
    "tts_volume": 50,
    "tts_speed": 0,
    "asr_base_id": "customer_service_8k",
}
"""Call-wide settings: ``session_timeout`` and the rest count only in the answer to ``callin``
(the callin page), ``pause_time`` only in the first setting; ``tts_conf`` true comes with all three
``tts_*`` values."""

BACKCHANNELS = frozenset({"嗯", "嗯嗯", "好", "好的", "对", "对的", "哦"})
"""Short acknowledgements that must not cut a playback short."""
PUNCTUATION = "，。！？、,.!? "

TEXT_ORDER_STATUS = "您最近的一笔快递已到达杭州转运中心，预计明天送达。还有其他可以帮您的吗？"
TEXT_TRANSFER = "正在为您转接人工客服，请稍候。"
TEXT_CALL_CENTRE = "正在为您接通呼叫中心的坐席，请稍候。"
TEXT_CALL_CENTRE_BUSY = "抱歉，坐席暂时都在忙。请问还有什么可以帮您？"
TEXT_SORRY = "抱歉，我没有听清，请您再说一遍。"
TEXT_STILL_THERE = "您好，请问还在线吗？"
TEXT_NO_KEY = "您还没有按键。"
TEXT_WRONG_KEY = "您的输入有误。"
TEXT_NO_KEY_FALLBACK = "您没有按键，请直接说出您要办理的业务，比如查快递或者转人工。"
TEXT_SURVEY_QUESTION = "请问您对这次快递的配送速度满意吗？"
TEXT_SURVEY_THANKS = "感谢您的反馈，祝您生活愉快，再见。"


# --- the answers -------------------------------------------------------------------------------


def _tts(text: str, then: str = "") -> Answer:
    """Speak ``text`` through the ``$text$`` variable, optionally followed by a file.

    ``action_code`` lists media separated by ``,``; each ``$name$`` needs a value in
    ``action_code_param``, sent as a JSON string holding an object (the follow-up page's type and example).
    """
    code = f"${TTS_VARIABLE}$" + (f",{then}" if then else "")
    return {
        "action_code": code,
        "action_code_param": json.dumps({TTS_VARIABLE: text}, ensure_ascii=False),
    }


def _prompt(
    action: str, state: str, media: Answer, *, breakable: bool = True, time_break: bool = True
) -> Answer:
    """An answer that plays something; ``mute_time`` applies to the silence after this playback.

    ``action_code_time_break`` only counts when ``action_code_break`` is true (the follow-up page), so a
    non-breakable playback does not carry it.
    """
    answer: Answer = {"action": action, **media, "dynamic_id": state, "mute_time": MUTE_TIME_MS}
    answer["action_code_break"] = breakable
    if breakable and time_break:
        answer["action_code_time_break"] = TIME_BREAK_MS
    return answer


def _silent(action: str, state: str) -> Answer:
    """``break``/``continue``/``donothing`` play nothing: ``action_code`` is present but empty
    (the follow-up page marks it required), and ``dynamic_id`` is kept."""
    return {"action": action, "action_code": "", "dynamic_id": state}


def greet(forwarded: bool) -> Answer:
    """Answer ``callin`` (only ``answer`` or ``hangup`` are allowed there) with the call settings.

    A forwarded call (``orgcallee`` set: the caller dialled another number) gets its own greeting.
    """
    welcome = "welcome_forwarded.wav" if forwarded else "welcome.wav"
    return {**_prompt("answer", START_STATE, {"action_code": welcome}), **CALL_SETTINGS}


def order_status() -> Answer:
    return _prompt("play", "order", _tts(TEXT_ORDER_STATUS))


def transfer_to_agent() -> Answer:
    """``transfer`` needs ``number``; the short TTS plays before the call is handed over."""
    return {**_prompt("transfer", "transfer", _tts(TEXT_TRANSFER)), "number": AGENT_NUMBER}


def transfer_to_call_centre() -> Answer:
    """``parallel_transfer``: the call centre is dialled while the hold prompt plays; the platform
    reports the outcome in a ``parallel_transfer`` callback (vendor doc 112703). No ``number``:
    the follow-up page makes it valid for ``transfer`` only."""
    return {
        **_prompt("parallel_transfer", "call-centre", _tts(TEXT_CALL_CENTRE)),
        "cc_name": CALL_CENTRE,
    }


def on_parallel_transfer(content: Mapping[str, Any]) -> Answer:
    """The transfer's outcome: bridge the caller to the agent, unless the call centre monitors
    (the page says not to answer ``parallel_bridge`` then); on failure, apologise and go on."""
    if content.get("transfer_status") == TRANSFER_SUCCESS:
        monitored = str(content.get("is_monitor", "")).lower() == "true"
        return _silent("donothing" if monitored else "parallel_bridge", "call-centre")
    return _prompt("play", START_STATE, _tts(TEXT_CALL_CENTRE_BUSY))


def dtmf_menu(state: str = "dtmf-main", media: Answer | None = None) -> Answer:
    """Collect up to 4 keys ended by ``#`` (``*``, ``#`` or empty are the only end characters);
    wait 5 s (3-60) after the prompt for a key. A key stops the breakable prompt.

    No ``action_code_time_break``: keys are expected here, not speech.
    """
    answer = _prompt("dtmf", state, media or {"action_code": "menu.wav"}, time_break=False)
    return {**answer, "dtmf_max_numbers": 4, "dtmf_end_character": "#", "dtmf_nonin_overtime": 5}


def notice() -> Answer:
    """The terms must be heard in full: the caller cannot interrupt (``action_code_break`` false)."""
    return _prompt("play", "notice", {"action_code": "notice.wav"}, breakable=False)


def goodbye(state: str = "goodbye", media: Answer | None = None) -> Answer:
    """``hangup`` plays its ``action_code`` first, then ends the call."""
    return _prompt("hangup", state, media or {"action_code": "goodbye.wav"}, breakable=False)


def survey_question() -> Answer:
    return _prompt("play", "survey", _tts(TEXT_SURVEY_QUESTION))


def say_again() -> Answer:
    """Not understood: ask again, back at the start (the caller spoke, so no mute streak)."""
    return _prompt("play", START_STATE, _tts(TEXT_SORRY))


# --- routing -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Route:
    """When the caller's words contain one of ``keywords``, answer with ``reply()``."""

    keywords: tuple[str, ...]
    reply: Callable[[], Answer]


ROUTES: tuple[Route, ...] = (
    Route(("不需要", "不方便", "没时间"), goodbye),
    Route(("呼叫中心", "坐席"), transfer_to_call_centre),
    Route(("人工", "客服", "转接"), transfer_to_agent),
    Route(("订单", "快递", "物流"), order_status),
    Route(("菜单", "按键", "自助"), dtmf_menu),
    Route(("条款", "协议", "隐私"), notice),
    Route(("再见", "没有了", "谢谢"), goodbye),
    Route(("是的", "方便", "可以"), survey_question),
)
"""First match wins: 不方便 before 方便, the call centre before a plain agent request, an agent
request before everything it may mention."""


def on_normal(content: Mapping[str, Any], state: str) -> Answer:
    """The caller finished a sentence (or, outbound, the network spoke before the answer)."""
    words = str(content.get("words", ""))
    if content.get("current_media_code") == EARLY_MEDIA_CODE:
        return _silent("donothing", state)  # a recorded announcement, not the callee
    if content.get("is_playing") == "true" and words.strip(PUNCTUATION) in BACKCHANNELS:
        return _silent("continue", state)  # "嗯" while we talk: let the playback finish
    if state == "survey":
        return goodbye("survey-done", _tts(TEXT_SURVEY_THANKS))
    route = next((r for r in ROUTES if any(k in words for k in r.keywords)), None)
    return route.reply() if route else say_again()


def on_mute(state: str) -> Answer:
    """First silence: ask whether the caller is still there; the second in a row (our own
    ``mute1`` echoed back) hangs up."""
    if state == "mute1":
        return goodbye("mute2")
    return _prompt("play", "mute1", _tts(TEXT_STILL_THERE))


def on_dtmf(content: Mapping[str, Any], state: str) -> Answer:
    """Keys after the menu: 1 order status, 2 agent, 0 menu again; no key: re-prompt once.

    The end character is not part of the digits, but a lenient reader strips it anyway.
    """
    digits = str(content.get("dtmf_digits", "")).rstrip("#*")
    if digits == DTMF_NO_INPUT:
        if state == "dtmf-main":
            return dtmf_menu("dtmf-retry", _tts(TEXT_NO_KEY, then="menu.wav"))
        return _prompt("play", START_STATE, _tts(TEXT_NO_KEY_FALLBACK))
    keys: dict[str, Callable[[], Answer]] = {"1": order_status, "2": transfer_to_agent}
    if digits in keys:
        return keys[digits]()
    if digits == "0":
        return dtmf_menu()
    return dtmf_menu("dtmf-main", _tts(TEXT_WRONG_KEY, then="menu.wav"))


def answer_callback(kind: CallbackKind, content: Mapping[str, Any]) -> Answer:
    """The dialogue: one callback in, the ``data`` of the answer out (without ``call_id``)."""
    state = str(content.get("dynamic_id") or START_STATE)
    if kind is CallbackKind.CALLIN:
        return greet(forwarded=bool(content.get("orgcallee")))
    if kind is CallbackKind.NORMAL:
        return on_normal(content, state)
    if kind is CallbackKind.MUTE:
        return on_mute(state)
    if kind is CallbackKind.DTMF:
        return on_dtmf(content, state)
    if kind is CallbackKind.PARALLEL_TRANSFER:
        return on_parallel_transfer(content)
    # timebreak: the platform has stopped our playback (the SmartCall page); listen for the sentence
    return _silent("donothing", state)
