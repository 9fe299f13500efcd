"""What tap keeps private: phone numbers become stable fakes, chosen words are masked.

A number is replaced by a fake of the same length that keeps its first three digits (a mobile
still looks like a mobile, a landline keeps its area code) and takes the rest from an HMAC of the
number under a key made when tap starts: the same number gets the same fake for the whole run,
and the fakes cannot be turned back without the key (which is never written). Numbers are
learned from ``callin`` (``caller``, ``callee``, ``orgcallee``) and from the bot's ``number``;
once learned, a call's numbers are replaced in every string of its fixture and log lines, words
and finding messages included, however they are written (``138 1234 5678``, ``138-1234-5678``).
A mainland mobile number tap never learned (a caller spelling out another number) is faked too.
``--redact REGEX`` masks whatever else the user names (ID numbers, addresses).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from vcall.simulator.errors import UsageError

KEPT_PREFIX = 3
MIN_NUMBER = 5
"""Shorter digit strings (extensions, codes) are not treated as phone numbers."""
DIGIT_RUN = re.compile(r"\d{7,}")
"""In a request that is not a callback, any run this long is taken for a phone number."""
MASK = "***"
MOBILE = re.compile(r"(?<!\d)1[3-9]\d(?:[ -]?\d){8}(?!\d)")
"""A mainland mobile number, its digits maybe grouped by spaces or dashes."""
SEPARATOR = "[ -]?"
NUMBER_FIELDS = ("caller", "callee", "orgcallee", "number")


class NumberFaker:
    """Stable fakes for phone numbers, or the numbers themselves with ``keep``."""

    def __init__(self, *, keep: bool = False, key: bytes | None = None) -> None:
        self.keep = keep
        self._key = key or secrets.token_bytes(32)
        self.fake = functools.lru_cache(maxsize=4096)(self._fake)

    def _fake(self, number: str) -> str:
        digits = [index for index, char in enumerate(number) if char.isdigit()]
        if self.keep or len(digits) < MIN_NUMBER:
            return number
        stream = _digit_stream(self._key, number)
        chars = list(number)
        for position, index in enumerate(digits[KEPT_PREFIX:]):
            chars[index] = stream[position % len(stream)]
        fake = "".join(chars)
        if fake == number:  # astronomically rare; still never give the number back
            last = digits[-1]
            chars[last] = str((int(chars[last]) + 1) % 10)
            fake = "".join(chars)
        return fake


def _digit_stream(key: bytes, number: str) -> str:
    digest = hmac.new(key, number.encode("utf-8"), hashlib.sha256).digest()
    return "".join(str(byte % 10) for byte in digest)


class Redactor:
    """Replaces a call's known numbers by their fakes and masks ``--redact`` matches."""

    def __init__(self, faker: NumberFaker, patterns: Sequence[str] = ()) -> None:
        self.faker = faker
        self.patterns = tuple(_compile(pattern) for pattern in patterns)

    def numbers(self, values: Iterable[object]) -> dict[str, str]:
        """The fakes of these values that are numbers: original -> fake."""
        found: dict[str, str] = {}
        for value in values:
            if isinstance(value, str) and sum(c.isdigit() for c in value) >= MIN_NUMBER:
                fake = self.faker.fake(value)
                if fake != value:
                    found[value] = fake
        return found

    def text(self, text: str, known: Mapping[str, str]) -> str:
        """``text`` with the known numbers faked (however their digits are grouped), every
        other mobile number faked, and every ``--redact`` match masked."""
        for original in sorted(known, key=len, reverse=True):
            if original in text:
                text = text.replace(original, known[original])
        if known:
            grouped = _grouped_pattern(tuple(sorted(known, key=len, reverse=True)))
            if grouped is not None:
                text = grouped.sub(lambda match: _regroup(match[0], known), text)
        if not self.faker.keep and any(char.isdigit() for char in text):
            fakes = set(known.values())
            text = MOBILE.sub(lambda match: self._mobile(match[0], fakes), text)
        for pattern in self.patterns:
            text = pattern.sub(MASK, text)
        return text

    def value(self, value: Any, known: Mapping[str, str]) -> Any:
        """Every string inside ``value`` (mappings and lists walked) through :meth:`text`."""
        if isinstance(value, str):
            return self.text(value, known)
        if isinstance(value, Mapping):
            return {key: self.value(item, known) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(item, known) for item in value]
        return value

    def unknown_text(self, text: str, known: Mapping[str, str]) -> str:
        """Text whose numbers tap could not learn (a malformed request): long digit runs masked."""
        text = self.text(text, known)
        return text if self.faker.keep else DIGIT_RUN.sub(MASK, text)

    @property
    def active(self) -> bool:
        return not self.faker.keep or bool(self.patterns)

    def _mobile(self, written: str, fakes: set[str]) -> str:
        digits = "".join(char for char in written if char.isdigit())
        if digits in fakes:
            return written
        return _regroup(written, {digits: self.faker.fake(digits)})


@functools.lru_cache(maxsize=1024)
def _grouped_pattern(originals: tuple[str, ...]) -> re.Pattern[str] | None:
    """The known numbers written with spaces or dashes between their digits."""
    shapes = [
        SEPARATOR.join(re.escape(char) for char in original)
        for original in originals
        if original.isdigit()
    ]
    return re.compile(rf"(?<!\d)(?:{'|'.join(shapes)})(?!\d)") if shapes else None


def _regroup(written: str, known: Mapping[str, str]) -> str:
    """``written`` (digits grouped by separators) with its digits replaced by its fake's."""
    digits = "".join(char for char in written if char.isdigit())
    fake = known.get(digits)
    if fake is None or len(fake) != len(digits):
        return written
    replaced = iter(fake)
    return "".join(next(replaced) if char.isdigit() else char for char in written)


def _compile(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as error:
        raise UsageError(f"--redact {pattern!r}: not a regular expression: {error}") from None
