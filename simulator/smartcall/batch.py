"""Place one SmartCall call per CSV row, at a bounded rate, into a resumable result CSV.

The input's columns are SmartCall parameter names (an empty cell leaves the parameter out). The
result CSV holds ``Row`` (1-based data row), the input columns, then ``Code``, ``Message``,
``RequestId``, ``CallId``. It is rewritten atomically as rows complete, so an interrupted run
leaves a valid file; running again with the same files skips every row whose ``Code`` is
already ``OK`` and places the others.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from vcall.simulator import spec
from vcall.simulator.atomic import write_atomic
from vcall.simulator.errors import InputNotFoundError, UsageError
from vcall.simulator.smartcall.client import OK_CODE, SmartCallResult
from vcall.simulator.smartcall.clock import SyncClock, SystemClock

ROW_COLUMN = "Row"
RESULT_COLUMNS = ("Code", "Message", "RequestId", "CallId")
DEFAULT_QPS = 5.0
"""vcall's choice: a cautious default, far below the platform's limit."""
DEFAULT_FLUSH_INTERVAL_S = 0.2
"""vcall's choice: at most this long between two rewrites of the result CSV while rows complete."""


class CallPlacer(Protocol):
    def place_call(self, params: Mapping[str, object]) -> SmartCallResult: ...


@dataclass(frozen=True, slots=True)
class BatchSummary:
    total: int
    placed: int
    skipped: int
    succeeded: int
    failed: int
    result_csv: Path


@dataclass(frozen=True, slots=True)
class InputTable:
    columns: tuple[str, ...]
    rows: tuple[dict[str, str], ...]


class QpsLimiter:
    """Fixed spacing: calls start at least ``1/qps`` seconds apart on the injected clock."""

    def __init__(self, qps: float, clock: SyncClock) -> None:
        if not 0 < qps <= spec.SMARTCALL_QPS_LIMIT:
            raise UsageError(
                f"qps must be above 0 and at most {spec.SMARTCALL_QPS_LIMIT} "
                f"(the platform's limit), got {qps}"
            )
        self.interval = 1.0 / qps
        self._clock = clock
        self._next_start: float | None = None

    def wait(self) -> None:
        now = self._clock.monotonic()
        if self._next_start is not None and now < self._next_start:
            self._clock.sleep(self._next_start - now)
            now = self._next_start
        self._next_start = now + self.interval


def run_batch(
    rows_csv: Path,
    result_csv: Path,
    client: CallPlacer,
    *,
    qps: float = DEFAULT_QPS,
    clock: SyncClock | None = None,
    flush_interval: float = DEFAULT_FLUSH_INTERVAL_S,
    on_result: Callable[[int, SmartCallResult], None] | None = None,
) -> BatchSummary:
    """Place the calls of ``rows_csv``; see the module docstring. An error from the client
    (e.g. :class:`EndpointUnreachableError`) stops the run after the results so far are saved."""
    the_clock = clock or SystemClock()
    limiter = QpsLimiter(qps, the_clock)
    table = read_input(rows_csv)
    _check_result_path(rows_csv, result_csv)
    results = load_previous_results(result_csv, table)
    writer = _ResultWriter(result_csv, table.columns, results, the_clock, flush_interval)
    placed = succeeded = skipped = 0
    try:
        for number, row in enumerate(table.rows, start=1):
            if results.get(number, {}).get("Code") == OK_CODE:
                skipped += 1
                continue
            limiter.wait()
            result = client.place_call({k: v for k, v in row.items() if v != ""})
            placed += 1
            succeeded += result.ok
            writer.record(number, row, result)
            if on_result is not None:
                on_result(number, result)
    finally:
        writer.flush()
    return BatchSummary(len(table.rows), placed, skipped, succeeded, placed - succeeded, result_csv)


