"""The batch journal: what was sent and what came back, one fsync'd JSON line at a time.

A SmartCall request dials a person, so a batch must know, after any crash, which rows' requests
*may* have left. Before a row's request is sent, a ``sending`` line is appended and fsync'd; after
the answer, an ``answered`` line. ``not-sent`` records a request that certainly never left (the
connection was refused); ``unknown`` one whose fate is unknown (no answer, Ctrl-C in flight).
A row whose last line is ``sending`` or ``unknown`` is unknown: a resumed batch does not dial it
again unless asked to.

Lines (``JournalEntry.to_json``)::

    {"event": "batch", "version": 1, "input": "calls.csv", "columns": ["CalledNumber", ...]}
    {"event": "sending", "row": 3, "cells": {"CalledNumber": "13800138003", ...}, "at": "..."}
    {"event": "answered", "row": 3, "code": "OK", "message": "OK", "request_id": "...",
     "call_id": "...", "http_status": 200, "attempts": 1}

A last line without its newline is what a kill in the middle of an append leaves: it is ignored
(its request was never sent: sending waits for the fsync).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from vcall.simulator import secrets
from vcall.simulator.errors import UsageError

JOURNAL_VERSION = 1
JOURNAL_SUFFIX = ".journal"
MAX_LINE_BYTES = 4 * 1024 * 1024
"""vcall's choice: a journal line longer than this is not one vcall wrote."""


class RowEvent(StrEnum):
    IMPORTED = "imported"
    """A row an older vcall placed (its result file had no journal): answered OK."""
    SENDING = "sending"
    ANSWERED = "answered"
    NOT_SENT = "not-sent"
    UNKNOWN = "unknown"


@dataclass(slots=True)
class RowRecord:
    """What the journal says about one row: its cells as sent, the last event, the answer."""

    row: int
    cells: dict[str, str]
    event: RowEvent
    answer: dict[str, Any] = field(default_factory=dict)
    reason: str = ""


def journal_path(result_csv: Path) -> Path:
    """``calls.result.csv`` -> ``calls.result.csv.journal`` (beside the result file)."""
    return result_csv.with_name(result_csv.name + JOURNAL_SUFFIX)


class BatchJournal:
    """Appends entries durably; :meth:`load` reads an existing journal's rows."""

    def __init__(self, path: Path, input_name: str, columns: Sequence[str]) -> None:
        self.path = path
        self._input_name = input_name
        self._columns = list(columns)
        self._fd: int | None = None

    def load(self) -> dict[int, RowRecord]:
        """The rows of an earlier run, by row number (``{}`` when there is no journal). Raises
        :class:`UsageError` for a journal of another input or a damaged line."""
        if not self.path.exists():
            return {}
        rows: dict[int, RowRecord] = {}
        for number, entry in self._entries():
            _apply(rows, entry, self.path, number)
        return rows

    def open(self) -> None:
        """Open for appending (creating it with its header line when new)."""
        is_new = not self.path.exists()
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        if is_new:
            header = {
                "event": "batch",
                "version": JOURNAL_VERSION,
                "input": self._input_name,
                "columns": self._columns,
            }
            self._append(header)
            _fsync_directory(self.path.parent)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def sending(self, row: int, cells: Mapping[str, str]) -> None:
        at = datetime.now(UTC).isoformat(timespec="milliseconds")
        self._append({"event": RowEvent.SENDING, "row": row, "cells": dict(cells), "at": at})

    def answered(self, row: int, answer: Mapping[str, Any]) -> None:
        self._append({"event": RowEvent.ANSWERED, "row": row, **answer})

    def imported(self, row: int, cells: Mapping[str, str], answer: Mapping[str, Any]) -> None:
        self._append({"event": RowEvent.IMPORTED, "row": row, "cells": dict(cells), **answer})

    def not_sent(self, row: int, reason: str) -> None:
        self._append({"event": RowEvent.NOT_SENT, "row": row, "reason": reason})

    def unknown(self, row: int, reason: str) -> None:
        self._append({"event": RowEvent.UNKNOWN, "row": row, "reason": reason})

    def _append(self, entry: Mapping[str, Any]) -> None:
        if self._fd is None:
            raise RuntimeError("the journal is not open")
        line = json.dumps(secrets.mask_value(dict(entry)), ensure_ascii=False) + "\n"
        data = line.encode("utf-8")
        written = 0
        while written < len(data):
            written += os.write(self._fd, data[written:])
        os.fsync(self._fd)

    def _entries(self) -> list[tuple[int, dict[str, Any]]]:
        entries: list[tuple[int, dict[str, Any]]] = []
        with self.path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                if not raw.endswith(b"\n"):
                    break  # torn by a kill mid-append: never acted on
                entries.append((number, self._parse(raw, number)))
        if entries:
            self._check_header(entries[0])
        return entries[1:]

    def _parse(self, raw: bytes, number: int) -> dict[str, Any]:
        where = f"{self.path}:{number}"
        if len(raw) > MAX_LINE_BYTES:
            raise UsageError(f"{where}: line too long for a batch journal")
        try:
            entry = json.loads(raw)
        except (ValueError, RecursionError):
            raise UsageError(f"{where}: not a JSON line of a batch journal") from None
        if not isinstance(entry, dict):
            raise UsageError(f"{where}: not a batch journal entry")
        return entry

    def _check_header(self, first: tuple[int, dict[str, Any]]) -> None:
        _number, header = first
        if header.get("event") != "batch" or header.get("version") != JOURNAL_VERSION:
            raise UsageError(
                f"{self.path}:1: not a vcall batch journal (version {JOURNAL_VERSION})"
            )
        if header.get("columns") != self._columns:
            raise UsageError(
                f"{self.path}:1: journal of an input with other columns "
                f"({','.join(map(str, header.get('columns') or []))}): use another result path"
            )


def _apply(rows: dict[int, RowRecord], entry: Mapping[str, Any], path: Path, line: int) -> None:
    where = f"{path}:{line}"
    number = entry.get("row")
    try:
        event = RowEvent(str(entry.get("event")))
    except ValueError:
        raise UsageError(f"{where}: unknown journal event {entry.get('event')!r}") from None
    if not isinstance(number, int) or number < 1:
        raise UsageError(f"{where}: journal entry without a row number")
    if event in (RowEvent.SENDING, RowEvent.IMPORTED):
        rows[number] = _new_record(entry, number, event, where)
        return
    record = rows.get(number)
    if record is None:
        raise UsageError(f"{where}: {event} for row {number}, which was never sent")
    record.event = event
    if event is RowEvent.ANSWERED:
        record.answer = _answer_of(entry)
    else:
        record.reason = str(entry.get("reason", ""))


def _new_record(entry: Mapping[str, Any], number: int, event: RowEvent, where: str) -> RowRecord:
    cells = entry.get("cells")
    if not isinstance(cells, dict):
        raise UsageError(f"{where}: {event} entry without the row's cells")
    record = RowRecord(number, {str(k): str(v) for k, v in cells.items()}, event)
    if event is RowEvent.IMPORTED:
        record.event = RowEvent.ANSWERED
        record.answer = _answer_of(entry)
    return record


def _answer_of(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k not in ("event", "row", "cells")}


def _fsync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
