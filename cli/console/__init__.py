"""The interactive call console: ``vcall simulate TARGET`` without ``--fixture``.

The developer plays the caller, turn by turn, on the same platform model as a replay. Lines come
from a prompt-toolkit prompt (history, completion, a toolbar with the call state) or, when stdin
is not a terminal, from stdin, so a shell script can drive it.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from prompt_toolkit import PromptSession
from prompt_toolkit.input import Input
from prompt_toolkit.output import Output
from prompt_toolkit.styles import Style
from rich.console import Console

from vcall.cli.console.completion import ConsoleCompleter
from vcall.cli.console.history import history_path, open_history
from vcall.cli.console.lines import LineSource, PromptLines, StreamLines
from vcall.cli.console.session import ConsoleOptions, ConsoleSession
from vcall.cli.console.toolbar import toolbar_fragments
from vcall.cli.exit_codes import ExitCode
from vcall.simulator.errors import FixtureError, UsageError
from vcall.simulator.fixture import CallSettings, Direction
from vcall.simulator.live import CallStatus
from vcall.simulator.safe_yaml import PARAMS_BOUNDS, safe_load
from vcall.simulator.spec import SMARTCALL_PARAMS

__all__ = [
    "ConsoleOptions",
    "ConsoleSession",
    "console_session",
    "console_settings",
    "prompt_session",
    "run_console",
]

DEFAULT_VOICE_CODE = "opening.wav"
"""The opening of an outbound console call when ``--smartcall VoiceCode=...`` is not given."""
INBOUND_NUMBERS = ("13800138000", "057126880000")
"""Default caller and callee of an inbound call (a mobile calls the service number)."""
STYLE = Style.from_dict(
    {
        "prompt": "#5fafff bold",
        "prompt.ended": "#ffaf5f bold",
        "question": "#ffd75f bold",
        "bottom-toolbar": "noreverse bg:#303030 #d0d0d0",
        "toolbar.dim": "#8a8a8a",
        "toolbar.play": "#5fd787 bold",
        "toolbar.media": "#87d787",
        "toolbar.keys": "#ffd75f bold",
        "toolbar.warn": "#ffaf5f bold",
        "toolbar.time": "#87afff bold",
    }
)


def console_settings(
    *,
    outbound: bool,
    caller: str | None,
    callee: str | None,
    orgcallee: str | None,
    smartcall: Sequence[str] = (),
) -> CallSettings:
    """The call every console call makes. Outbound: we call ``callee`` from ``caller``."""
    first, second = INBOUND_NUMBERS[::-1] if outbound else INBOUND_NUMBERS
    caller, callee = caller or first, callee or second
    if not outbound:
        if smartcall:
            raise UsageError(
                "--smartcall: only outbound calls (--outbound) have SmartCall parameters"
            )
        return CallSettings(Direction.INBOUND, caller, callee, orgcallee or "")
    params: dict[str, object] = {"CalledShowNumber": caller, "CalledNumber": callee}
    params["VoiceCode"] = DEFAULT_VOICE_CODE
    params.update(parse_smartcall(smartcall))
    return CallSettings(Direction.OUTBOUND, caller, callee, orgcallee or "", params)


def parse_smartcall(pairs: Sequence[str]) -> dict[str, object]:
    """``MuteTime=5000`` ``VoiceCodeParam={"name":"张先生"}`` -> parameters (numbers, booleans typed)."""
    params: dict[str, object] = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or name not in SMARTCALL_PARAMS:
            known = ", ".join(SMARTCALL_PARAMS)
            raise UsageError(f"--smartcall {pair!r}: expected NAME=VALUE with NAME one of {known}")
        params[name] = _typed(value)
    return params


def _typed(value: str) -> object:
    try:
        parsed = safe_load(value, "--smartcall", PARAMS_BOUNDS)
    except FixtureError:
        return value
    if isinstance(parsed, bool | int):
        return parsed
    if isinstance(parsed, dict):
        return json.dumps(parsed, ensure_ascii=False)
    return value


def prompt_session(
    options: ConsoleOptions,
    status: Callable[[], CallStatus | None],
    *,
    input: Input | None = None,
    output: Output | None = None,
) -> PromptSession[str]:
    """The prompt: history, completion, the call-state toolbar (refreshed in real time)."""
    return PromptSession(
        history=open_history(history_path()),
        completer=ConsoleCompleter(),
        complete_while_typing=False,
        bottom_toolbar=lambda: toolbar_fragments(status()),
        style=STYLE,
        refresh_interval=0.5 if options.config.realtime else 0,
        input=input,
        output=output,
    )


def console_session(
    options: ConsoleOptions,
    console: Console,
    *,
    stream: TextIO | None = None,
    input: Input | None = None,
    output: Output | None = None,
) -> ConsoleSession:
    """A session reading ``stream`` line by line, or (no stream) a prompt on ``input``/``output``."""
    sessions: list[ConsoleSession] = []

    def status() -> CallStatus | None:
        return sessions[0].status() if sessions else None

    lines: LineSource
    if stream is not None:
        lines = StreamLines(stream, console)
    else:
        lines = PromptLines(prompt_session(options, status, input=input, output=output))
    sessions.append(ConsoleSession(options, console, lines))
    return sessions[0]


def run_console(
    options: ConsoleOptions, console: Console | None = None, stdin: TextIO | None = None
) -> ExitCode:
    """Run the console until ``/quit`` or the end of input; the exit code says whether all passed.

    With stdin a terminal: the prompt. Otherwise lines are read from stdin (a script drives it).
    """
    out = console or Console(highlight=False)
    stream = stdin or sys.stdin
    session = console_session(options, out, stream=None if stream.isatty() else stream)
    return asyncio.run(session.run())
