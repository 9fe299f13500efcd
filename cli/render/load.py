"""Rendering of a load run: the live panel while it runs, and the summary after."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from vcall.simulator.load import Breach, LoadResult, LoadRun, LoadStats

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
    return (
        f"{stats.calls_done:,} calls ({stats.calls_failed:,} failed{cut}) · {stats.callbacks:,} callbacks in "
        f"{result.wall_ms / 1000:.1f} s = {result.callbacks_per_s:,.0f} callbacks/s · "
        f"error rate {stats.error_rate:.3%} · {stats.violation_count:,} spec violations{state}"
    )


def breach_lines(breaches: list[Breach]) -> list[str]:
    return [f"[bold red]threshold breached:[/] {escape(breach.message)}" for breach in breaches]
