"""Parsing what is typed in the console into caller moves and commands."""

from __future__ import annotations

import dataclasses

import pytest

from vcall.cli.console.commands import COMMAND_NAMES, Meta, Move, parse_line
from vcall.simulator.errors import UsageError
from vcall.simulator.fixture.scenario import Action, BargeIn, Hangup, Press, Say, Silence, Wait
from vcall.simulator.live.call import SILENCE_MARGIN_MS, speaking_ms
from vcall.simulator.model import CallState, PlaybackInfo

IDLE = CallState(
    now_ms=2000,
    answered=True,
    ended=False,
    end_reason=None,
    closing=None,
    playing=None,
    queued=(),
    pending_dtmf=None,
    dynamic_id=None,
    mute_time_ms=5000,
    pause_time_ms=800,
    session_timeout_s=300,
    recording=False,
    transfer_number=None,
)
PLAYING = dataclasses.replace(
    IDLE, playing=PlaybackInfo(("welcome.wav",), "welcome.wav", 0, 3000, True, 0)
)


def actions(line: str, state: CallState = IDLE) -> tuple[Action, ...]:
    command = parse_line(line)
    assert isinstance(command, Move)
    return command.build(state)


def test_words_are_said_and_wait_for_the_playback() -> None:
    assert actions("你好") == (Say("你好"),)
    assert actions("  你好  ", PLAYING) == (Wait(None), Say("你好"))
    assert actions("//kb 是什么") == (Say("/kb 是什么"),)


def test_an_empty_line_is_nothing() -> None:
    assert parse_line("   ") is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/silence 12s", (Silence(12_000),)),
        ("/silence 1m30s", (Silence(90_000),)),
        ("/press 1#", (Press("1#"),)),
        ("/press 1 2 3 *", (Press("123*"),)),
        ("/bargein 等一下 after=500ms for=2s", (BargeIn("等一下", 500, 2000),)),
        ("/bargein for=2s 等一下 我要 转人工", (BargeIn("等一下 我要 转人工", 0, 2000),)),
        ("/bargein 等一下", (BargeIn("等一下", 0, speaking_ms("等一下")),)),
        ("/wait 3s", (Wait(3000),)),
        ("/wait", (Wait(None),)),
        ("/wait playback", (Wait(None),)),
        ("/hangup", (Hangup(),)),
        ("/HANGUP", (Hangup(),)),
    ],
)
def test_moves(line: str, expected: tuple[Action, ...]) -> None:
    assert actions(line) == expected


def test_silence_without_a_duration_lasts_until_the_mute() -> None:
    assert actions("/silence", PLAYING) == (Silence(1000 + 5000 + SILENCE_MARGIN_MS),)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/show", Meta("show")),
        ("/state", Meta("state")),
        ("/save calls/订单.yaml", Meta("save", "calls/订单.yaml")),
        ("/help", Meta("help")),
        ("/help press", Meta("help", "press")),
        ("/quit", Meta("quit")),
        ("/new", Meta("new")),
    ],
)
def test_commands_that_play_nothing(line: str, expected: Meta) -> None:
    assert parse_line(line) == expected


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("/hangpu", r"unknown command /hangpu \(did you mean /hangup\?\)"),
        ("/xyzzy", r"unknown command /xyzzy: /help lists them"),
        ("/press", r"/press: give keys \(0-9, \* and #\)"),
        ("/press 12a", r"/press: '12a' is not keys"),
        ("/silence soon", r"/silence: 'soon' is not a duration"),
        ("/silence 800", r"/silence: '800' is not a duration"),
        ("/wait 5", r"/wait: '5' is not a duration"),
        ("/bargein after=1s", r"/bargein: give the words"),
        ("/bargein 等一下 for=two", r"/bargein for=: 'two' is not a duration"),
        ("/save", r"/save needs a file name"),
        ("/state now", r"/state takes no argument"),
        ("/quit please", r"/quit takes no argument"),
    ],
)
def test_bad_lines_are_one_line_errors(line: str, message: str) -> None:
    with pytest.raises(UsageError, match=message) as caught:
        parse_line(line)
    assert "\n" not in str(caught.value)


def test_every_command_is_named_once() -> None:
    assert len(COMMAND_NAMES) == len(set(COMMAND_NAMES))
    assert {
        "silence",
        "press",
        "bargein",
        "wait",
        "hangup",
        "show",
        "state",
        "save",
        "help",
        "quit",
    } <= set(COMMAND_NAMES)
