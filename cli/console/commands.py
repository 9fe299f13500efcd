"""What the developer types in the console: a line the caller says, or a ``/command``.

``parse_line`` turns one line into a :class:`Move` (a caller step to play) or a :class:`Meta`
command (``/show``, ``/save`` ...). Bad input raises ``UsageError`` with a one-line message.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass

from vcall.simulator.errors import UsageError
from vcall.simulator.fixture import Action, Hangup, Press, Wait, parse_duration
from vcall.simulator.live import barge_in, say_after_playback, silence_step
from vcall.simulator.model import CallState

DIGITS = re.compile(r"^[0-9*#]+$")
OPTION = re.compile(r"^(after|for)=(.*)$")


@dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str
    usage: str
    help: str
    options: tuple[str, ...] = ()
    takes_file: bool = False


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("silence", "[DURATION]", "stay silent (default: until the platform's mute)"),
    CommandSpec("press", "DIGITS", "press keys: 0-9, * and #, e.g. /press 1#"),
    CommandSpec(
        "bargein",
        "WORDS [after=DURATION] [for=DURATION]",
        "talk over the current playback",
        options=("after=", "for="),
    ),
    CommandSpec("wait", "[DURATION]", "let time pass (default: until the playback ends)"),
    CommandSpec("hangup", "", "the caller hangs up"),
    CommandSpec("new", "", "start a new call (after the last one ended)"),
    CommandSpec("show", "", "the last request and the raw response"),
    CommandSpec("state", "", "what plays, pending keys, elapsed time, dynamic_id"),
    CommandSpec(
        "save", "FILE", "write this call as a fixture (YAML) that replays it", takes_file=True
    ),
    CommandSpec("help", "[COMMAND]", "this help"),
    CommandSpec("quit", "", "leave the console (Ctrl-D too)"),
)
COMMAND_NAMES = tuple(spec.name for spec in COMMANDS)


@dataclass(frozen=True, slots=True)
class Move:
    """A caller move: the steps to play, built from the call state (``/silence`` needs it)."""

    name: str
    build: Callable[[CallState], tuple[Action, ...]]


@dataclass(frozen=True, slots=True)
class Meta:
    """A console command that plays nothing: ``/show``, ``/state``, ``/save``, ``/help``, ..."""

    name: str
    argument: str = ""


Command = Move | Meta


def parse_line(line: str) -> Command | None:
    """One line: words the caller says, ``//words`` for words starting with ``/``, or a command.

    Returns ``None`` for an empty line.
    """
    text = line.strip()
    if not text:
        return None
    if text.startswith("//"):
        return _say(text[1:])
    if not text.startswith("/"):
        return _say(text)
    name, _, rest = text[1:].partition(" ")
    return _command(spec_named(name.lower()).name, rest.strip())


def spec_named(name: str) -> CommandSpec:
    for spec in COMMANDS:
        if spec.name == name:
            return spec
    close = difflib.get_close_matches(name, COMMAND_NAMES, n=1)
    hint = f" (did you mean /{close[0]}?)" if close else ""
    raise UsageError(f"unknown command /{name}{hint}: /help lists them")


def _say(words: str) -> Move:
    """Words typed at the prompt are said once the playback ended (``/bargein`` talks over it)."""
    return Move("say", lambda state: say_after_playback(words, state))


def _one(name: str, action: Action) -> Move:
    return Move(name, lambda _state: (action,))


def _command(name: str, rest: str) -> Command:
    if name == "silence":
        duration = _duration(rest, "/silence") if rest else None
        return Move(name, lambda state: (silence_step(duration, state),))
    if name == "press":
        return _press(rest)
    if name == "bargein":
        return _barge_in(rest)
    if name == "wait":
        return _one(name, Wait(None if rest in ("", "playback") else _duration(rest, "/wait")))
    if name == "hangup":
        _no_argument(name, rest)
        return _one(name, Hangup())
    if name == "save" and not rest:
        raise UsageError("/save needs a file name, e.g. /save calls/order_inquiry.yaml")
    if name in ("show", "state", "quit", "new"):
        _no_argument(name, rest)
    return Meta(name, rest)


def _press(rest: str) -> Move:
    digits = rest.replace(" ", "")
    if not DIGITS.match(digits):
        shown = f"{rest!r} is not" if rest else "give"
        raise UsageError(f"/press: {shown} keys (0-9, * and #), e.g. /press 1#")
    return _one("press", Press(digits))


def _barge_in(rest: str) -> Move:
    words: list[str] = []
    options: dict[str, int] = {}
    for token in rest.split():
        match = OPTION.match(token)
        if match is None:
            words.append(token)
        else:
            options[match.group(1)] = _duration(match.group(2), f"/bargein {match.group(1)}=")
    if not words:
        raise UsageError("/bargein: give the words, e.g. /bargein 等一下 after=500ms for=2s")
    action = barge_in(" ".join(words), options.get("after"), options.get("for"))
    return _one("bargein", action)


def _duration(text: str, what: str) -> int:
    return parse_duration(text, what=what)


def _no_argument(name: str, rest: str) -> None:
    if rest:
        raise UsageError(f"/{name} takes no argument (got {rest!r})")
