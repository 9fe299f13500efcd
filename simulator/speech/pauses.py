"""A pause inside a ``say``: ``say: 我想查一下|话费``.

The platform ends a sentence after ``pause_time`` of silence, so a caller who stops for longer in
the middle of what they mean reaches the bot as two sentences: two ``normal`` callbacks, the
first answered before the rest is heard. A fixture writes that pause as :data:`PAUSE_MARK`; the
loader turns the step into one ``say`` per part (the step's ``expect`` and ``capture`` go with
the last part, what the whole request is answered with).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from itertools import pairwise

from vcall.simulator.fixture.scenario import Say, Step

PAUSE_MARK = "|"
"""Where the caller pauses longer than ``pause_time`` inside a ``say``."""


def pause_problem(words: str) -> str:
    """Why a ``say`` with pauses is malformed (an empty part), or empty."""
    if PAUSE_MARK in words and any(not part.strip() for part in words.split(PAUSE_MARK)):
        return f"a pause mark {PAUSE_MARK!r} with nothing said on one side of it"
    return ""


def split_pauses(step: Step) -> list[Step]:
    """The step as one ``say`` per part when its words hold a pause mark; else the step alone."""
    action = step.action
    if not isinstance(action, Say) or PAUSE_MARK not in action.words:
        return [step]
    parts = [part.strip() for part in action.words.split(PAUSE_MARK)]
    written = [part.strip() for part in action.intended.split(PAUSE_MARK)]
    if len(written) != len(parts):
        written = [""] * len(parts)
    steps = []
    for number, (words, intended) in enumerate(zip(parts, written, strict=True)):
        said = replace(
            action,
            words=words,
            intended=intended if intended != words else "",
            duration_ms=_share(action.duration_ms, words, parts),
        )
        last = number == len(parts) - 1
        steps.append(
            replace(step, action=said)
            if last
            else Step(said, line=step.line, index=step.index, source=step.source)
        )
    return steps


def _share(duration_ms: int | None, words: str, parts: Sequence[str]) -> int | None:
    """A written duration shared between the parts by their length."""
    if duration_ms is None:
        return None
    total = sum(len(part) for part in parts) or 1
    return max(1, duration_ms * len(words) // total)


def renumbered(steps: Sequence[Step]) -> tuple[Step, ...]:
    """After a split, ``index`` set to each step's place (the later steps moved on); without
    one, the steps as they are (their index the step's place as written, a step that failed
    to load counted)."""
    split = any(a.index == b.index for a, b in pairwise(steps))
    if not split:
        return tuple(steps)
    return tuple(replace(step, index=at) for at, step in enumerate(steps))
