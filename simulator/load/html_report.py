"""The HTML load report (``vcall load --report-html``): one self-contained file, no network.

The headline figures and the verdict on the thresholds, three charts of the run over time
(callbacks/s and calls started/s; p50 and p99 answer latency; errors and spec violations per
interval), then the same tables as the terminal summary: latency by content_type, findings by
rule, slowest turns.
"""

from __future__ import annotations

import html
import math
from pathlib import Path

import vcall
from vcall.simulator.atomic import write_atomic
from vcall.simulator.load.histogram import Histogram
from vcall.simulator.load.runner import LoadResult
from vcall.simulator.load.series import INTERVAL_MS, SeriesRow
from vcall.simulator.load.svg_chart import CHART_CSS, MAX_POINTS, Line, downsample, line_chart
from vcall.simulator.load.thresholds import Breach
from vcall.simulator.reports.page import FONT_CSS, PAGE_CSS

PERCENTS = (50, 90, 95, 99)
_CSS = (
    PAGE_CSS
    + """main{padding:20px 28px;max-width:1100px}h2{font-size:16px;margin:22px 0 8px}
.figures{display:flex;flex-wrap:wrap;gap:10px;margin-bottom:8px}
.figure{background:#fff;padding:8px 14px;box-shadow:0 1px 2px #0002;min-width:120px}
.figure b{display:block;font-size:18px}.figure span{font-size:12px;color:#5b6475}
table{border-collapse:collapse;background:#fff;margin-bottom:14px;box-shadow:0 1px 2px #0002}
th,td{padding:5px 10px;border-bottom:1px solid #e6e8ec;text-align:left}
th{font-size:12px;color:#5b6475;font-weight:600}td.num{text-align:right;white-space:nowrap}
.breach{color:#b71c1c;font-weight:600}.error{color:#b71c1c}.warning{color:#8a5a00}
"""
)


def load_html(result: LoadResult, breaches: list[Breach]) -> str:
    stats = result.stats
    verdict = "fail" if breaches else "pass"
    state = " (interrupted: partial)" if result.interrupted else ""
    head = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>vcall load report</title><style>{_CSS}{CHART_CSS}{FONT_CSS}</style></head><body>"
        f"<header><h1>vcall load report</h1><span class='meta'>vcall {html.escape(vcall.__version__)}"
        f" · {stats.calls_done:,} calls · {stats.callbacks:,} callbacks{state}</span>"
        f"<span class='verdict {verdict}'>{'thresholds breached' if breaches else 'pass'}</span>"
        "</header><main>"
    )
    body = [
        _figures(result),
        _crashes(result),
        *(f"<p class='breach'>threshold breached: {html.escape(b.message)}</p>" for b in breaches),
        "<h2>Over time</h2>",
        _charts(result.series),
        "<h2>Answer latency by content_type (ms)</h2>",
        _latency_table(result),
        _rules_table(result),
        _slowest_table(result),
    ]
    return head + "".join(body) + "</main></body></html>\n"


def write_load_html(result: LoadResult, path: str | Path, breaches: list[Breach]) -> None:
    write_atomic(path, load_html(result, breaches))


def _figures(result: LoadResult) -> str:
    stats = result.stats
    items = [
        (f"{stats.calls_done:,}", f"calls ({stats.calls_failed:,} failed)"),
        (f"{stats.callbacks:,}", "callbacks"),
        (f"{result.callbacks_per_s:,.0f}", "callbacks/s"),
        (f"{stats.latency.percentile_ms(50):.1f} ms", "p50 latency"),
        (f"{stats.latency.percentile_ms(99):.1f} ms", "p99 latency"),
        (f"{stats.error_rate:.3%}", "error rate"),
        (f"{stats.violation_count:,}", "spec violations"),
        (f"{stats.expectation_count:,}", _misses_label(result)),
        (f"{result.wall_ms / 1000:.1f} s", "wall time"),
    ]
    cells = "".join(f"<div class='figure'><b>{v}</b><span>{k}</span></div>" for v, k in items)
    return f"<div class='figures'>{cells}</div>"


def _misses_label(result: LoadResult) -> str:
    if result.config.spec_only:
        return "fixture expectation misses (--spec-only: not checked)"
    return "fixture expectation misses"


