"""Place one SmartCall call per CSV row, at a bounded rate, never dialling anyone twice.

The journal (:mod:`.journal`, beside the result file) is the record: a row is journalled, fsync'd,
*before* its request is sent, and again when the answer comes. Run again with the same files,
the batch skips every row already placed (``OK``) and every row whose request may have been sent
but whose answer never came (*unknown — not redialled*; ``redial_unknown`` dials those again),
and places the others: rows never sent, rows the API turned down, rows whose connection was
refused.

The result CSV is the user's view of the journal, rewritten atomically (while rows complete, at
most once every ``flush_interval`` seconds and at most a tenth of the time; and at the end):
``Row`` (1-based data row), the input columns, then ``Code``, ``Message``, ``RequestId``,
``CallId``. A result CSV of an older vcall without a journal still counts: its ``OK`` rows are
skipped for good (they are journalled as imported).

A cell a spreadsheet would run as a formula (one starting ``=``, ``+``, ``-``, ``@``, a tab or a
CR: an input cell, or the API's ``Message``) is written with a leading ``'``, as OWASP advises
and spreadsheets hide; a cell starting with ``'`` gets one more, so reading back drops exactly
one. A plain number (``-200``, ``+86``) is not a formula and is written as it is.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from vcall.simulator import spec
from vcall.simulator.atomic import write_atomic
from vcall.simulator.errors import EndpointUnreachableError, InputNotFoundError, UsageError
from vcall.simulator.smartcall.batch_input import InputTable, read_input
from vcall.simulator.smartcall.client import (
    INVALID_RESPONSE_CODE,
    OK_CODE,
    OutcomeUnknownError,
    SmartCallResult,
)
from vcall.simulator.smartcall.clock import SyncClock, SystemClock
from vcall.simulator.smartcall.journal import BatchJournal, RowEvent, RowRecord, journal_path

__all__ = ["BatchRun", "BatchSummary", "InputTable", "QpsLimiter", "read_input", "run_batch"]

ROW_COLUMN = "Row"
RESULT_COLUMNS = ("Code", "Message", "RequestId", "CallId")
UNKNOWN_CODE = "vcall.UNKNOWN"
"""Code of a row whose request may have been sent but whose answer never came."""
INVALID_CODE = "vcall.INVALID_ROW"
"""Code of a row left out for its parameter errors (``--skip-invalid``); never sent, never
journalled, so a later run checks it again."""
NOT_SENT_CODE = "vcall.NOT_SENT"
"""Code of a row whose request certainly never left (the connection was refused)."""
UNKNOWN_MESSAGE = "unknown — not redialled: the request may have been sent"
DEFAULT_QPS = 5.0
"""vcall's choice: a cautious default, far below the platform's limit."""
DEFAULT_FLUSH_INTERVAL_S = 0.2
"""vcall's choice: at least this long between two rewrites of the result CSV while rows complete
(the journal, not the CSV, is the record)."""
RESULT_WRITE_SHARE = 0.1
"""vcall's choice: rewriting the result CSV takes at most this share of the time (a CSV of many
thousand rows takes a while to write: the next rewrite waits ten times as long)."""


class CallPlacer(Protocol):
    def place_call(self, params: Mapping[str, object]) -> SmartCallResult: ...


@dataclass(frozen=True, slots=True)
class BatchSummary:
    total: int
    placed: int
    """Requests sent in this run."""
    skipped: int
    """Rows already placed (OK) by an earlier run."""
    succeeded: int
    failed: int
    result_csv: Path
    unknown: int = 0
    """Rows whose request may have been sent, answer unknown: not dialled again."""
    journal: Path | None = None
    invalid: int = 0
    """Rows left out for their parameter errors (``--skip-invalid``)."""


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


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def spreadsheet_safe(cell: str) -> str:
    """``cell`` as a spreadsheet shows it without running it: ``'`` before a formula start."""
    if cell.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def from_spreadsheet_safe(cell: str) -> str:
    """The cell :func:`spreadsheet_safe` was given."""
    return cell[1:] if cell.startswith("'") else cell


