"""The consoles commands print to: rich on a terminal, plain and unwrapped anywhere else.

Output that is not a terminal (a pipe, a CI log, a file) is read by people scrolling a log and by
``grep``: no colours, and no line is ever wrapped at 80 columns (``COLUMNS`` or not), so a
``call_id`` stays on its scenario's line, a Chinese scenario name is never split and a column is
never cut. One fact per line: a table wider than :data:`RECORD_WIDTH` is written one record per
line instead (``behaviour: speech · form: passed · query: failed · …``), as ``vcall load``
writes its progress. ``NO_COLOR`` (any non-empty value) or ``vcall --no-color`` turns colours
off on a terminal too.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from vcall.cli.report_paths import register_console

UNWRAPPED_WIDTH = 100_000
"""The width a non-terminal console lays tables out in: wide enough never to wrap or cut."""
RECORD_WIDTH = 120
"""Off a terminal, a table wider than this is written one record per line."""
RECORD_SEPARATOR = " · "


def disable_colour() -> None:
    """``vcall --no-color``: every console made from now on (rich's and prompt_toolkit's, and
    those of the processes vcall starts) is colourless, as with ``NO_COLOR=1``."""
    os.environ["NO_COLOR"] = "1"


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


def print_table(console: Console, table: Table, *, width: int = RECORD_WIDTH) -> None:
    """The table on a terminal (rich fits it to the screen) or when it fits in ``width``
    columns; otherwise its title, then one line per row: ``header: cell · header: cell``."""
    if console.is_terminal or console.measure(table).maximum <= width:
        console.print(table)
        return
    for line in table_records(table):
        console.print(line, markup=False, highlight=False, soft_wrap=True)


def table_records(table: Table) -> Iterator[str]:
    """The title (when there is one), then each row as ``header: cell`` pairs, empty cells
    left out."""
    if table.title:
        yield _plain(table.title)
    headers = [_plain(column.header) for column in table.columns]
    columns = [list(column.cells) for column in table.columns]
    for row in range(table.row_count):
        pairs = (
            (header, _plain(cells[row])) for header, cells in zip(headers, columns, strict=True)
        )
        yield RECORD_SEPARATOR.join(f"{header}: {cell}" for header, cell in pairs if cell)


def _plain(cell: RenderableType) -> str:
    if isinstance(cell, Text):
        return cell.plain
    if isinstance(cell, str):
        return Text.from_markup(cell).plain
    return str(cell)