def _crashes(result: LoadResult) -> str:
    return "".join(
        f"<p class='breach'>call stopped: {html.escape(message)}</p>"
        for message in result.stats.crashes
    )


def _charts(rows: list[SeriesRow]) -> str:
    if not rows:
        return "<p>No interval was sampled.</p>"
    size = math.ceil(len(rows) / MAX_POINTS)
    times = downsample([row.t_s for row in rows], size, keep_peaks=True)

    def values(name: str, *, peaks: bool = False) -> list[float]:
        return downsample([float(getattr(row, name)) for row in rows], size, keep_peaks=peaks)

    grouped = f" Each point is {size} intervals (mean; max for p99)." if size > 1 else ""
    return (
        f"<p>Per interval of {INTERVAL_MS / 1000:g} s.{grouped}</p>"
        + line_chart(
            "Throughput",
            "per second",
            times,
            [
                Line("callbacks/s", "#1e88e5", values("callbacks_per_s")),
                Line("calls started/s", "#8e24aa", _per_second(rows, size)),
            ],
        )
        + line_chart(
            "Answer latency",
            "ms",
            times,
            [
                Line("p50", "#1b7f3b", values("p50_ms")),
                Line("p99", "#e69500", values("p99_ms", peaks=True)),
            ],
        )
        + line_chart(
            "Errors, spec violations and fixture expectation misses",
            "per interval",
            times,
            [
                Line("errors", "#d32f2f", values("errors")),
                Line("violations", "#6d4c41", values("violations")),
                Line("expectation misses", "#8e24aa", values("expectation_misses")),
            ],
        )
    )


def _per_second(rows: list[SeriesRow], size: int) -> list[float]:
    rates = [row.calls_started / row.seconds if row.seconds > 0 else 0.0 for row in rows]
    return downsample(rates, size, keep_peaks=False)


def _latency_table(result: LoadResult) -> str:
    stats = result.stats
    header = "".join(f"<th>p{p}</th>" for p in PERCENTS)
    rows = [*sorted(stats.by_kind.items()), ("all", stats.latency)]
    body = "".join(_latency_row(kind, histogram) for kind, histogram in rows)
    return (
        f"<table><tr><th>content_type</th><th>callbacks</th>{header}<th>max</th></tr>{body}</table>"
    )


def _latency_row(kind: str, histogram: Histogram) -> str:
    cells = "".join(f"<td class='num'>{histogram.percentile_ms(p):.1f}</td>" for p in PERCENTS)
    name = f"<b>{kind}</b>" if kind == "all" else html.escape(kind)
    return (
        f"<tr><td>{name}</td><td class='num'>{histogram.count:,}</td>{cells}"
        f"<td class='num'>{histogram.max_ms:.1f}</td></tr>"
    )


def _rules_table(result: LoadResult) -> str:
    stats = result.stats
    rows = [
        f"<tr><td>{html.escape(rule)}</td><td class='{style}'>{label}</td>"
        f"<td class='num'>{count:,}</td></tr>"
        for label, counter, style in (
            ("error", stats.errors, "error"),
            ("violation", stats.violations, "error"),
            ("fixture expectation", stats.expectations, "warning"),
            ("warning", stats.warnings, "warning"),
        )
        for rule, count in counter.most_common()
    ]
    if not rows:
        return "<h2>Findings by rule</h2><p>None: every answer was valid.</p>"
    head = "<tr><th>rule</th><th>kind</th><th>count</th></tr>"
    return f"<h2>Findings by rule</h2><table>{head}{''.join(rows)}</table>"


def _slowest_table(result: LoadResult) -> str:
    slowest = result.stats.slowest
    if not slowest:
        return ""
    head = "<tr><th>latency</th><th>scenario</th><th>turn</th><th>content_type</th><th>action</th></tr>"
    rows = "".join(
        f"<tr><td class='num'>{s.latency_ms:.1f} ms</td><td>{html.escape(s.scenario)}</td>"
        f"<td class='num'>{s.turn}</td><td>{html.escape(s.kind)}</td>"
        f"<td>{html.escape(s.action)}</td></tr>"
        for s in slowest
    )
    return f"<h2>Slowest turns</h2><table>{head}{rows}</table>"
