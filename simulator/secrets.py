"""The one place secrets are masked: every byte vcall writes goes through :func:`mask`.

A *secret* is an AccessKey secret or an STS token vcall knows of: a :class:`Credentials` object
registers its secrets when it is made and the CLI registers the environment's at start-up; a
caller may name more for one call (``extra``: the emulator passes the ``SecurityToken`` a request
carried). :func:`mask` replaces, in any text:

* every stretch of at least :data:`MIN_FRAGMENT_LENGTH` characters that also occurs in one of a
  secret's *spellings* — raw, percent-encoded once and twice (upper- or lower-case hex, ``/``
  kept or not), ``quote_plus``-encoded once and twice, base64 (standard and URL-safe, at the three
  alignments a secret can have inside a longer base64 text). So the whole secret, any prefix a
  truncation left, and any fragment are all caught, whatever the encoding;
* the value after a parameter, header or field named like a secret (``SecurityToken=...``,
  ``x-acs-security-token: ...``, ``"access_key_secret": "..."``, percent-encoded or not), whatever
  its length — what the emulator receives may be a token it has never seen.

Values shorter than :data:`MIN_SECRET_LENGTH` are never registered: a one-letter dummy key
would otherwise garble every word (``http****://dyvm****``). The scheme and host of a URL are
never masked by a fragment. Masking is idempotent and never lengthens a masked stretch past
:data:`MASK`.
"""

from __future__ import annotations

import base64
import contextlib
import os
import re
import sys
import threading
from collections.abc import Iterable, Mapping
from typing import Any, TextIO
from urllib.parse import quote, quote_plus

MASK = "****"
MIN_SECRET_LENGTH = 8
"""A value shorter than this is not treated as a secret (vcall's choice: real AccessKey secrets
have 30 characters and STS tokens hundreds; shorter values are test dummies)."""
MIN_FRAGMENT_LENGTH = 6
"""The shortest stretch of a secret's spelling that is masked where it appears (vcall's choice)."""
ENV_SECRET_NAMES = (
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    "ALIBABA_CLOUD_SECURITY_TOKEN",
    "VCALL_LLM_API_KEY",
)
"""Environment variables whose values are secrets (the official credential chain's names, and
``vcall persona --llm``'s API key)."""

_SECRET_NAMES = r"SecurityToken|x-acs-security-token|AccessKeySecret|access_key_secret|sts_token"
_EQUALS = r"(?:=|%3D|%253D|\"?\s*:\s*\"?|:\s*)"
_VALUE_END = r"&|%26|%2526|[\s\"',;<>]"
_NAMED_VALUE = re.compile(
    rf"(?P<name>(?:{_SECRET_NAMES}))(?P<eq>{_EQUALS})(?P<value>(?:(?!{_VALUE_END}).)+)",
    re.IGNORECASE,
)
_URL_HOST = re.compile(r"(?P<scheme>\b(?:https?|wss?)://)(?:[^/?#@\s]*@)?(?P<host>[^/?#@\s:]*)")


def spellings(secret: str) -> set[str]:
    """The ways ``secret`` can appear in what vcall writes."""
    forms = {secret}
    for once in (quote(secret, safe="~"), quote(secret), quote_plus(secret)):
        forms |= {once, once.lower() if "%" in once else once}
        forms.add(quote(once, safe="~"))
        forms.add(quote_plus(once))
    forms |= _lower_hex(forms)
    raw = secret.encode("utf-8")
    for pad in (0, 1, 2):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            text = encode(b"\0" * pad + raw).decode("ascii")
            forms.add(_stable_base64(text, pad, len(raw)))
    return {form for form in forms if form}


def _lower_hex(forms: Iterable[str]) -> set[str]:
    return {re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), form) for form in forms}


def _stable_base64(text: str, pad: int, size: int) -> str:
    """The characters of a base64 text that depend only on the secret's bytes."""
    start = (pad * 8 + 5) // 6  # characters touched by the leading padding bytes
    end = ((pad + size) * 8) // 6  # characters fully inside the secret's bytes
    return text[start:end]


