"""Which caller moves the explorer tries, and the --say-file format."""

from __future__ import annotations

from pathlib import Path

import pytest

from vcall.simulator.dialogue_map.moves import (
    KEYS,
    MoveKind,
    Situation,
    builtin_lines,
    moves_for,
    read_say_file,
)
from vcall.simulator.errors import UsageError
from vcall.simulator.fixture.scenario import BargeIn, Press, Silence


def test_while_collecting_keys_every_key_and_the_timeout_are_tried() -> None:
    moves = moves_for(Situation(collecting=True, no_input_ms=5000, playing=True), ["好的"])
    pressed = [m.steps[0].digits for m in moves if isinstance(m.steps[0], Press)]
    assert pressed == list(KEYS)
    timeout = next(m for m in moves if m.kind is MoveKind.NO_INPUT)
    assert isinstance(timeout.steps[-1], Silence) and timeout.steps[-1].duration_ms > 5000
    assert MoveKind.SAY not in {m.kind for m in moves}
    assert moves[-1].kind is MoveKind.HANGUP


def test_otherwise_lines_silence_talk_over_and_hang_up() -> None:
    moves = moves_for(
        Situation(playing=True, time_break_ms=2000, mute_time_ms=8000), ["喂？", "投诉"]
    )
    assert [m.kind for m in moves] == [
        MoveKind.SAY,
        MoveKind.SAY,
        MoveKind.SILENCE,
        MoveKind.TALK_OVER,
        MoveKind.HANGUP,
    ]
    silence = moves[2].steps[-1]
    assert isinstance(silence, Silence) and silence.duration_ms > 8000
    talk = moves[3].steps[0]
    assert isinstance(talk, BargeIn) and talk.duration_ms > 2000


def test_nothing_playing_means_no_talking_over() -> None:
    kinds = {m.kind for m in moves_for(Situation(playing=False), ["好的"])}
    assert MoveKind.TALK_OVER not in kinds


def test_an_ended_call_has_no_moves() -> None:
    assert moves_for(Situation(ended=True), ["好的"]) == []


def test_the_builtin_bank_holds_common_chinese_caller_lines() -> None:
    lines = builtin_lines()
    assert {"转人工", "再说一遍", "不需要", "喂？"} <= set(lines)
    assert not any(line.startswith("#") for line in lines)


def test_say_file_skips_comments_and_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "lines.txt"
    path.write_text("# mine\n我要退款\n\n我要退款\n查账单\n", encoding="utf-8")
    assert read_say_file(path) == ["我要退款", "查账单"]


def test_say_file_errors_say_where(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        read_say_file(tmp_path / "missing.txt")
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(UsageError, match="no lines"):
        read_say_file(empty)
    long = tmp_path / "long.txt"
    long.write_text("好\n" + "长" * 600 + "\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"long.txt:2:"):
        read_say_file(long)