def answer_fields(result: SmartCallResult) -> dict[str, object]:
    return {
        "code": result.code,
        "message": result.message,
        "request_id": result.request_id,
        "call_id": result.call_id,
        "http_status": result.http_status,
        "attempts": result.attempts,
    }


def is_unknown(record: RowRecord) -> bool:
    """The row's request may have been sent and no answer says whether a call was placed (an
    answer that is not the API's JSON came from something in between, not the API; a server
    error may come after the platform dialled)."""
    if record.event in (RowEvent.SENDING, RowEvent.UNKNOWN):
        return True
    if record.event is not RowEvent.ANSWERED:
        return False
    code, status = record.answer.get("code"), record.answer.get("http_status")
    server_error = (isinstance(status, int) and status >= 500) or code == "isp.SYSTEM_ERROR"
    return code == INVALID_RESPONSE_CODE or server_error


class BatchRun:
    """One run over a batch file; :meth:`summary` says what was done so far at any moment (so
    Ctrl-C can print it)."""

    def __init__(
        self,
        rows_csv: Path,
        result_csv: Path,
        client: CallPlacer,
        *,
        qps: float = DEFAULT_QPS,
        clock: SyncClock | None = None,
        flush_interval: float = DEFAULT_FLUSH_INTERVAL_S,
        on_result: Callable[[int, SmartCallResult], None] | None = None,
        defaults: Collection[str] = (),
        redial_unknown: bool = False,
        invalid: Mapping[int, str] | None = None,
    ) -> None:
        self._clock = clock or SystemClock()
        self.invalid = dict(invalid or {})
        self._limiter = QpsLimiter(qps, self._clock)
        self.table = read_input(rows_csv, defaults)
        _check_result_path(rows_csv, result_csv)
        self.result_csv = result_csv
        self.journal = BatchJournal(journal_path(result_csv), rows_csv.name, self.table.columns)
        self._client = client
        self.on_result = on_result
        self._redial_unknown = redial_unknown
        self._flush_interval = flush_interval
        self._flush_gap = flush_interval
        self._last_flush: float | None = None
        self.records = self.journal.load()
        self._to_import = self._import_legacy(result_csv)
        _check_matches_input(self.journal.path, self.records, self.table)
        self.placed = self.succeeded = 0
        self._placed_rows: list[int] = []

    def to_place(self) -> list[int]:
        """Row numbers this run will dial."""
        return [
            n
            for n in range(1, len(self.table.rows) + 1)
            if n not in self.invalid and self._should_place(n)
        ]

    def run(self) -> BatchSummary:
        """Place the rows; an error from the client (e.g. :class:`EndpointUnreachableError`)
        stops the run after it is journalled and the result CSV written."""
        self.journal.open()
        try:
            for record in self._to_import:
                self.journal.imported(record.row, record.cells, record.answer)
            self._to_import = []
            for number in self.to_place():
                self._limiter.wait()
                self._place(number)
        finally:
            self.journal.close()
            self.write_results()
        return self.summary()

    def summary(self) -> BatchSummary:
        total = len(self.table.rows)
        done_before = sum(1 for n in range(1, total + 1) if self._ok_before(n))
        unknown = sum(1 for record in self.records.values() if is_unknown(record))
        return BatchSummary(
            total=total,
            placed=self.placed,
            skipped=done_before,
            succeeded=self.succeeded,
            failed=self.placed - self.succeeded - self._unknown_this_run(),
            result_csv=self.result_csv,
            unknown=unknown,
            journal=self.journal.path,
            invalid=len(self.invalid),
        )

    def _unknown_this_run(self) -> int:
        return sum(1 for n in self._placed_rows if is_unknown(self.records[n]))

    def _should_place(self, number: int) -> bool:
        record = self.records.get(number)
        if record is None:
            return True
        if is_unknown(record):
            return self._redial_unknown
        if record.event is RowEvent.NOT_SENT:
            return True
        return record.answer.get("code") != OK_CODE

    def _ok_before(self, number: int) -> bool:
        if number in self._placed_rows:
            return False
        record = self.records.get(number)
        if record is None:
            return False
        return record.event is RowEvent.ANSWERED and record.answer.get("code") == OK_CODE

    def _import_legacy(self, result_csv: Path) -> list[RowRecord]:
        """The OK rows of a result file an older vcall wrote without a journal: they are
        journalled (as ``imported``) when the run starts, so they stay skipped for good."""
        if self.records:
            return []
        imported = []
        for number, entry in _legacy_results(result_csv, self.table).items():
            cells = {name: entry.get(name, "") for name in self.table.columns}
            answer = {
                "code": OK_CODE,
                "message": entry.get("Message", ""),
                "request_id": entry.get("RequestId", ""),
                "call_id": entry.get("CallId", ""),
            }
            record = RowRecord(number, cells, RowEvent.ANSWERED, answer)
            self.records[number] = record
            imported.append(record)
        return imported

    def _place(self, number: int) -> None:
        row = self.table.rows[number - 1]
        self.journal.sending(number, row)
        record = RowRecord(number, dict(row), RowEvent.SENDING)
        self.records[number] = record
        self._placed_rows.append(number)
        self.placed += 1
        try:
            result = self._client.place_call({k: v for k, v in row.items() if v != ""})
        except OutcomeUnknownError as error:
            self._mark(record, RowEvent.UNKNOWN, str(error))
            raise
        except EndpointUnreachableError as error:
            self._mark(record, RowEvent.NOT_SENT, str(error))
            self.placed -= 1
            self._placed_rows.remove(number)
            raise
        except BaseException:  # Ctrl-C while the request was in flight
            self._mark(record, RowEvent.UNKNOWN, "interrupted while the request was in flight")
            raise
        record.event = RowEvent.ANSWERED
        record.answer = answer_fields(result)
        self.journal.answered(number, record.answer)
        self.succeeded += result.ok
        self._maybe_flush()
        if self.on_result is not None:
            self.on_result(number, result)

    def _mark(self, record: RowRecord, event: RowEvent, reason: str) -> None:
        record.event = event
        record.reason = reason
        if event is RowEvent.UNKNOWN:
            self.journal.unknown(record.row, reason)
        else:
            self.journal.not_sent(record.row, reason)

    def _maybe_flush(self) -> None:
        now = self._clock.monotonic()
        if self._last_flush is None or now - self._last_flush >= self._flush_gap:
            self.write_results()

    def write_results(self) -> None:
        """Rewrite the result CSV (atomically) from the journal's view of every row."""
        rows = {number: self._result_row(record) for number, record in self.records.items()}
        for number, reason in self.invalid.items():
            rows.setdefault(number, self._invalid_row(number, reason))
        header = [ROW_COLUMN, *self.table.columns, *RESULT_COLUMNS]
        buffer = io.StringIO(newline="")
        writer = csv.DictWriter(buffer, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        for number in sorted(rows):
            writer.writerow({name: spreadsheet_safe(cell) for name, cell in rows[number].items()})
        began = self._clock.monotonic()
        write_atomic(self.result_csv, buffer.getvalue())
        self._last_flush = self._clock.monotonic()
        took = self._last_flush - began
        self._flush_gap = max(self._flush_interval, took / RESULT_WRITE_SHARE)

    def _invalid_row(self, number: int, reason: str) -> dict[str, str]:
        cells = self.table.rows[number - 1]
        return {
            ROW_COLUMN: str(number),
            **{name: cells.get(name, "") for name in self.table.columns},
            "Code": INVALID_CODE,
            "Message": f"not sent: {reason}",
            "RequestId": "",
            "CallId": "",
        }

    def _result_row(self, record: RowRecord) -> dict[str, str]:
        cells = {name: record.cells.get(name, "") for name in self.table.columns}
        answer = record.answer
        if is_unknown(record):
            detail = record.reason or str(answer.get("message", "")) or "no answer was recorded"
            code, message, request_id, call_id = (
                UNKNOWN_CODE,
                f"{UNKNOWN_MESSAGE} ({detail})",
                "",
                "",
            )
        elif record.event is RowEvent.NOT_SENT:
            code, message, request_id, call_id = NOT_SENT_CODE, record.reason, "", ""
        else:
            code = str(answer.get("code", ""))
            message = str(answer.get("message", ""))
            request_id = str(answer.get("request_id", ""))
            call_id = str(answer.get("call_id", ""))
        return {
            ROW_COLUMN: str(record.row),
            **cells,
            "Code": code,
            "Message": message,
            "RequestId": request_id,
            "CallId": call_id,
        }


def run_batch(
    rows_csv: Path,
    result_csv: Path,
    client: CallPlacer,
    *,
    qps: float = DEFAULT_QPS,
    clock: SyncClock | None = None,
    flush_interval: float = DEFAULT_FLUSH_INTERVAL_S,
    on_result: Callable[[int, SmartCallResult], None] | None = None,
    defaults: Collection[str] = (),
    redial_unknown: bool = False,
) -> BatchSummary:
    """Place the calls of ``rows_csv``; see the module docstring and :class:`BatchRun`."""
    batch = BatchRun(
        rows_csv,
        result_csv,
        client,
        qps=qps,
        clock=clock,
        flush_interval=flush_interval,
        on_result=on_result,
        defaults=defaults,
        redial_unknown=redial_unknown,
    )
    return batch.run()


def _check_result_path(rows_csv: Path, result_csv: Path) -> None:
    if result_csv.resolve() == rows_csv.resolve():
        raise UsageError(f"{result_csv}: the result file must not be the input file")
    if not result_csv.parent.is_dir():
        raise InputNotFoundError(f"{result_csv.parent}: no such directory for the result file")


def _legacy_results(result_csv: Path, table: InputTable) -> dict[int, dict[str, str]]:
    """The OK rows of a result file without a journal (an older vcall's), by row number."""
    if not result_csv.exists():
        return {}
    previous = load_previous_results(result_csv, table)
    return {n: row for n, row in previous.items() if row.get("Code") == OK_CODE}


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
        entries = (
            {name: from_spreadsheet_safe(cell or "") for name, cell in entry.items()}
            for entry in reader
        )
        previous = {_row_number(result_csv, entry): entry for entry in entries}
    for number, entry in previous.items():
        if entry.get("Code") == OK_CODE:
            _check_cells(result_csv, number, entry, table)
    return previous


def _row_number(result_csv: Path, entry: Mapping[str, str]) -> int:
    text = entry.get(ROW_COLUMN) or ""
    if not text.isdigit():
        raise UsageError(f"{result_csv}: {ROW_COLUMN} {text!r} is not a row number")
    return int(text)


def _check_matches_input(
    journal: Path, records: Mapping[int, RowRecord], table: InputTable
) -> None:
    """Rows already placed (or perhaps placed) must still say what they said: an edited input is
    never half-skipped."""
    for number, record in records.items():
        if record.event is RowEvent.NOT_SENT:
            continue
        turned_down = record.answer.get("code") != OK_CODE
        if record.event is RowEvent.ANSWERED and not is_unknown(record) and turned_down:
            continue
        _check_cells(journal, number, record.cells, table)


def _check_cells(source: Path, number: int, cells: Mapping[str, str], table: InputTable) -> None:
    if not 1 <= number <= len(table.rows):
        raise UsageError(f"{source}: row {number} is beyond the input's {len(table.rows)} rows")
    if any(cells.get(name, "") != table.rows[number - 1][name] for name in table.columns):
        raise UsageError(
            f"{source}: row {number} was placed with other values than the input has now: "
            "use another result path"
        )
