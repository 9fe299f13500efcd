"""The input of a batch: a CSV whose columns are SmartCall parameter names, one call per row.

UTF-8 (an Excel BOM tolerated). A required parameter may be missing from the columns when it is
given as a default for every row (``vcall smartcall --batch calls.csv --voice-code x.wav``).
Every problem is one line naming ``file:line``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from vcall.simulator import spec
from vcall.simulator.errors import InputNotFoundError, UsageError

MAX_CELL_CHARS = 128 * 1024
"""The longest cell accepted (Python's csv module's own default limit, 128 KiB)."""
MAX_INPUT_BYTES = 64 * 1024 * 1024
"""vcall's choice: a batch file larger than this is refused before it is read."""


@dataclass(frozen=True, slots=True)
class InputTable:
    columns: tuple[str, ...]
    rows: tuple[dict[str, str], ...]


def read_input(path: Path, defaults: Collection[str] = ()) -> InputTable:
    """The rows of a batch CSV. Columns must be SmartCall parameters; a required one may be
    missing when its name is in ``defaults`` (given for every row)."""
    text = _read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    lines = _checked_lines(path, reader)
    header = next(lines, None)
    if not header:
        raise UsageError(f"{path}: empty file, expected a header row of SmartCall parameter names")
    columns = tuple(name.strip() for name in header)
    _check_columns(path, columns, defaults)
    rows = tuple(_row(path, reader.line_num, columns, cells) for cells in lines if any(cells))
    return InputTable(columns, rows)


def _read_text(path: Path) -> str:
    if not path.is_file():
        raise InputNotFoundError(f"{path}: no such file")
    size = path.stat().st_size
    if size > MAX_INPUT_BYTES:
        raise UsageError(
            f"{path}: {size} bytes, more than a batch file may have ({MAX_INPUT_BYTES})"
        )
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise UsageError(f"{path}: not UTF-8 text (byte {err.start})") from None
    except OSError as err:
        raise InputNotFoundError(f"{path}: cannot be read ({err.strerror or err})") from None


def _checked_lines(path: Path, reader: Iterator[list[str]]) -> Iterator[list[str]]:
    """The reader's rows; a csv error (a cell over the size limit, a NUL byte) as a
    ``file:line`` UsageError."""
    line_num = getattr(reader, "line_num", 0)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            line = getattr(reader, "line_num", line_num) or 1
            raise UsageError(f"{path}:{line}: {_csv_problem(err)}") from None
        yield cells


def _csv_problem(err: csv.Error) -> str:
    text = str(err)
    if "field larger than field limit" in text:
        return f"a cell is longer than {MAX_CELL_CHARS // 1024} KiB"
    return f"not valid CSV ({text})"


def _check_columns(path: Path, columns: Sequence[str], defaults: Collection[str]) -> None:
    for name in columns:
        if name not in spec.SMARTCALL_PARAMS:
            raise UsageError(f"{path}:1: column {name!r} is not a SmartCall parameter name")
        if columns.count(name) > 1:
            raise UsageError(f"{path}:1: column {name!r} appears twice")
    missing = [
        p.name
        for p in spec.SMARTCALL_PARAMS.values()
        if p.required and p.name not in columns and p.name not in defaults
    ]
    if missing:
        raise UsageError(
            f"{path}:1: required column(s) missing: {', '.join(missing)} "
            "(or give them for every row as flags)"
        )


def _row(path: Path, line: int, columns: Sequence[str], cells: Sequence[str]) -> dict[str, str]:
    if len(cells) != len(columns):
        raise UsageError(f"{path}:{line}: {len(cells)} cells for {len(columns)} columns")
    return {name: cell.strip() for name, cell in zip(columns, cells, strict=True)}
