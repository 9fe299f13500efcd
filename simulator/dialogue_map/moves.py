"""The caller's moves: what the explorer tries from each state.

A move is one or more fixture steps (``Wait`` then ``Say`` for a caller who lets the prompt end
before speaking). Which moves apply depends on the situation the state leaves the call in: while
the bot collects keys, every key it could accept and the no-input timeout; otherwise silence
(until ``mute``), talking over the playback, the caller's lines, and always a hang-up (which
the crawler records without a call: the platform sends the bot nothing after it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from importlib import resources
from pathlib import Path

from vcall.simulator.bounded_read import TooLargeError, read_bounded
from vcall.simulator.errors import UsageError
from vcall.simulator.fixture import Action, BargeIn, Hangup, Press, Say, Silence, Wait
from vcall.simulator.model import CallState

KEYS = "1234567890*#"
MARGIN_MS = 200
"""Silences last this much longer than the timer they wait for."""
TALK_OVER_WORDS = "等一下，我有个问题想问"
TALK_OVER_MIN_MS = 1500
MAX_LINES = 200
MAX_LINE_CHARS = 500


class MoveKind(StrEnum):
    KEY = "key"
    NO_INPUT = "no-input"
    SILENCE = "silence"
    TALK_OVER = "talk-over"
    SAY = "say"
    HANGUP = "hangup"


INPUT_KINDS = frozenset({MoveKind.KEY, MoveKind.SAY})
"""Moves that carry what the caller said or pressed (a deaf bot ignores their content)."""


@dataclass(frozen=True, slots=True)
class Move:
    kind: MoveKind
    label: str
    """How maps and reports name it: ``key 1``, ``say 转人工``, ``silence``."""
    steps: tuple[Action, ...]

    def shorter(self) -> list[Move]:
        """Smaller versions of this move, most reduced first (for the shrinker)."""
        smaller: list[Move] = []
        if len(self.steps) > 1 and isinstance(self.steps[0], Wait):
            smaller.append(replace(self, steps=self.steps[1:]))
        for index, step in enumerate(self.steps):
            for reduced in _shorter_step(step):
                steps = (*self.steps[:index], reduced, *self.steps[index + 1 :])
                smaller.append(Move(self.kind, _label(self.kind, reduced, self.label), steps))
        return smaller


@dataclass(frozen=True, slots=True)
class Situation:
    """What a state leaves the call doing, as far as the caller's choice of moves is concerned."""

    collecting: bool = False
    no_input_ms: int = 3000
    playing: bool = False
    breakable: bool = False
    time_break_ms: int = 0
    mute_time_ms: int = 10_000
    session_timeout_s: int = 3600
    ended: bool = False

    @classmethod
    def of(cls, state: CallState) -> Situation:
        dtmf = state.pending_dtmf
        playing = state.playing
        return cls(
            collecting=dtmf is not None,
            no_input_ms=(dtmf.timeout_s * 1000) if dtmf else 3000,
            playing=playing is not None,
            breakable=playing is not None and playing.breakable,
            time_break_ms=playing.time_break_ms if playing and playing.breakable else 0,
            mute_time_ms=state.mute_time_ms,
            session_timeout_s=state.session_timeout_s,
            ended=state.ended or state.closing is not None,
        )


def moves_for(situation: Situation, lines: Sequence[str]) -> list[Move]:
    """Every move the explorer tries from a state, in a fixed order."""
    if situation.ended:
        return []
    if situation.collecting:
        moves = [key_move(key) for key in KEYS]
        moves.append(no_input_move(situation))
    else:
        moves = [say_move(line) for line in lines]
        moves.append(silence_move(situation))
        if situation.playing:
            moves.append(talk_over_move(situation))
    moves.append(HANGUP)
    return moves


def key_move(key: str) -> Move:
    return Move(MoveKind.KEY, f"key {key}", (Press(key),))


def no_input_move(situation: Situation) -> Move:
    silence = Silence(situation.no_input_ms + MARGIN_MS)
    return Move(MoveKind.NO_INPUT, "no key (timeout)", (Wait(), silence))


