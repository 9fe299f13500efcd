"""Everything tap does with a callback once the bot's answer is on its way back.

The answer is judged in its call's context (the validator, with the settings the call's earlier
answers made; and whether the platform echoed the ``dynamic_id`` the bot last set), findings and
the exchange go to the sinks and JSON-lines files, the turn joins its call, and a call that is over
is closed: written as a fixture (in a worker thread: the event loop keeps relaying) or forgotten.
This runs after the answer was sent, so none of it adds to the latency the platform sees.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vcall.simulator.findings import Finding, Severity
from vcall.simulator.load import Histogram
from vcall.simulator.model import Callback
from vcall.simulator.properties import LiveChecker
from vcall.simulator.replay import delivery_findings, validate_answer
from vcall.simulator.spec import SPEC_NOTES, CallbackKind
from vcall.simulator.tap.callback import MalformedCallback, ReceivedCallback, read_callback
from vcall.simulator.tap.calls import (
    TRANSFER_RESULT_KIND,
    CallBook,
    CloseReason,
    TapCall,
    TappedTurn,
)
from vcall.simulator.tap.config import TapConfig
from vcall.simulator.tap.events import (
    CallbackRelayed,
    CallClosed,
    MalformedRequest,
    TapProblem,
    TapSink,
)
from vcall.simulator.tap.fixture_out import save_call
from vcall.simulator.tap.forward import BotAnswer
from vcall.simulator.tap.jsonl import JsonLines
from vcall.simulator.tap.privacy import NUMBER_FIELDS, Redactor
from vcall.simulator.tap.recorded import model_data
from vcall.simulator.transport import Exchange

MAX_PENDING_WRITES = 1000
"""Closed calls waiting for the fixture writer at most while tap runs; past that a call is not
written (and it is said), so a writer that cannot keep up never makes memory grow. When tap
stops, every open call is written, however many."""


@dataclass(slots=True)
class TapCounts:
    callbacks: int = 0
    bot_failed: int = 0
    malformed: int = 0
    refused: int = 0
    errors: int = 0
    warnings: int = 0
    calls_closed: int = 0
    saved: list[str] = field(default_factory=list)
    """Paths of the fixtures written (the last 1000)."""
    saved_count: int = 0
    """Every fixture written."""
    backlog_peak: int = 0
    """The most closed calls that waited for the fixture writer at once."""
    lines_lost: int = 0
    """Log and report lines not written (a full disk)."""
    not_saved: int = 0
    """Calls not written because the writer's backlog was full."""
    own_time: Histogram = field(default_factory=Histogram)
    """tap's own time per relayed request: from receiving it to the answer sent, less the bot's
    round trip (what tap adds, apart from the extra network hop)."""


