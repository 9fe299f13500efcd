"""Chinese number words: values (``2405`` -> 二千四百零五) and digit strings (``138`` -> 一三八).

The reading a Mandarin TTS front end gives a number depends on what it takes the number to be:
a quantity is read as a value with units (十, 百, 千, 万, 亿), an identifier digit by digit.
"""

from __future__ import annotations

DIGITS = "零一二三四五六七八九"
_SMALL_UNITS = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))
_GROUP_UNITS = ("", "万", "亿", "万亿")
MAX_CARDINAL_DIGITS = 16
"""Longer digit runs are read digit by digit (no unit left to name them)."""


def digit_by_digit(digits: str, one: str = "一") -> str:
    """``0571`` -> 零五七一; ``one="幺"`` as phone numbers are read (幺三八)."""
    return "".join(one if d == "1" else DIGITS[int(d)] for d in digits if d.isdigit())


def cardinal(value: int) -> str:
    """``2024051866`` -> 二十亿二千四百零五万一千八百六十六; ``10`` -> 十; ``0`` -> 零."""
    if value == 0:
        return DIGITS[0]
    if value < 0:
        return "负" + cardinal(-value)
    groups: list[int] = []
    while value:
        groups.append(value % 10_000)
        value //= 10_000
    parts: list[str] = []
    zero_pending = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            zero_pending = bool(parts)
            continue
        if parts and (zero_pending or group < 1000):
            parts.append(DIGITS[0])
        parts.append(_four_digits(group) + _GROUP_UNITS[index])
        zero_pending = False
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text


def _four_digits(value: int) -> str:
    parts: list[str] = []
    zero_pending = False
    for unit_value, unit in _SMALL_UNITS:
        digit = value // unit_value % 10
        if digit == 0:
            zero_pending = bool(parts)
            continue
        if zero_pending:
            parts.append(DIGITS[0])
            zero_pending = False
        parts.append(DIGITS[digit] + unit)
    return "".join(parts)


def number_words(written: str) -> str:
    """A number as written (``1,280``, ``3.50``, ``007``) read as a quantity would be."""
    plain = written.replace(",", "")
    whole, dot, fraction = plain.partition(".")
    if len(whole) > MAX_CARDINAL_DIGITS or (len(whole) > 1 and whole.startswith("0")):
        head = digit_by_digit(whole)
    else:
        head = cardinal(int(whole or "0"))
    return head + ("点" + digit_by_digit(fraction) if dot and fraction else "")