def silence_move(situation: Situation) -> Move:
    return Move(MoveKind.SILENCE, "silence", (Wait(), Silence(situation.mute_time_ms + MARGIN_MS)))


def talk_over_move(situation: Situation) -> Move:
    duration = max(TALK_OVER_MIN_MS, situation.time_break_ms + 500)
    step = BargeIn(TALK_OVER_WORDS, after_ms=MARGIN_MS, duration_ms=duration)
    return Move(MoveKind.TALK_OVER, "talk over", (step,))


def say_move(words: str) -> Move:
    return Move(MoveKind.SAY, f"say {words}", (Wait(), Say(words)))


def until_session_timeout(situation: Situation) -> Move:
    """A silence long enough for the session timeout (what a never-ending call runs into)."""
    silence = Silence(situation.session_timeout_s * 1000 + MARGIN_MS)
    return Move(MoveKind.SILENCE, "silence until the session timeout", (Wait(), silence))


HANGUP = Move(MoveKind.HANGUP, "hang up", (Hangup(),))


def _shorter_step(step: Action) -> Iterable[Action]:
    """Halved first (the big cut), then one character or a quarter less (the fine cut)."""
    if isinstance(step, Say) and len(step.words) > 1:
        yield replace(step, words=step.words[: len(step.words) // 2])
        if len(step.words) > 2:
            yield replace(step, words=step.words[:-1])
    elif isinstance(step, Silence) and step.duration_ms > 2 * MARGIN_MS:
        yield Silence(step.duration_ms // 2)
        yield Silence(step.duration_ms * 3 // 4)
    elif isinstance(step, BargeIn) and step.duration_ms > 2 * MARGIN_MS:
        yield replace(step, duration_ms=step.duration_ms // 2)
        yield replace(step, duration_ms=step.duration_ms * 3 // 4)
    elif isinstance(step, Press) and len(step.digits) > 1:
        yield replace(step, digits=step.digits[:-1])


def _label(kind: MoveKind, step: Action, old: str) -> str:
    if isinstance(step, Say):
        return f"say {step.words}"
    if isinstance(step, Press):
        return f"key {step.digits}"
    if isinstance(step, Silence):
        return f"{kind.value} {step.duration_ms / 1000:g}s"
    if isinstance(step, BargeIn):
        return f"talk over {step.duration_ms / 1000:g}s"
    return old


# --- the caller's lines ---------------------------------------------------------------------


def builtin_lines() -> list[str]:
    """The built-in bank of common Chinese caller lines (``data/caller_lines.txt``)."""
    text = resources.files(__package__).joinpath("data", "caller_lines.txt").read_text("utf-8")
    return _parse_lines(text, "the built-in caller lines")


MAX_SAY_FILE_BYTES = 4 * 1024 * 1024
"""Largest ``--say-file`` read (the limit applies while reading: ``/dev/zero`` is refused)."""


def read_say_file(path: Path) -> list[str]:
    """``--say-file``: one line per utterance; blank lines and ``#`` comments skipped."""
    try:
        text = read_bounded(path, MAX_SAY_FILE_BYTES).decode("utf-8")
    except TooLargeError:
        raise UsageError(f"--say-file {path}: over {MAX_SAY_FILE_BYTES} bytes") from None
    except FileNotFoundError:
        raise UsageError(f"--say-file {path}: no such file") from None
    except UnicodeDecodeError:
        raise UsageError(f"--say-file {path}: not UTF-8 text") from None
    except OSError as error:
        raise UsageError(f"--say-file {path}: {error.strerror or error}") from None
    lines = _parse_lines(text, f"--say-file {path}")
    if not lines:
        raise UsageError(f"--say-file {path}: no lines to say")
    return lines


def _parse_lines(text: str, where: str) -> list[str]:
    lines: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if len(line) > MAX_LINE_CHARS:
            raise UsageError(f"{where}:{number}: a line over {MAX_LINE_CHARS} characters")
        if line not in lines:
            lines.append(line)
    if len(lines) > MAX_LINES:
        raise UsageError(f"{where}: over {MAX_LINES} lines; the explorer says each at every state")
    return lines
