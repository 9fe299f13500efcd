"""The TTS reading model: what the caller hears for numbers, identifiers, dates and addresses."""

from __future__ import annotations

import pytest

from vcall.simulator.speech.numbers import cardinal, digit_by_digit
from vcall.simulator.speech.tts import tts_reading


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (0, "零"),
        (10, "十"),
        (15, "十五"),
        (105, "一百零五"),
        (10005, "一万零五"),
        (100000, "十万"),
        (1000000001, "十亿零一"),
        (2024051866, "二十亿二千四百零五万一千八百六十六"),
    ],
)
def test_cardinal(value: int, words: str) -> None:
    assert cardinal(value) == words


def test_digit_by_digit_reads_one_as_yao_for_phones() -> None:
    assert digit_by_digit("0571") == "零五七一"
    assert digit_by_digit("138", one="幺") == "幺三八"


@pytest.mark.parametrize(
    ("text", "heard"),
    [
        ("请拨打13800138000联系我们", "请拨打幺三八零零幺三八零零零联系我们"),
        ("客服电话0571-88886666", "客服电话零五七幺八八八八六六六六"),
        ("本月话费¥128.50", "本月话费一百二十八元五角"),
        ("优惠50%", "优惠百分之五十"),
        ("将于2024-05-18送达", "将于二零二四年五月十八日送达"),
        ("2024年5月18日", "二零二四年五月十八日"),
        ("下午14:30", "下午十四点三十分"),
        ("9:05出发", "九点零五分出发"),
        ("共3.5公里", "共三点五公里"),
        ("你好，请问有什么可以帮您", "你好，请问有什么可以帮您"),
    ],
)
def test_readings_without_doubt(text: str, heard: str) -> None:
    reading = tts_reading(text)
    assert reading.heard == heard
    assert reading.doubts == ()


@pytest.mark.parametrize(
    ("text", "written", "heard", "why"),
    [
        (
            "订单号YT2024051866",
            "YT2024051866",
            "YT二十亿二千四百零五万一千八百六十六",
            "letters and digits",
        ),
        ("尾号6688的卡", "6688", "六千六百八十八", "identifier read as a quantity"),
        ("请拨打95588", "95588", "九万五千五百八十八", "phone number read as a quantity"),
        ("编码12345678", "12345678", "一千二百三十四万五千六百七十八", "long digit run"),
        ("活动5/6开始", "5/6", "六分之五", "ambiguous format"),
        ("05-06-2024", "05-06-2024", "二零二四年五月六日", "month or day first"),
        ("访问www.example.com", "www.example.com", "www点example点com", "web address"),
        ("写信到help@example.com", "help@example.com", "help艾特example点com", "e-mail"),
        ("25:70开始", "25:70", "二十五比七十", "ratio"),
    ],
)
def test_doubts_say_what_is_heard(text: str, written: str, heard: str, why: str) -> None:
    reading = tts_reading(text)
    [doubt] = reading.doubts
    assert (doubt.written, doubt.heard) == (written, heard)
    assert why in doubt.why
    assert heard in reading.heard
    assert heard in doubt.describe()


def test_a_quantity_with_its_unit_is_not_doubted() -> None:
    assert tts_reading("共12345678人").doubts == ()
    assert tts_reading("余额12000元").doubts == ()


def test_readings_are_cached_and_deterministic() -> None:
    assert tts_reading("订单号YT2024051866") is tts_reading("订单号YT2024051866")
