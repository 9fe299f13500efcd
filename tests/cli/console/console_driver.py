"""Driving the console as a person would: keys through prompt-toolkit's pipe input."""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from pathlib import Path

from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from vcall.cli.console import ConsoleOptions, console_session
from vcall.cli.exit_codes import ExitCode
from vcall.simulator.engine import SimulationConfig
from vcall.simulator.scenario import CallSettings
from vcall.simulator.targets import EXAMPLE_BOT, Target, resolve_target

ENTER = "\r"
TAB = "\t"
CTRL_C = "\x03"
CTRL_D = "\x04"
DRIVE_TIMEOUT_S = 10
"""A console waiting for input that never comes fails the test instead of hanging it."""


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
    """Type ``keys`` into a console (prompt-toolkit pipe input); its exit code and output."""
    console = new_console()
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        session = console_session(
            console_options or options(), console, input=pipe, output=DummyOutput()
        )
        code = asyncio.run(asyncio.wait_for(session.run(), DRIVE_TIMEOUT_S))
    file = console.file
    assert isinstance(file, io.StringIO)
    return Driven(code, file.getvalue())


def lines(*typed: str) -> str:
    """Lines typed and each submitted with Enter."""
    return "".join(line + ENTER for line in typed)
