"""Driving the console as a person would: keys through prompt-toolkit's pipe input."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from vcall.cli.console import ConsoleOptions, ConsoleSession, console_session
from vcall.cli.console.lines import PromptLines
from vcall.cli.exit_codes import ExitCode
from vcall.simulator.fixture.scenario import CallSettings
from vcall.simulator.replay.engine import SimulationConfig
from vcall.simulator.replay.targets import EXAMPLE_BOT, Target, resolve_target

ENTER = "\r"
TAB = "\t"
CTRL_C = "\x03"
CTRL_D = "\x04"
DRIVE_TIMEOUT_S = 10
"""A console waiting for input that never comes fails the test instead of hanging it."""
READY_POLLS = 10_000
Ready = Callable[[ConsoleSession], bool]


@dataclass
class Driven:
    code: ExitCode
    output: str


def new_console() -> Console:
    return Console(file=io.StringIO(), width=100, color_system=None, highlight=False)


def options(
    target: Target | None = None,
    *,
    settings: CallSettings | None = None,
    record: Path | None = None,
    config: SimulationConfig | None = None,
) -> ConsoleOptions:
    return ConsoleOptions(
        target or resolve_target(EXAMPLE_BOT),
        config or SimulationConfig(seed=11),
        settings or CallSettings(),
        record,
    )


def drive(keys: str, console_options: ConsoleOptions | None = None) -> Driven:
    """Type ``keys`` into a console (prompt-toolkit pipe input), then end the input.

    The console reads every line; at the end of the input it leaves as on Ctrl-D (a question
    it asks then gets the end of input too, unless ``keys`` answer it).
    """
    return drive_steps([keys], console_options)


def drive_steps(
    steps: Sequence[str | Ready], console_options: ConsoleOptions | None = None
) -> Driven:
    """Like :func:`drive`, but keys are sent in parts: a ``Ready`` check waits until the prompt
    shows what it expects (e.g. a Tab completion, which prompt-toolkit applies asynchronously)."""
    console = new_console()

    async def run(pipe: PipeInput) -> ExitCode:
        session = console_session(
            console_options or options(), console, input=pipe, output=DummyOutput()
        )
        task = asyncio.create_task(session.run())
        for step in steps:
            if isinstance(step, str):
                pipe.send_text(step)
            else:
                await _until(step, session)
        pipe.close()
        return await asyncio.wait_for(task, DRIVE_TIMEOUT_S)

    with create_pipe_input() as pipe:
        code = asyncio.run(run(pipe))
    file = console.file
    assert isinstance(file, io.StringIO)
    return Driven(code, file.getvalue())


def typed(text: str) -> Ready:
    """Wait until the prompt's line reads ``text``."""
    return lambda session: _prompt_text(session) == text


def _prompt_text(session: ConsoleSession) -> str | None:
    lines = session.lines
    return lines.session.default_buffer.text if isinstance(lines, PromptLines) else None


async def _until(ready: Ready, session: ConsoleSession) -> None:
    for _ in range(READY_POLLS):
        if ready(session):
            return
        await asyncio.sleep(0)  # let the console's loop read the pipe and complete
    raise AssertionError("the console never got ready for the next keys")


def lines(*typed: str) -> str:
    """Lines typed and each submitted with Enter."""
    return "".join(line + ENTER for line in typed)
