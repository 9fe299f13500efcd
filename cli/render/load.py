"""Rendering of a load run: the live panel while it runs, and the summary after."""

from __future__ import annotations

import math

from rich.console import Group, RenderableType
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from vcall.simulator.load import Breach, LoadConfig, LoadResult, LoadRun, LoadStats
from vcall.simulator.load.estimate import LoadEstimate

PERCENTS = (50, 90, 95, 99)


class LiveLoadView:
    """What ``rich.live.Live`` shows: a progress bar and the running figures."""

    def __init__(self, load: LoadRun, started_ms: float) -> None:
        self.load = load
        self.started_ms = started_ms
        self.progress = Progress(
            TextColumn("[bold]calls"),
            BarColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            expand=False,
        )
        config = load.config
        total = config.calls if config.calls is not None else (config.duration_ms or 0) / 1000
        self.by_duration = config.calls is None
        self.task = self.progress.add_task("load", total=total)

    def render(self, now_ms: float) -> RenderableType:
        stats = self.load.stats
        elapsed_s = max((now_ms - self.started_ms) / 1000, 1e-9)
        done = elapsed_s if self.by_duration else stats.calls_done
        self.progress.update(self.task, completed=done)
        return Group(self.progress, _live_line(stats, elapsed_s))


def _live_line(stats: LoadStats, elapsed_s: float) -> str:
    latency = stats.latency
    return (
        f"active [bold]{stats.calls_active}[/] · done {stats.calls_done} · failed [red]{stats.calls_failed}[/] · "
        f"{stats.callbacks / elapsed_s:,.0f} callbacks/s · p50 {latency.percentile_ms(50):.1f} ms · "
        f"p95 {latency.percentile_ms(95):.1f} ms · p99 {latency.percentile_ms(99):.1f} ms"
    )


def summary_tables(result: LoadResult) -> list[Table]:
    tables = [_latency_table(result.stats)]
    rules = _rules_table(result.stats)
    if rules.row_count:
        tables.append(rules)
    if result.stats.slowest:
        tables.append(_slowest_table(result.stats))
    return tables


def _latency_table(stats: LoadStats) -> Table:
    table = Table(title="latency (ms) by content_type", title_justify="left")
    table.add_column("content_type")
    table.add_column("callbacks", justify="right")
    for column in (*(f"p{p}" for p in PERCENTS), "max"):
        table.add_column(column, justify="right")
    rows = [*sorted(stats.by_kind.items()), ("all", stats.latency)]
    for kind, histogram in rows:
        cells = [f"{histogram.percentile_ms(p):.1f}" for p in PERCENTS] + [
            f"{histogram.max_ms:.1f}"
        ]
        table.add_row(f"[bold]{kind}[/]" if kind == "all" else kind, f"{histogram.count:,}", *cells)
    return table


def _rules_table(stats: LoadStats) -> Table:
    table = Table(title="findings by rule", title_justify="left")
    for column in ("rule", "kind", "count"):
        table.add_column(column, justify="right" if column == "count" else "left")
    for label, counter, style in (
        ("error", stats.errors, "red"),
        ("violation", stats.violations, "red"),
        ("fixture expectation", stats.expectations, "magenta"),
        ("warning", stats.warnings, "yellow"),
    ):
        for rule, count in counter.most_common():
            table.add_row(rule, f"[{style}]{label}[/]", f"{count:,}")
    return table


def _slowest_table(stats: LoadStats) -> Table:
    table = Table(title="slowest turns", title_justify="left")
    for column in ("latency", "scenario", "turn", "content_type", "action"):
        table.add_column(column, justify="right" if column in ("latency", "turn") else "left")
    for slow in stats.slowest:
        table.add_row(
            f"{slow.latency_ms:.1f} ms",
            escape(slow.scenario),
            str(slow.turn),
            slow.kind,
            slow.action,
        )
    return table


def summary_line(result: LoadResult) -> str:
    stats = result.stats
    state = " [yellow](interrupted: partial)[/]" if result.interrupted else ""
    cut = f", {result.cut_at_deadline} cut at the deadline" if result.cut_at_deadline else ""
    crashed = f", {stats.calls_crashed:,} stopped by an exception" if stats.calls_crashed else ""
    return (
        f"{stats.calls_done:,} calls ({stats.calls_failed:,} failed{crashed}{cut}) · "
        f"{stats.callbacks:,} callbacks in "
        f"{result.wall_ms / 1000:.1f} s = {result.callbacks_per_s:,.0f} callbacks/s · "
        f"error rate {stats.error_rate:.3%} · {stats.violation_count:,} spec violations · "
        f"{stats.expectation_count:,} fixture expectation misses{_spec_only(result)}{state}"
    )


def _spec_only(result: LoadResult) -> str:
    return " (--spec-only: not checked)" if result.config.spec_only else ""


def crash_lines(result: LoadResult) -> list[str]:
    """What the calls that stopped on an exception said (the first few distinct messages)."""
    return [f"[bold red]call stopped:[/] {escape(message)}" for message in result.stats.crashes]


def breach_lines(breaches: list[Breach]) -> list[str]:
    return [f"[bold red]threshold breached:[/] {escape(breach.message)}" for breach in breaches]


def about(seconds: float) -> str:
    """``about 45 s``, ``about 8 min``, ``about 1 h 20 min``."""
    if seconds < 90:
        return f"about {max(1, round(seconds))} s"
    minutes = round(seconds / 60)
    if minutes < 90:
        return f"about {minutes} min"
    return f"about {minutes // 60} h {minutes % 60} min"


def plan_lines(config: LoadConfig, estimate: LoadEstimate) -> list[str]:
    """What the run will do and how long it will take, said before it starts."""
    rate = f", {config.rate:g} new/s" if config.rate is not None else ""
    at_once = f"up to {config.concurrency:,} at a time{rate}"
    what = (
        f"for {about(config.duration_ms / 1000).removeprefix('about ')}"
        if config.duration_ms is not None
        else f"{config.calls or 0:,} calls"
    )
    if estimate.run_s is None:
        return [
            f"load: {what}, {at_once}, as fast as possible (each call's callbacks back to back)"
        ]
    lines = [
        f"load: {what}, {at_once}, in real time: a call lasts as long as on the phone, "
        f"~{estimate.mean_call_s:.0f} s for these fixtures (timed against the example bot) "
        f"-> {about(estimate.run_s)}. --as-fast-as-possible sends each call's callbacks back to back."
    ]
    if estimate.rate_capped and config.rate is not None:
        needed = math.ceil(config.rate * estimate.mean_call_s)
        lines.append(
            f"[yellow]warning:[/] --concurrency {config.concurrency:,} sustains about "
            f"{estimate.sustainable_rate:.2g} new calls/s (calls of ~{estimate.mean_call_s:.0f} s), "
            f"not --rate {config.rate:g}/s: new calls wait for a free slot. "
            f"--concurrency {needed:,} keeps that rate."
        )
    return lines


def progress_line(load: LoadRun, elapsed_s: float) -> str:
    """One plain line of progress, printed every few seconds when the output is not a terminal."""
    stats, config = load.stats, load.config
    total = f"/{config.calls:,}" if config.calls is not None else ""
    minutes, seconds = divmod(int(elapsed_s), 60)
    latency = stats.latency
    return (
        f"{minutes:02d}:{seconds:02d} · done {stats.calls_done:,}{total} · "
        f"active {stats.calls_active:,} · failed {stats.calls_failed:,} · "
        f"{stats.callbacks / max(elapsed_s, 1e-9):,.0f} callbacks/s · "
        f"p99 {latency.percentile_ms(99):.1f} ms"
    )