class CallObserver:
    def __init__(
        self,
        config: TapConfig,
        redactor: Redactor,
        sink: TapSink,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.redactor = redactor
        self.sink = sink
        self.clock = clock
        self.book = CallBook(config.max_open_calls)
        self.counts = TapCounts()
        self.log = JsonLines(config.log, "--log") if config.log else None
        self.report = JsonLines(config.report_json, "--report-json") if config.report_json else None
        self._writer = ThreadPoolExecutor(1, "vcall-tap-save") if config.save_dir else None
        self.checker = LiveChecker(config.properties) if config.properties else None
        self._writes: set[Future[None]] = set()
        self._stopping = False
        self._failing: set[Path] = set()
        self._save_full_said = False
        self.open_bytes = 0
        """Bytes the open calls' recordings hold (bounded by ``max_open_bytes``)."""
        self.saved_bytes = 0

    # --- one request ------------------------------------------------------------------------

    def observe(
        self, method: str, query: bytes, body: bytes, content_type: str, answer: BotAnswer
    ) -> None:
        """Take one forwarded request and the bot's answer; never raises."""
        try:
            self._observe(method, query, body, content_type, answer)
        except Exception as error:  # a bug here must not stop the relaying
            self.sink(
                TapProblem(f"tap could not record a callback: {type(error).__name__}: {error}")
            )

    def _observe(
        self, method: str, query: bytes, body: bytes, content_type: str, answer: BotAnswer
    ) -> None:
        try:
            callback = read_callback(query, body, content_type)
        except MalformedCallback as error:
            self.counts.malformed += 1
            self.sink(
                MalformedRequest(f"{method} request is not a callback: {error}", answer.status)
            )
            self._log_raw(method, query, body, answer, str(error))
            return
        self.counts.callbacks += 1
        now = self.clock()
        call, evicted = self.book.touch(callback.call_id, now)
        for old in evicted:
            self.close(old, CloseReason.EVICTED)
        if callback.kind == CallbackKind.CALLIN.value:
            call.numbers.update(
                self.redactor.numbers(callback.content.get(n) for n in NUMBER_FIELDS)
            )
        exchange = _exchange(self.config.forward_to, callback, answer)
        findings, envelope = self._judge(call, callback, exchange)
        findings = tuple(self._private(finding, call.numbers) for finding in findings)
        kept = dataclasses.replace(callback, params={})
        turn = TappedTurn(kept, answer.status, answer.error, envelope, findings, now)
        data = model_data(turn)
        if data is not None and isinstance(data.get("number"), str):
            call.numbers.update(self.redactor.numbers([data["number"]]))
        if self.checker is not None:
            kind = callback.known_kind
            self.checker.note(call.call_id, kind, callback.content, answer.status, envelope)
        call.apply_answer(callback.kind, data)
        if callback.kind == TRANSFER_RESULT_KIND:
            call.transfer_result(callback.content)
        size = len(body) + len(answer.body)
        keep = self._writer is not None and not call.late
        self.open_bytes += call.add(turn, keep=keep, size=size, max_size=self.config.max_call_bytes)
        self._make_room(call)
        self._publish(call, callback, turn, answer)
        if call.late:
            message = f"call {call.call_id}: a {callback.kind} callback after tap closed the call"
            self.sink(TapProblem(message + " (checked, not recorded)"))
        elif call.ended:
            self.book.pop(call.call_id)
            self.close(call, CloseReason.ENDED)

    def _judge(
        self, call: TapCall, callback: ReceivedCallback, exchange: Exchange
    ) -> tuple[tuple[Finding, ...], dict[str, Any] | None]:
        findings = delivery_findings(
            exchange, timeout_s=self.config.timeout_s, latency_budget_ms=None
        )
        kind = callback.known_kind
        echo = _echo_finding(call, callback)
        if echo is not None:
            findings.append(echo)
        if kind is None:
            findings.append(_unknown_kind(callback.kind))
            return tuple(findings), None
        model_callback = Callback(
            kind, callback.call_id, 0, callback.timestamp_ms or 0, callback.content, None
        )
        result = validate_answer(model_callback, exchange, call.settings)
        if result is None:
            return tuple(findings), None
        return tuple(findings) + result.findings, result.envelope

    def _private(self, finding: Finding, known: dict[str, str]) -> Finding:
        """A finding as it may be shown: its texts quote the bot's answer and the callback."""
        text = self.redactor.text
        return dataclasses.replace(
            finding,
            message=text(finding.message, known),
            expected=None if finding.expected is None else text(finding.expected, known),
            actual=None if finding.actual is None else text(finding.actual, known),
        )

    def _publish(
        self, call: TapCall, callback: ReceivedCallback, turn: TappedTurn, answer: BotAnswer
    ) -> None:
        counts = self.counts
        counts.bot_failed += turn.error is not None or turn.status >= 500
        for finding in turn.findings:
            if finding.severity is Severity.ERROR:
                counts.errors += 1
            else:
                counts.warnings += 1
            if self.report is not None:
                record = {
                    "time": _iso(turn.received_at),
                    "call_id": call.call_id,
                    "turn": call.count,
                }
                record["content_type"] = callback.kind
                self._write(self.report, {**record, **finding.to_dict()})
        self.sink(
            CallbackRelayed(
                call.call_id,
                callback.kind,
                call.count,
                turn.status,
                answer.latency_ms,
                turn.findings,
                turn.error,
            )
        )
        if self.log is not None:
            self._write(self.log, self._log_record(call, callback, turn, answer.body))

    # --- closing calls ----------------------------------------------------------------------

    def _make_room(self, current: TapCall) -> None:
        """Close the oldest calls while the open recordings hold more than allowed."""
        while self.open_bytes > self.config.max_open_bytes:
            oldest = self.book.oldest()
            if oldest is None:
                return
            if oldest is current:  # the newest activity: it stays, within its own cap
                self.book.touch(current.call_id, current.last_seen)
                if len(self.book) == 1:
                    return
                continue
            self.close(oldest, CloseReason.EVICTED)

    def close(self, call: TapCall, reason: CloseReason) -> None:
        """The call is over: write it (in the background) or forget it."""
        self.counts.calls_closed += 1
        if not call.late:
            self.open_bytes -= call.size
        self.book.closed(call)
        self._check_properties(call)
        directory = self.config.save_dir
        if self._writer is None or directory is None or not call.turns:
            self.sink(CallClosed(call.call_id, call.count, reason.value))
            return
        if len(self._writes) >= MAX_PENDING_WRITES and not self._stopping:
            message = f"call {call.call_id}: no fixture written: {len(self._writes)} wait already"
            self.counts.not_saved += 1
            self.sink(TapProblem(message + " (the writer cannot keep up)"))
            self.sink(CallClosed(call.call_id, call.count, reason.value))
            return
        future = self._writer.submit(self._save, call, reason)
        self._writes.add(future)
        future.add_done_callback(self._writes.discard)
        self.counts.backlog_peak = max(self.counts.backlog_peak, len(self._writes))

    def _check_properties(self, call: TapCall) -> None:
        """``--properties``: each property the call broke is a finding of that call."""
        if self.checker is None:
            return
        found = tuple(self._private(f, call.numbers) for f in self.checker.close(call.call_id))
        if found:
            self.sink(CallbackRelayed(call.call_id, "properties", call.count, 200, 0.0, found))

    def _save(self, call: TapCall, reason: CloseReason) -> None:
        assert self.config.save_dir is not None
        if self._save_full():
            self.counts.not_saved += 1
            self.sink(CallClosed(call.call_id, call.count, reason.value))
            return
        try:
            saved = save_call(call, self.config.save_dir, self.redactor, reason)
        except Exception as error:  # a full disk, or a call the model cannot replay: say so
            detail = getattr(error, "strerror", None) or f"{type(error).__name__}: {error}"
            self.sink(TapProblem(f"call {call.call_id}: no fixture written: {detail}"))
            self.sink(CallClosed(call.call_id, call.count, reason.value))
            return
        self.counts.saved = [*self.counts.saved[-999:], str(saved.path)]
        self.counts.saved_count += 1
        self.saved_bytes += saved.size
        self.sink(CallClosed(call.call_id, call.count, reason.value, saved.path, saved.divergences))

    def _save_full(self) -> bool:
        config = self.config
        if self.counts.saved_count >= config.save_max_files:
            what = (
                f"{self.counts.saved_count} fixture(s) (--save-max-files {config.save_max_files})"
            )
        elif self.saved_bytes >= config.save_max_bytes:
            what = f"{self.saved_bytes} bytes (--save-max-bytes {config.save_max_bytes})"
        else:
            return False
        if not self._save_full_said:
            self._save_full_said = True
            self.sink(TapProblem(f"--save holds {what}: later calls are not written"))
        return True

    def sweep(self) -> None:
        """Close the calls idle for longer than ``--idle``."""
        for call in list(self.book.idle(self.clock() - self.config.idle_s)):
            self.close(call, CloseReason.IDLE)

    async def stop(self) -> None:
        """Close every open call, wait for the fixtures to be written, close the files."""
        self._stopping = True
        for call in self.book.drain():
            self.close(call, CloseReason.STOPPED)
        if self._writer is not None:
            await asyncio.get_running_loop().run_in_executor(None, self._writer.shutdown, True)
        for lines in (self.log, self.report):
            if lines is not None:
                lines.close()

    # --- log lines --------------------------------------------------------------------------

    def _log_record(
        self, call: TapCall, callback: ReceivedCallback, turn: TappedTurn, body: bytes
    ) -> dict[str, Any]:
        known = call.numbers
        record: dict[str, Any] = {"time": _iso(turn.received_at), "call_id": call.call_id}
        record["placement"] = callback.placement
        record["params"] = self.redactor.value(dict(callback.params), known)
        record["content"] = self.redactor.value(dict(callback.content), known)
        record["status"] = turn.status
        record["answer"] = self.redactor.text(body.decode("utf-8", "replace"), known)
        if turn.error:
            record["error"] = turn.error
        return record

    def _log_raw(
        self, method: str, query: bytes, body: bytes, answer: BotAnswer, reason: str
    ) -> None:
        if self.log is None:
            return
        text = self.redactor.unknown_text
        record: dict[str, Any] = {"time": _iso(self.clock()), "malformed": reason}
        record["method"] = method
        record["query"] = text(query.decode("utf-8", "replace"), {})
        record["body"] = text(body.decode("utf-8", "replace"), {})
        record["status"] = answer.status
        record["answer"] = text(answer.body.decode("utf-8", "replace"), {})
        self._write(self.log, record)

    def report_line(self, record: dict[str, Any]) -> None:
        """One more line of ``--report-json`` (``vcall tap --shadow``'s divergences)."""
        if self.report is not None:
            self._write(self.report, record)

    def _write(self, lines: JsonLines, record: dict[str, Any]) -> None:
        """Write a line; a failure is said once until a line is written again (a full disk
        would otherwise say it for every callback), and counted."""
        try:
            lines.write(record)
        except OSError as error:
            self.counts.lines_lost += 1
            if lines.path not in self._failing:
                self._failing.add(lines.path)
                detail = error.strerror or error
                self.sink(TapProblem(f"cannot write {lines.path}: {detail} (lines are lost)"))
        else:
            self._failing.discard(lines.path)


def _exchange(url: str, callback: ReceivedCallback, answer: BotAnswer) -> Exchange:
    return Exchange(
        method="POST",
        url=url,
        params=callback.params,
        placement=callback.placement,
        status=None if answer.error else answer.status,
        headers=answer.header_dict,
        body=answer.body,
        latency_ms=answer.latency_ms,
        error=answer.error,
        error_detail=answer.detail,
    )


def _echo_finding(call: TapCall, callback: ReceivedCallback) -> Finding | None:
    """The platform sends back the ``dynamic_id`` the bot last set; another one means an answer
    of the bot was not taken (or the call's callbacks came out of order)."""
    if call.dynamic_id is None or callback.kind == CallbackKind.CALLIN.value:
        return None
    sent = callback.content.get("dynamic_id")
    if sent is None or sent == call.dynamic_id:
        return None
    message = (
        f"the platform sent dynamic_id {sent!r}, but the bot last set {call.dynamic_id!r}: "
        "an earlier answer was not applied"
    )
    return Finding(
        "tap-dynamic-id-not-echoed",
        Severity.WARNING,
        "content.dynamic_id",
        message,
        SPEC_NOTES,
        call.dynamic_id,
        str(sent),
    )


def _unknown_kind(kind: str) -> Finding:
    message = f"content_type {kind!r} is not a callback vcall knows: its answer was not checked"
    return Finding("tap-unknown-callback", Severity.WARNING, "", message, SPEC_NOTES)


def _iso(at: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(at)) + f".{int(at % 1 * 1000):03d}Z"