def read_input(path: Path) -> InputTable:
    """The rows of a batch CSV (UTF-8, a BOM tolerated). Columns must be SmartCall parameters."""
    if not path.is_file():
        raise InputNotFoundError(f"{path}: no such file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise UsageError(f"{path}: not UTF-8 text (byte {err.start})") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header:
        raise UsageError(f"{path}: empty file, expected a header row of SmartCall parameter names")
    columns = tuple(name.strip() for name in header)
    _check_columns(path, columns)
    rows = tuple(_row(path, reader.line_num, columns, cells) for cells in reader if any(cells))
    return InputTable(columns, rows)


def _check_columns(path: Path, columns: Sequence[str]) -> None:
    for name in columns:
        if name not in spec.SMARTCALL_PARAMS:
            raise UsageError(f"{path}:1: column {name!r} is not a SmartCall parameter name")
        if columns.count(name) > 1:
            raise UsageError(f"{path}:1: column {name!r} appears twice")
    missing = [
        p.name for p in spec.SMARTCALL_PARAMS.values() if p.required and p.name not in columns
    ]
    if missing:
        raise UsageError(f"{path}:1: required column(s) missing: {', '.join(missing)}")


def _row(path: Path, line: int, columns: Sequence[str], cells: Sequence[str]) -> dict[str, str]:
    if len(cells) != len(columns):
        raise UsageError(f"{path}:{line}: {len(cells)} cells for {len(columns)} columns")
    return {name: cell.strip() for name, cell in zip(columns, cells, strict=True)}


def _check_result_path(rows_csv: Path, result_csv: Path) -> None:
    if result_csv.resolve() == rows_csv.resolve():
        raise UsageError(f"{result_csv}: the result file must not be the input file")
    if not result_csv.parent.is_dir():
        raise InputNotFoundError(f"{result_csv.parent}: no such directory for the result file")


def load_previous_results(result_csv: Path, table: InputTable) -> dict[int, dict[str, str]]:
    """Rows of an earlier run's result file, by row number; ``{}`` when there is none. Refuses
    a file whose OK rows do not match the input, so edited inputs are never half-skipped."""
    if not result_csv.exists():
        return {}
    expected = [ROW_COLUMN, *table.columns, *RESULT_COLUMNS]
    with result_csv.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if list(reader.fieldnames or []) != expected:
            raise UsageError(
                f"{result_csv}: not a result file of this input (expected columns "
                f"{','.join(expected)}): use another result path"
            )
        previous = {_row_number(result_csv, entry): entry for entry in reader}
    for number, entry in previous.items():
        _check_matches_input(result_csv, number, entry, table)
    return previous


def _row_number(result_csv: Path, entry: Mapping[str, str]) -> int:
    text = entry.get(ROW_COLUMN) or ""
    if not text.isdigit():
        raise UsageError(f"{result_csv}: {ROW_COLUMN} {text!r} is not a row number")
    return int(text)


def _check_matches_input(
    result_csv: Path, number: int, entry: Mapping[str, str], table: InputTable
) -> None:
    if not 1 <= number <= len(table.rows):
        raise UsageError(f"{result_csv}: row {number} is beyond the input's {len(table.rows)} rows")
    if entry.get("Code") != OK_CODE:
        return
    if any(entry.get(name, "") != table.rows[number - 1][name] for name in table.columns):
        raise UsageError(
            f"{result_csv}: row {number} was placed with other values than the input has now: "
            "use another result path"
        )


class _ResultWriter:
    """Keeps every result row, rewrites the file atomically at most every ``interval`` s."""

    def __init__(
        self,
        path: Path,
        columns: Sequence[str],
        rows: dict[int, dict[str, str]],
        clock: SyncClock,
        interval: float,
    ) -> None:
        self._path = path
        self._header = [ROW_COLUMN, *columns, *RESULT_COLUMNS]
        self._columns = columns
        self._rows = rows
        self._clock = clock
        self._interval = interval
        self._last_flush: float | None = None
        self._dirty = False

    def record(self, number: int, row: Mapping[str, str], result: SmartCallResult) -> None:
        self._rows[number] = {
            ROW_COLUMN: str(number),
            **{name: row[name] for name in self._columns},
            "Code": result.code,
            "Message": result.message,
            "RequestId": result.request_id,
            "CallId": result.call_id,
        }
        self._dirty = True
        now = self._clock.monotonic()
        if self._last_flush is None or now - self._last_flush >= self._interval:
            self.flush()

    def flush(self) -> None:
        if not self._dirty:
            return
        buffer = io.StringIO(newline="")
        writer = csv.DictWriter(buffer, fieldnames=self._header)
        writer.writeheader()
        for number in sorted(self._rows):
            writer.writerow(self._rows[number])
        write_atomic(self._path, buffer.getvalue())
        self._last_flush = self._clock.monotonic()
        self._dirty = False
