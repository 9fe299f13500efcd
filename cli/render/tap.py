"""``vcall tap``'s live output: one line per finding, failure and closed call; a closing summary."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

from vcall.simulator.findings import Severity
from vcall.simulator.tap import (
    BoundReached,
    CallbackRelayed,
    CallClosed,
    MalformedRequest,
    RequestRefused,
    TapEvent,
    TapProblem,
    event_record,
    json_line,
)
from vcall.simulator.text_safety import neutralize_controls as safe

if TYPE_CHECKING:
    from vcall.simulator.emulator.bounds import BoundCounts
    from vcall.simulator.tap.observer import TapCounts

_STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


class TapJsonPrinter:
    """A :class:`TapSink` for ``--log-format json``: one JSON object per event on standard
    output (``ts``, ``event``, its fields), for a log shipper; nothing else is printed there."""

    def __init__(self, write: Callable[[str], object]) -> None:
        self._write = write
        self._lock = threading.Lock()

    def __call__(self, event: TapEvent) -> None:
        line = json_line(event_record(event)) + "\n"
        with self._lock:
            self._write(line)


class TapPrinter:
    """A :class:`TapSink`; called from the event loop and from the fixture writer's thread."""

    def __init__(self, console: Console, *, verbose: bool = False) -> None:
        self.console = console
        self.verbose = verbose
        self._lock = threading.Lock()

    def __call__(self, event: TapEvent) -> None:
        line = self._line(event)
        if line is not None:
            with self._lock:
                for text in line:
                    self.console.print(text)

    def _line(self, event: TapEvent) -> list[Text] | None:
        if isinstance(event, CallbackRelayed):
            return self._relayed(event)
        if isinstance(event, CallClosed):
            return [_closed(event)]
        if isinstance(event, MalformedRequest | RequestRefused):
            return [Text(f"{safe(event.reason)} (answered {event.status})", style="yellow")]
        if isinstance(event, BoundReached):
            return [Text(f"bound: {safe(event.message)}", style="yellow")]
        if isinstance(event, TapProblem):
            return [Text(f"problem: {safe(event.message)}", style="bold red")]
        return None

    def _relayed(self, event: CallbackRelayed) -> list[Text]:
        where = f"{safe(event.call_id)} #{event.turn} {safe(event.kind)}"
        lines = [
            Text.assemble(
                (f"{where}: ", "dim"),
                (finding.severity.value, _STYLES[finding.severity]),
                safe(f" {finding.rule} {finding.path or '(body)'}: {finding.message}"),
            )
            for finding in event.findings
        ]
        if self.verbose and not event.findings:
            lines.append(Text(f"{where}: {event.status} in {event.latency_ms:.1f} ms", style="dim"))
        return lines


def _closed(event: CallClosed) -> Text:
    text = Text(f"call {safe(event.call_id)} closed ({event.reason}, {event.callbacks} callbacks)")
    if event.saved is not None:
        text.append(f" -> {safe(str(event.saved))}", style="green")
    if event.divergences:
        text.append(
            f"; the model differs in {len(event.divergences)} place(s), see its description",
            style="yellow",
        )
    return text


def summary(counts: TapCounts, bounds: BoundCounts | None = None) -> str:
    own = counts.own_time
    timing = (
        f"; tap's own time per callback p50 {own.percentile_ms(50):.3f} ms, "
        f"p99 {own.percentile_ms(99):.3f} ms"
        if own.count
        else ""
    )
    return (
        f"tap: {counts.callbacks} callbacks relayed, {counts.bot_failed} the bot failed, "
        f"{counts.errors} error(s), {counts.warnings} warning(s), {counts.malformed} malformed, "
        f"{counts.refused} refused; {counts.calls_closed} call(s) closed, "
        f"{counts.saved_count} fixture(s) written (writer backlog peak {counts.backlog_peak}, "
        f"{counts.not_saved} not written){timing}"
        + (f"; {counts.lines_lost} log/report line(s) lost" if counts.lines_lost else "")
        + (f"; bounds: {bounds.describe()}" if bounds is not None and bounds.total() else "")
    )
