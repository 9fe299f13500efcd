"""The consoles commands print to: rich on a terminal, plain and unwrapped anywhere else.

Output that is not a terminal (a pipe, a CI log, a file) is read by people scrolling a log and by
``grep``: no colours, and no line is ever wrapped at 80 columns (``COLUMNS`` or not), so a
``call_id`` stays on its scenario's line, a Chinese scenario name is never split and a column is
never cut. One fact per line.
"""

from __future__ import annotations

from rich.console import Console

from vcall.cli.report_paths import register_console

UNWRAPPED_WIDTH = 100_000
"""The width a non-terminal console lays tables out in: wide enough never to wrap or cut."""


def output_console(*, stderr: bool = False) -> Console:
    """A console for a command's output (``stderr=True``: for its messages)."""
    console = Console(highlight=False, stderr=stderr)
    if not console.is_terminal:
        console = Console(
            highlight=False,
            stderr=stderr,
            width=UNWRAPPED_WIDTH,
            soft_wrap=True,
            no_color=True,
            emoji=False,
        )
    register_console(console)  # to standard error if a report takes standard output (-)
    return console
