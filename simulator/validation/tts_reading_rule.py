"""``tts-reading-doubt``: the answer's TTS text, as the caller will hear it, likely is not what
was meant (an order number read as a quantity, a web address spelled out, ``5/6`` read as a
fraction). The reading comes from :mod:`vcall.simulator.speech` (cached; a text
with no digit or Latin letter costs one regular-expression search)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from vcall.simulator.findings import Finding, Severity
from vcall.simulator.spec import ACTIONS, SEED_FOLLOWUP, TTS_VARIABLE_PATTERN
from vcall.simulator.speech import file_piece as _file_piece
from vcall.simulator.speech import tts_reading
from vcall.simulator.validation.context import DATA_RULES, ResponseContext
from vcall.simulator.validation.registry import RuleInfo

_FILES_ONLY = re.compile(r"[\x21-\x23\x25-\x7e]*")
"""Printable ASCII without blanks or ``$``: every item a file or voice id (``_file_piece``)."""
MAX_DOUBTS = 3
"""Doubts told per answer (the rest are alike)."""


@DATA_RULES.new(
    "tts-reading-doubt",
    Severity.WARNING,
    "the TTS reading of the answer (numbers, identifiers, dates, addresses) is likely not what "
    "was meant",
    SEED_FOLLOWUP,
    fields={"action_code"},
    quote="播放的语音文件code,支持多文件播放,多个文件使用英文逗号(,)分隔,支持tts参数",
)
def tts_reading_doubt(context: ResponseContext, rule: RuleInfo) -> Iterable[Finding]:
    code = context.text("action_code") or ""
    if _FILES_ONLY.fullmatch(code):
        return ()  # files and voice ids only (the common answer): nothing is read, no generator
    spec = ACTIONS.get(context.action or "")
    if not code or (spec is not None and not spec.plays) or context.tts_params_problem:
        return ()
    return _doubts(context, rule, code)


def _doubts(context: ResponseContext, rule: RuleInfo, code: str) -> Iterable[Finding]:
    values = tuple((key, str(value)) for key, value in (context.tts_params or {}).items())
    if len(code) <= _CACHED_CODE_CHARS and len(values) <= _CACHED_PARAMS:
        return _told(rule, code, values)  # a bot repeats its prompts: found once per text
    return _told.__wrapped__(rule, code, values)


_CACHED_CODE_CHARS = 1024
_CACHED_PARAMS = 16
"""Answers larger than this are read every time (the cache holds at most 1,024 small ones)."""


@lru_cache(maxsize=1024)
def _told(rule: RuleInfo, code: str, params: tuple[tuple[str, str], ...]) -> tuple[Finding, ...]:
    """The findings of ``code`` with ``params`` filled in (findings are immutable: shared)."""
    values = dict(params)
    found: list[Finding] = []
    for index, item in enumerate(part.strip() for part in code.split(",")):
        if not item or _file_piece(item):  # a file or voice id: nothing is read
            continue
        text = TTS_VARIABLE_PATTERN.sub(lambda m: values.get(m.group(1), ""), item)
        for doubt in tts_reading(text).doubts:
            if len(found) == MAX_DOUBTS:
                return tuple(found)
            found.append(
                rule.at(
                    f"data.action_code[{index}]",
                    f"the caller hears {doubt.written!r} as “{doubt.heard}”: {doubt.why}",
                )
            )
    return tuple(found)
