"""``vcall tap`` next to a bot in production: metrics, alerts, JSON logs, log reopening."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from rich.console import Console
from rich.markup import escape

from vcall.cli.render.tap import TapJsonPrinter, TapPrinter
from vcall.simulator.fixture.durations import parse_duration
from vcall.simulator.tap import TapSink, fan_out, request_reopen


class LogFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


@dataclass(slots=True)
class Operations:
    """What ``--metrics``, ``--notify`` and ``--log-format`` set up, and how to stop it."""

    sinks: list[TapSink] = field(default_factory=list)
    stops: list[Callable[[], None]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    """For the banner: where metrics are served, where alerts go."""

    def sink(self) -> TapSink:
        return fan_out(self.sinks)

    def stop(self) -> None:
        for stop in reversed(self.stops):
            stop()


def operations(
    console: Console,
    *,
    verbose: bool,
    log_format: LogFormat,
    metrics: str | None,
    notify: str | None,
    notify_format: str,
    max_p99: str | None,
    notify_interval: str,
    notify_window: str,
    calls_open: Callable[[], int],
) -> Operations:
    """The sinks tap's events go to: the console (text or JSON lines), metrics, alerts."""
    ops = Operations()
    if log_format is LogFormat.JSON:
        ops.sinks.append(TapJsonPrinter(_stdout_write))
    else:
        ops.sinks.append(TapPrinter(console, verbose=verbose))
    if metrics is not None:
        _metrics(ops, metrics, calls_open)
    if notify is not None:
        _notify(ops, console, notify, notify_format, max_p99, notify_interval, notify_window)
    return ops


def _stdout_write(text: str) -> Any:
    written = sys.stdout.write(text)
    sys.stdout.flush()
    return written


def _metrics(ops: Operations, address: str, calls_open: Callable[[], int]) -> None:
    from vcall.simulator.tap.metrics import TapMetrics, parse_metrics_address

    where = parse_metrics_address(address)
    metrics = TapMetrics(calls_open=calls_open)
    server, port = metrics.serve(where)
    ops.sinks.append(metrics)
    ops.stops.append(server.shutdown)
    host = f"[{where.host}]" if ":" in where.host else where.host
    ops.lines.append(f"Prometheus metrics on http://{host}:{port}/metrics")


def _notify(
    ops: Operations,
    console: Console,
    url: str,
    form: str,
    max_p99: str | None,
    interval: str,
    window: str,
) -> None:
    from vcall.simulator import secrets
    from vcall.simulator.errors import UsageError
    from vcall.simulator.tap.notify import Notifier, NotifyConfig, NotifyFormat

    try:
        chosen = NotifyFormat(form.lower())
    except ValueError:
        names = ", ".join(f.value for f in NotifyFormat)
        raise UsageError(f"--notify-format {form!r}: one of {names}") from None
    config = NotifyConfig(
        url,
        chosen,
        min_interval_s=parse_duration(interval, what="--notify-interval") / 1000,
        max_p99_ms=parse_duration(max_p99, what="--max-p99") if max_p99 else None,
        window_s=parse_duration(window, what="--notify-window") / 1000,
    )

    def problem(message: str) -> None:
        console.print(f"[bold red]problem:[/] {escape(message)}")

    notifier = Notifier(config, on_problem=problem)
    ops.sinks.append(notifier)
    ops.stops.append(notifier.close)
    ops.lines.append(f"alerts to a {chosen.value} robot: {secrets.mask(_shown_url(url))}")


def _shown_url(url: str) -> str:
    """The webhook without its query (where robots keep their token)."""
    return url.split("?", 1)[0]


@contextmanager
def reopen_logs_on_sighup() -> Iterator[None]:
    """SIGHUP reopens ``--log`` and ``--report-json`` (after logrotate moved them away)."""
    hup = getattr(signal, "SIGHUP", None)
    if hup is None:  # not on Windows
        yield
        return
    previous = signal.signal(hup, lambda _signum, _frame: request_reopen())
    try:
        yield
    finally:
        signal.signal(hup, previous)
