"""What the bot hears: a model of Alibaba's ASR output for a sentence the caller says.

Each change the model can make is a :class:`Change` with a name (``near pinyin: 花费 for 话费``);
:func:`variants` draws K realistic variants of a sentence, each one to three changes,
deterministically for a seed. The changes, in the order a recogniser makes them:

- ``same pinyin`` / ``tone`` / ``regional`` substitutions at the word level, from
  :data:`CONFUSIONS` (a recogniser's language model writes a real word that sounds the same, or
  the same but for the tone, or the same in a southern accent: n/l, zh/z, ch/c, sh/s, in/ing,
  en/eng, h/f);
- ``itn``: inverse text normalisation as the account's ASR model may apply it, either way
  (一二三 <-> 123, 三点半 <-> 3:30, 百分之五十 <-> 50%);
- ``filler``: a hesitation before the sentence or after it (嗯, 那个, 就是);
- ``drop``: a light word lost (查一下 -> 查下);
- ``truncation``: the first or last character cut by the end-point detector.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from vcall.simulator.speech.numbers import cardinal, digit_by_digit

SAME_PINYIN = "same pinyin"
TONE = "tone"
REGIONAL = "regional"
ITN = "itn"
FILLER = "filler"
DROP = "drop"
TRUNCATION = "truncation"
KINDS = (SAME_PINYIN, TONE, REGIONAL, ITN, FILLER, DROP, TRUNCATION)

CONFUSIONS: Mapping[str, tuple[tuple[str, str], ...]] = {
    "话费": (("花费", TONE),),
    "查询": (("茶询", SAME_PINYIN),),
    "查": (("差", TONE), ("茶", SAME_PINYIN)),
    "咨询": (("资讯", TONE),),
    "人工": (("人公", SAME_PINYIN), ("仁工", SAME_PINYIN)),
    "投诉": (("头诉", SAME_PINYIN),),
    "退款": (("推款", TONE),),
    "退订": (("推定", TONE),),
    "取消": (("去消", TONE),),
    "订单": (("定单", SAME_PINYIN),),
    "账单": (("帐单", SAME_PINYIN),),
    "账户": (("帐户", SAME_PINYIN),),
    "余额": (("鱼额", SAME_PINYIN),),
    "宽带": (("宽待", SAME_PINYIN),),
    "办理": (("半理", SAME_PINYIN),),
    "缴费": (("交费", SAME_PINYIN),),
    "充值": (("冲值", SAME_PINYIN),),
    "密码": (("米码", SAME_PINYIN),),
    "修改": (("休改", SAME_PINYIN),),
    "地址": (("地质", TONE),),
    "报修": (("保修", TONE),),
    "开通": (("开同", TONE),),
    "资费": (("自费", TONE),),
    "快递": (("快的", TONE),),
    "流量": (("牛量", REGIONAL),),
    "物流": (("物牛", REGIONAL),),
    "信号": (("星号", REGIONAL),),
    "信息": (("星系", REGIONAL),),
    "金额": (("经额", REGIONAL),),
    "营业厅": (("阴业厅", REGIONAL),),
    "手机": (("首机", SAME_PINYIN), ("搜机", REGIONAL)),
    "知道": (("资道", REGIONAL),),
    "是的": (("四的", REGIONAL),),
    "不是": (("不四", REGIONAL),),
    "能不能": (("棱不棱", REGIONAL),),
    "老师": (("脑师", REGIONAL),),
    "服务": (("湖务", REGIONAL),),
    "发票": (("花票", REGIONAL),),
    "客服": (("刻服", SAME_PINYIN),),
    "帮我": (("帮窝", TONE),),
    "主菜单": (("主菜丹", TONE),),
    "再说一遍": (("在说一遍", SAME_PINYIN),),
    "好的": (("好得", SAME_PINYIN),),
    "需要": (("须要", SAME_PINYIN),),
    "没有": (("没油", TONE),),
}
"""Word -> what a recogniser may write instead, and which kind of confusion it is."""

FILLERS = ("嗯", "那个", "就是", "呃")
LIGHT_WORDS = ("一下", "一个", "的", "了", "吧")
"""Words a recogniser often loses in fast speech (查一下 -> 查下)."""
ITN_FORMS: tuple[tuple[str, str], ...] = (
    ("三点半", "3:30"),
    ("两点半", "2:30"),
    ("十点半", "10:30"),
    ("百分之五十", "50%"),
    ("百分之二十", "20%"),
    ("百分之百", "100%"),
)
"""Spoken form <-> what ITN writes (either way: the account's ASR model decides)."""
_CHINESE_DIGIT_RUN = re.compile(r"[零一二三四五六七八九幺]{3,}")
_ARABIC_RUN = re.compile(r"\d+")
_CONFUSABLE = re.compile("|".join(sorted(CONFUSIONS, key=len, reverse=True)))
_PUNCTUATION = "，。！？、；：,.!?;:…～~ "
MAX_CHANGES = 3


@dataclass(frozen=True, slots=True, order=True)
class Change:
    """``new`` in place of ``text[start:end]``: one thing the recogniser got different."""

    start: int
    end: int
    new: str
    kind: str
    old: str

    def describe(self) -> str:
        if self.kind == FILLER:
            return f"filler {self.new}"
        if self.kind in (DROP, TRUNCATION):
            return f"{self.kind}: {self.old} lost"
        return f"{self.kind}: {self.new} for {self.old}"


@dataclass(frozen=True, slots=True)
class Variant:
    """What the bot is sent for ``original``, and the changes that made it."""

    original: str
    text: str
    changes: tuple[Change, ...]

    @property
    def label(self) -> str:
        return "; ".join(change.describe() for change in self.changes) or "as said"


def candidate_changes(text: str, kinds: Sequence[str] = KINDS) -> list[Change]:
    """Every single change the model can make to ``text`` (in a fixed order)."""
    found: list[Change] = []
    if SAME_PINYIN in kinds or TONE in kinds or REGIONAL in kinds:
        for match in _CONFUSABLE.finditer(text):
            for new, kind in CONFUSIONS[match.group(0)]:
                if kind in kinds:
                    found.append(Change(match.start(), match.end(), new, kind, match.group(0)))
    if ITN in kinds:
        found.extend(_itn_changes(text))
    core = text.rstrip(_PUNCTUATION)
    if FILLER in kinds and core:
        found.append(Change(0, 0, FILLERS[0], FILLER, ""))
        found.append(Change(len(core), len(core), FILLERS[0], FILLER, ""))
        found.append(Change(0, 0, FILLERS[1], FILLER, ""))
    if DROP in kinds:
        for word in LIGHT_WORDS:
            at = core.find(word)
            if at > 0:
                found.append(Change(at, at + len(word), "", DROP, word))
    if TRUNCATION in kinds and len(core) >= 4:
        found.append(Change(len(core) - 1, len(core), "", TRUNCATION, core[-1]))
        found.append(Change(0, 1, "", TRUNCATION, core[0]))
    return found


def _itn_changes(text: str) -> Iterable[Change]:
    for spoken, written in ITN_FORMS:
        for source, target in ((spoken, written), (written, spoken)):
            at = text.find(source)
            if at >= 0:
                yield Change(at, at + len(source), target, ITN, source)
    for match in _CHINESE_DIGIT_RUN.finditer(text):
        digits = "".join(
            str("零一二三四五六七八九".find(c)) if c != "幺" else "1" for c in match.group(0)
        )
        yield Change(match.start(), match.end(), digits, ITN, match.group(0))
    for match in _ARABIC_RUN.finditer(text):
        written = match.group(0)
        spoken = digit_by_digit(written) if len(written) >= 3 else cardinal(int(written))
        yield Change(match.start(), match.end(), spoken, ITN, written)


def apply(text: str, changes: Iterable[Change]) -> str:
    """``text`` with ``changes`` made (they must not overlap)."""
    out, position = [], 0
    for change in sorted(changes):
        out.append(text[position : change.start])
        out.append(change.new)
        position = change.end
    out.append(text[position:])
    return "".join(out) or text


def _overlaps(change: Change, chosen: Sequence[Change]) -> bool:
    for other in chosen:
        if change.start == change.end or other.start == other.end:
            if change.start == other.start and change.end == other.end:
                return True
            continue
        if change.start < other.end and other.start < change.end:
            return True
    return False


def variants(text: str, count: int, seed: int, kinds: Sequence[str] = KINDS) -> list[Variant]:
    """Up to ``count`` distinct variants of ``text`` (fewer when the model has fewer to make);
    the same (text, count, seed) always gives the same list."""
    candidates = candidate_changes(text, kinds)
    if not candidates or count <= 0:
        return []
    rng = random.Random(f"asr|{seed}|{text}")
    found: dict[str, Variant] = {}
    # Every single change first (the most telling variants), then mixes of two or three.
    singles = list(candidates)
    rng.shuffle(singles)
    for change in singles:
        if len(found) >= count:
            break
        _keep(found, Variant(text, apply(text, [change]), (change,)))
    attempts = 0
    while len(found) < count and attempts < count * 20:
        attempts += 1
        chosen: list[Change] = []
        for change in rng.sample(candidates, min(len(candidates), rng.randint(2, MAX_CHANGES))):
            if not _overlaps(change, chosen):
                chosen.append(change)
        chosen.sort()
        _keep(found, Variant(text, apply(text, chosen), tuple(chosen)))
    return list(found.values())[:count]


def _keep(found: dict[str, Variant], variant: Variant) -> None:
    if variant.text != variant.original and variant.text not in found:
        found[variant.text] = variant


# --- fixture realism (``asr:`` / ``--asr``): random changes at a rate, and naming them --------

ITN_MODES = ("keep", "written", "spoken")
"""``itn``: times and percentages as said (``keep``), as ITN writes them (三点半 -> 3:30,
百分之五十 -> 50%), or written forms read out (3:30 -> 三点半)."""


def confuse(text: str, probability: float, rng: random.Random) -> str:
    """Each word of :data:`CONFUSIONS` swapped with ``probability`` (same pinyin, tone, regional)."""

    def swap(match: re.Match[str]) -> str:
        if rng.random() >= probability:
            return match.group(0)
        return rng.choice(CONFUSIONS[match.group(0)])[0]

    return _CONFUSABLE.sub(swap, text)


def normalise(text: str, mode: str) -> str:
    """Times and percentages in the ``itn`` mode's form (see :data:`ITN_MODES`)."""
    if mode == "keep":
        return text
    for spoken, written in ITN_FORMS:
        text = text.replace(spoken, written) if mode == "written" else text.replace(written, spoken)
    return text


def truncate(text: str, probability: float, rng: random.Random) -> str:
    """With ``probability``, the last character before the final punctuation is cut."""
    core = text.rstrip(_PUNCTUATION)
    if len(core) < 4 or rng.random() >= probability:
        return text
    return core[:-1] + text[len(core) :]


def named_changes(written: str, heard: str) -> list[str]:
    """What ASR changed between ``written`` and ``heard``, each named (``tone: 花费 for 话费``,
    ``filler 嗯``, ``itn: 3:30 for 三点半``, ``lost 费``); punctuation changes left out."""
    import difflib

    kinds = {(old, new): kind for old, pairs in CONFUSIONS.items() for new, kind in pairs}
    names: list[str] = []
    matcher = difflib.SequenceMatcher(a=written, b=heard, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        old = written[a0:a1].strip(_PUNCTUATION)
        new = heard[b0:b1].strip(_PUNCTUATION)
        if tag == "equal" or (not old and not new):
            continue
        if not old:
            names.append(f"filler {new}" if new in FILLERS else f"added {new}")
        elif not new:
            names.append(f"lost {old}")
        else:
            names.append(_substitution(written, a0, a1, new, kinds))
    return names


def _substitution(
    written: str, start: int, end: int, new: str, kinds: Mapping[tuple[str, str], str]
) -> str:
    """``kind: new for old``, widened to the confusable word the change is part of."""
    for word in CONFUSIONS:
        at = written.find(word, max(0, start - len(word) + 1), end + len(word) - 1)
        if 0 <= at <= start and end <= at + len(word):
            swapped = word[: start - at] + new + word[end - at :]
            if (word, swapped) in kinds:
                return f"{kinds[(word, swapped)]}: {swapped} for {word}"
    old = written[start:end]
    kind = ITN if any(c.isdigit() for c in new + old) else "substitution"
    return f"{kind}: {new} for {old}"
