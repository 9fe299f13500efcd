"""A bot answering with an order number, a phone number, an amount and a date: each answer's
reading is shown ("heard as") and the doubtful ones warned about (``tts-reading-doubt``)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from speech_bots import json_bot

from vcall.cli.render.transcript import _answer_summary
from vcall.simulator.asgi import App
from vcall.simulator.findings import Severity
from vcall.simulator.fixture.loader import load_scenarios
from vcall.simulator.replay.engine import SimulationConfig, simulate
from vcall.simulator.replay.results import RunResult
from vcall.simulator.replay.targets import app_target
from vcall.simulator.reports.html import render_html
from vcall.simulator.spec import CallbackKind

ANSWERS = {
    "订单": ("您的订单号是$no$，请记好。", {"no": "YT2024051866"}),
    "电话": ("请拨打$tel$联系售后。", {"tel": "95588"}),
    "话费": ("您本月的话费是$fee$。", {"fee": "¥128.50"}),
    "日期": ("您的包裹将于$day$送达。", {"day": "5/6"}),
    "手机": ("请拨打$tel$。", {"tel": "13800138000"}),
}
FIXTURE = """\
name: speech
steps:
  - say: 查一下订单
  - say: 客服电话
  - say: 我的话费
  - say: 送达日期
  - say: 手机号码
"""


def _data(kind: CallbackKind, content: Mapping[str, Any]) -> dict[str, Any]:
    if kind is not CallbackKind.NORMAL:
        return {"action": "answer" if kind is CallbackKind.CALLIN else "donothing"}
    words = str(content.get("words", ""))
    for key, (code, params) in ANSWERS.items():
        if key in words:
            return {"action": "play", "action_code": code, "action_code_param": params}
    return {"action": "play", "action_code": "again.wav"}


def _bot() -> App:
    return json_bot(_data)


def _run(tmp_path: Path) -> RunResult:
    fixture = tmp_path / "speech.yaml"
    fixture.write_text(FIXTURE, encoding="utf-8")
    scenarios = load_scenarios([str(fixture)])
    return simulate(scenarios, app_target("bot", _bot()), SimulationConfig(timeout_s=2))


def test_readings_and_warnings(tmp_path: Path) -> None:
    [call] = _run(tmp_path).calls
    by_words = {
        str(t.callback.content.get("words")): t
        for t in call.turns
        if t.callback.content.get("words")
    }
    doubts = {
        words: [f.message for f in turn.findings if f.rule == "tts-reading-doubt"]
        for words, turn in by_words.items()
    }
    assert all(
        f.severity is Severity.WARNING
        for t in call.turns
        for f in t.findings
        if f.rule == "tts-reading-doubt"
    )
    [order] = doubts["查一下订单"]
    assert "YT二十亿二千四百零五万一千八百六十六" in order and "letters and digits" in order
    [phone] = doubts["客服电话"]
    assert "九万五千五百八十八" in phone and "phone number read as a quantity" in phone
    [day] = doubts["送达日期"]
    assert "六分之五" in day
    assert doubts["我的话费"] == []  # an amount is read as one: 一百二十八元五角
    assert doubts["手机号码"] == []  # a mobile number is read digit by digit
    fee = _answer_summary(by_words["我的话费"])
    assert "heard as “您本月的话费是一百二十八元五角。”" in fee
    mobile = _answer_summary(by_words["手机号码"])
    assert "幺三八零零幺三八零零零" in mobile


def test_the_html_report_shows_what_is_heard(tmp_path: Path) -> None:
    html = render_html(_run(tmp_path))
    assert "heard as “您的订单号是YT二十亿二千四百零五万一千八百六十六，请记好。”" in html
    assert "heard as “请拨打幺三八零零幺三八零零零。”" in html
    assert "heard as “again.wav" not in html