class SecretRegistry:
    """Known secrets and the fragments that give them away. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._secrets: set[str] = set()
        self._grams = _Grams()

    def register(self, *values: str | None) -> None:
        """Remember ``values`` as secrets (``None``, empty and short values are ignored)."""
        with self._lock:
            new = {v for v in values if v and len(v) >= MIN_SECRET_LENGTH} - self._secrets
            if new:
                self._grams = self._grams.including(new)
                self._secrets = self._secrets | new

    def forget_all(self) -> None:
        with self._lock:
            self._secrets = set()
            self._grams = _Grams()

    def __bool__(self) -> bool:
        return bool(self._secrets)

    def __contains__(self, value: object) -> bool:
        return value in self._secrets

    def mask(self, text: str, extra: Iterable[str | None] = ()) -> str:
        """``text`` with every known secret (and each of ``extra``) masked; see the module."""
        grams = self._grams
        more = {v for v in extra if v and len(v) >= MIN_SECRET_LENGTH} - self._secrets
        if more:
            grams = grams.including(more)
        text = _mask_named_values(text)
        if not grams or len(text) < MIN_FRAGMENT_LENGTH:
            return text
        spans = _merge(grams.hits(text))
        if not spans:
            return text
        return _replace(text, _outside_hosts(text, spans))

    def mask_bytes(self, data: bytes, extra: Iterable[str | None] = ()) -> bytes:
        """Bytes masked as UTF-8 text (bytes that are not UTF-8 pass through unchanged)."""
        text = data.decode("utf-8", "surrogateescape")
        masked = self.mask(text, extra)
        return data if masked == text else masked.encode("utf-8", "surrogateescape")

    def mask_value(self, value: object) -> object:
        """Every string inside ``value`` (dicts, lists, tuples, strings) masked."""
        if isinstance(value, str):
            return self.mask(value)
        if isinstance(value, Mapping):
            return {self.mask_value(k): self.mask_value(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.mask_value(item) for item in value]
        return value


def fragments(secret: str, size: int = MIN_FRAGMENT_LENGTH) -> set[str]:
    """Every ``size``-character stretch of every spelling of ``secret``."""
    out: set[str] = set()
    for form in spellings(secret):
        out.update(form[i : i + size] for i in range(len(form) - size + 1))
    return out


_SAMPLE_SIZE = 4
_SAMPLE_STEP = MIN_FRAGMENT_LENGTH + 1 - _SAMPLE_SIZE
"""Any stretch of MIN_FRAGMENT_LENGTH characters holds a _SAMPLE_SIZE-character stretch that
starts at a multiple of _SAMPLE_STEP: the text is sampled there first (a third of the work),
and only around a sample that could belong to a secret is every position checked."""


class _Grams:
    """The fragments of a set of secrets, and the shorter samples that find them fast."""

    def __init__(
        self, full: frozenset[str] = frozenset(), samples: frozenset[str] = frozenset()
    ) -> None:
        self.full = full
        self.samples = samples

    def __bool__(self) -> bool:
        return bool(self.full)

    def including(self, secrets: Iterable[str]) -> _Grams:
        full, samples = set(self.full), set(self.samples)
        for secret in secrets:
            full |= fragments(secret)
            samples |= fragments(secret, _SAMPLE_SIZE)
        return _Grams(frozenset(full), frozenset(samples))

    def hits(self, text: str) -> list[tuple[int, int]]:
        """``(start, end)`` of every fragment found in ``text``, in ascending order."""
        size, step, samples = MIN_FRAGMENT_LENGTH, _SAMPLE_STEP, self.samples
        last_start = len(text) - size
        sampled = [
            p
            for p in range(0, len(text) - _SAMPLE_SIZE + 1, step)
            if text[p : p + _SAMPLE_SIZE] in samples
        ]
        found: list[tuple[int, int]] = []
        checked_up_to = -1
        for p in sampled:
            first = max(p - step + 1, checked_up_to + 1, 0)
            for start in range(first, min(p, last_start) + 1):
                if text[start : start + size] in self.full:
                    found.append((start, start + size))
            checked_up_to = max(checked_up_to, min(p, last_start))
        return found


def _mask_named_values(text: str) -> str:
    if not _looks_named(text):
        return text
    return _NAMED_VALUE.sub(lambda m: f"{m['name']}{m['eq']}{MASK}", text)


def _looks_named(text: str) -> bool:
    lowered = text.lower()
    return "token" in lowered or "secret" in lowered


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in spans:  # in ascending start order
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _outside_hosts(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` with the parts that fall on a URL's scheme or host cut away."""
    found = _URL_HOST.finditer(text) if "://" in text else iter(())
    hosts = [m.span(group) for m in found for group in ("scheme", "host")]
    if not hosts:
        return spans
    kept: list[tuple[int, int]] = []
    for start, end in spans:
        pieces = [(start, end)]
        for h_start, h_end in hosts:
            pieces = [p for piece in pieces for p in _cut(piece, h_start, h_end)]
        kept.extend(p for p in pieces if p[1] - p[0] >= MIN_FRAGMENT_LENGTH)
    return kept


