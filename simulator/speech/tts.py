"""What the caller hears: the reading a Chinese TTS front end gives a text, and its doubts.

A TTS engine does not speak a text as written: its text normalisation (TN) first turns numbers,
amounts, dates, times, phone numbers, identifiers, percentages and symbols into words. This
module is a small rule-based model of that step (deterministic, no dependency, a few
microseconds per sentence, cached), covering what a voice bot's answers carry:

=================  ============================  ===============================================
written            heard                          doubt (``tts-reading-doubt``)
=================  ============================  ===============================================
``13800138000``    幺三八零零幺三八零零零            -- (a mobile number: digit by digit)
``¥128.50``        一百二十八元五角                  --
``50%``            百分之五十                       --
``2024-05-18``     二零二四年五月十八日               --
``14:30``          十四点三十分                     --
``YT2024051866``   YT二十亿二千四百零五万...          letters and digits: the digits read as a quantity
``尾号 6688``       尾号 六千六百八十八               an identifier read as a quantity
``拨打 95588``      拨打 九万五千五百八十八            a phone number read as a quantity
``12345678``       一千二百三十四万...               a long digit run read as a quantity
``5/6``            六分之五                         a date in an ambiguous format (read as a fraction)
``www.a.com``      www点a点com                      a web address read aloud
=================  ============================  ===============================================

:func:`tts_reading` returns the reading and its doubts; the same text always gives the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from vcall.simulator.speech.numbers import cardinal, digit_by_digit, number_words

LONG_RUN = 7
"""From this many digits, a bare number read as a quantity is doubted (一千二百三十四万...)."""
IDENTIFIER_CONTEXT = (
    "单号",
    "编号",
    "尾号",
    "工号",
    "卡号",
    "账号",
    "帐号",
    "验证码",
    "密码",
    "订单",
    "号码",
    "号是",
    "号为",
    "号",
)
PHONE_CONTEXT = ("电话", "热线", "拨打", "致电", "回拨", "手机", "联系")
CONTEXT_REACH = 6
"""Characters before a number searched for a word naming it (``订单号：``)."""
UNITS_AFTER = "元块角分人个次位天年月日号岁台件条张份项期万亿米克斤秒小点%"
"""A number followed by one of these is a quantity (or a date part): read as a value."""

_SYMBOLS = {".": "点", "@": "艾特", "/": "斜杠", ":": "冒号", "-": "杠", "_": "下划线", "#": "井号"}
_PATTERNS: tuple[tuple[str, str], ...] = (
    ("url", r"(?:https?://|www\.)[A-Za-z0-9./?=&%#:_~+-]+"),
    ("email", r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"),
    ("ymd", r"(?<!\d)\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?!\d)"),
    ("dmy", r"(?<!\d)\d{1,2}[-/.]\d{1,2}[-/.]\d{4}(?!\d)"),
    ("slash", r"(?<!\d)\d{1,2}/\d{1,2}(?![\d/])"),
    ("time", r"(?<![\d:])\d{1,2}:\d{2}(?::\d{2})?(?![\d:])"),
    ("percent", r"\d+(?:\.\d+)?%"),
    ("yuan_sign", r"[¥￥]\s?\d[\d,]*(?:\.\d+)?"),
    ("mobile", r"(?<!\d)1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)"),
    ("landline", r"(?<!\d)(?:0\d{2,3}|400|800)-\d{3,4}-?\d{3,4}(?!\d)"),
    ("ident", r"[A-Za-z][A-Za-z-]*\d[A-Za-z0-9-]*|\d+[A-Za-z][A-Za-z0-9-]*"),
    ("number", r"\d[\d,]*(?:\.\d+)?"),
    ("acronym", r"(?<![A-Za-z])[A-Z]{2,5}(?![A-Za-z])"),
)
_TOKEN = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in _PATTERNS))
_WORTH_READING = re.compile(r"[0-9A-Za-z%¥￥]")


@dataclass(frozen=True, slots=True)
class Doubt:
    """A place where what is heard is likely not what was meant."""

    written: str
    heard: str
    why: str

    def describe(self) -> str:
        return f"{self.written!r} is heard as “{self.heard}”: {self.why}"


@dataclass(frozen=True, slots=True)
class Reading:
    text: str
    heard: str
    doubts: tuple[Doubt, ...] = ()

    @property
    def changed(self) -> bool:
        return self.heard != self.text


@lru_cache(maxsize=4096)
def tts_reading(text: str) -> Reading:
    """How a Chinese TTS front end reads ``text`` (cached: a bot repeats its prompts)."""
    if not _WORTH_READING.search(text):
        return Reading(text, text)
    heard: list[str] = []
    doubts: list[Doubt] = []
    position = 0
    for match in _TOKEN.finditer(text):
        heard.append(text[position : match.start()])
        kind = match.lastgroup or "number"
        words, why = _READERS[kind](match, text)
        heard.append(words)
        if why:
            doubts.append(Doubt(match.group(0), words, why))
        position = match.end()
    heard.append(text[position:])
    return Reading(text, "".join(heard), tuple(doubts))


Reader = Callable[[re.Match[str], str], tuple[str, str]]


def _spelled(written: str) -> str:
    out = []
    for char in written:
        if char.isdigit():
            out.append(digit_by_digit(char))
        else:
            out.append(_SYMBOLS.get(char, char))
    return "".join(out)


def _address(match: re.Match[str], _text: str) -> tuple[str, str]:
    written = match.group(0)
    kind = "an e-mail address" if "@" in written else "a web address"
    return _spelled(written), f"{kind} read aloud, symbol by symbol (hard to take down by ear)"


def _ymd(match: re.Match[str], _text: str) -> tuple[str, str]:
    year, month, day = re.split(r"[-/.]", match.group(0))
    if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
        return _spelled(match.group(0)), "not a valid date: read symbol by symbol"
    return f"{digit_by_digit(year)}年{cardinal(int(month))}月{cardinal(int(day))}日", ""


def _dmy(match: re.Match[str], _text: str) -> tuple[str, str]:
    first, second, year = re.split(r"[-/.]", match.group(0))
    a, b = int(first), int(second)
    words = f"{digit_by_digit(year)}年{cardinal(a)}月{cardinal(b)}日"
    if a <= 12 and b <= 12 and a != b:
        return words, "a date in an ambiguous format (month or day first?); write 2024年5月6日"
    if a > 12:
        words = f"{digit_by_digit(year)}年{cardinal(b)}月{cardinal(a)}日"
    return words, "a date with the year last, an unusual format; write 2024年5月6日"


def _slash(match: re.Match[str], _text: str) -> tuple[str, str]:
    top, bottom = match.group(0).split("/")
    words = f"{cardinal(int(bottom))}分之{cardinal(int(top))}"
    return words, "a date in an ambiguous format, read as a fraction; write 5月6日"


def _time(match: re.Match[str], _text: str) -> tuple[str, str]:
    parts = [int(part) for part in match.group(0).split(":")]
    hour, minute = parts[0], parts[1]
    if hour > 24 or minute > 59 or (len(parts) == 3 and parts[2] > 59):
        words = "比".join(cardinal(part) for part in parts)
        return words, "not a valid time: read as a ratio"
    words = f"{cardinal(hour)}点"
    if minute:
        words += ("零" if minute < 10 else "") + f"{cardinal(minute)}分"
    if len(parts) == 3 and parts[2]:
        words += f"{cardinal(parts[2])}秒"
    return words, ""


def _percent(match: re.Match[str], _text: str) -> tuple[str, str]:
    return "百分之" + number_words(match.group(0)[:-1]), ""


def _yuan_sign(match: re.Match[str], _text: str) -> tuple[str, str]:
    written = match.group(0)[1:].strip().replace(",", "")
    whole, _dot, fraction = written.partition(".")
    words = cardinal(int(whole)) + "元"
    cents = fraction + "00"
    jiao, fen = cents[0], cents[1]
    if jiao != "0":
        words += digit_by_digit(jiao) + "角"
    if fen != "0":
        words += digit_by_digit(fen) + "分"
    return words, ""


def _phone(match: re.Match[str], _text: str) -> tuple[str, str]:
    return digit_by_digit(match.group(0), one="幺"), ""


def _ident(match: re.Match[str], _text: str) -> tuple[str, str]:
    written = match.group(0)
    words = re.sub(r"\d+", lambda m: number_words(m.group(0)), written).replace("-", "杠")
    if not re.search(r"\d{2,}", written):
        return words, ""
    return words, "letters and digits: the digits are read as a quantity, not one by one"


def _number(match: re.Match[str], text: str) -> tuple[str, str]:
    written = match.group(0)
    words = number_words(written)
    digits = written.replace(",", "").partition(".")[0]
    after = text[match.end() : match.end() + 1]
    if after == "年" and len(digits) == 4 and "." not in written:
        return digit_by_digit(digits), ""  # a year: 二零二四年
    if "," in written or "." in written or len(digits) < 3 or words == digit_by_digit(digits):
        return words, ""
    before = text[max(0, match.start() - CONTEXT_REACH) : match.start()]
    if any(word in before for word in PHONE_CONTEXT):
        return words, "a phone number read as a quantity, not digit by digit"
    if any(word in before for word in IDENTIFIER_CONTEXT) and (
        not after or after not in UNITS_AFTER
    ):
        return words, "an identifier read as a quantity, not digit by digit"
    if len(digits) >= LONG_RUN and (not after or after not in UNITS_AFTER):
        return words, f"a long digit run ({len(digits)} digits) read as a quantity"
    return words, ""


def _acronym(match: re.Match[str], _text: str) -> tuple[str, str]:
    return match.group(0), ""


_READERS: dict[str, Reader] = {
    "url": _address,
    "email": _address,
    "ymd": _ymd,
    "dmy": _dmy,
    "slash": _slash,
    "time": _time,
    "percent": _percent,
    "yuan_sign": _yuan_sign,
    "mobile": _phone,
    "landline": _phone,
    "ident": _ident,
    "number": _number,
    "acronym": _acronym,
}