def _cut(span: tuple[int, int], start: int, end: int) -> list[tuple[int, int]]:
    if span[1] <= start or span[0] >= end:
        return [span]
    return [p for p in ((span[0], start), (end, span[1])) if p[1] > p[0]]


def _replace(text: str, spans: list[tuple[int, int]]) -> str:
    parts: list[str] = []
    position = 0
    for start, end in spans:
        parts.append(text[position:start])
        parts.append(MASK)
        position = end
    parts.append(text[position:])
    return "".join(parts)


REGISTRY = SecretRegistry()
"""The process's known secrets."""


def register(*values: str | None) -> None:
    REGISTRY.register(*values)


def register_environment(environ: Mapping[str, str] = os.environ) -> None:
    """Register the secrets of the official environment variables, when set."""
    REGISTRY.register(*(environ.get(name) for name in ENV_SECRET_NAMES))


def mask(text: str, extra: Iterable[str | None] = ()) -> str:
    return REGISTRY.mask(text, extra)


def mask_bytes(data: bytes, extra: Iterable[str | None] = ()) -> bytes:
    return REGISTRY.mask_bytes(data, extra)


def mask_value(value: object) -> object:
    return REGISTRY.mask_value(value)


class MaskingStream:
    """A text stream that masks what is written to it before passing it on, whole lines at a
    time (a secret split over two ``write`` calls is still caught); ``flush`` passes on a
    partial line. Everything else (``isatty``, ``fileno``, ``encoding``...) is the wrapped
    stream's. With no secret known, writes pass straight through."""

    def __init__(self, stream: TextIO, registry: SecretRegistry = REGISTRY) -> None:
        self.wrapped = stream
        self._registry = registry
        self._pending = ""

    def write(self, text: str) -> int:
        if not self._registry and not self._pending and not _looks_named(text):
            return self.wrapped.write(text)
        whole, newline, rest = (self._pending + text).rpartition("\n")
        self._pending = rest
        if newline:
            self.wrapped.write(self._registry.mask(whole + newline))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        if self._pending:
            self.wrapped.write(self._registry.mask(self._pending))
            self._pending = ""
        self.wrapped.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wrapped, name)


def install_masking_streams() -> None:
    """Route ``sys.stdout`` and ``sys.stderr`` through :class:`MaskingStream` (once). Text the
    stream cannot encode (a lone surrogate) is written as a ``\\udXXX`` escape, never raised."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")
        if stream is not None and not isinstance(stream, MaskingStream):
            setattr(sys, name, MaskingStream(stream))
