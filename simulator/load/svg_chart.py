"""A small self-contained SVG line chart (no script, no fonts to fetch) for the HTML load report."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 900, 230
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 26, 34
MAX_POINTS = 600
"""Longer series are drawn in groups of consecutive intervals (see :func:`downsample`)."""


@dataclass(frozen=True, slots=True)
class Line:
    label: str
    colour: str
    values: Sequence[float]


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^n at or above ``value`` (an axis's top)."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def downsample(values: Sequence[float], size: int, *, keep_peaks: bool) -> list[float]:
    """``values`` in ``ceil(len / size)`` groups: each group's mean, or its max (``keep_peaks``)."""
    if size <= 1:
        return list(values)
    groups = [values[start : start + size] for start in range(0, len(values), size)]
    if keep_peaks:
        return [max(group) for group in groups]
    return [sum(group) / len(group) for group in groups]


def line_chart(title: str, unit: str, times_s: Sequence[float], lines: Sequence[Line]) -> str:
    """An SVG chart of ``lines`` over ``times_s`` (same length), with axes, grid and legend."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    end_s = max(times_s[-1] if times_s else 0.0, 1e-9)
    top = nice_ceiling(max((max(line.values, default=0.0) for line in lines), default=0.0))
    parts = [
        f"<svg class='chart' viewBox='0 0 {WIDTH} {HEIGHT}' xmlns='http://www.w3.org/2000/svg' "
        f"role='img' aria-label='{html.escape(title)}'>",
        f"<text x='{LEFT}' y='16' class='title'>{html.escape(title)} ({html.escape(unit)})</text>",
    ]
    for tick in range(5):
        value = top * tick / 4
        y = TOP + plot_h - plot_h * tick / 4
        parts.append(
            f"<line x1='{LEFT}' x2='{WIDTH - RIGHT}' y1='{y:.1f}' y2='{y:.1f}' class='grid'/>"
        )
        parts.append(f"<text x='{LEFT - 6}' y='{y + 4:.1f}' class='ytick'>{value:g}</text>")
    for tick in range(6):
        seconds = end_s * tick / 5
        x = LEFT + plot_w * tick / 5
        parts.append(f"<text x='{x:.1f}' y='{HEIGHT - 12}' class='xtick'>{_clock(seconds)}</text>")
    for index, line in enumerate(lines):
        points = " ".join(
            f"{LEFT + plot_w * t / end_s:.1f},{TOP + plot_h - plot_h * min(v / top, 1.0):.1f}"
            for t, v in zip(times_s, line.values, strict=True)
        )
        parts.append(
            f"<polyline points='{points}' fill='none' stroke='{line.colour}' stroke-width='1.6'/>"
        )
        legend_x = WIDTH - RIGHT - 170 * (len(lines) - index)
        parts.append(
            f"<rect x='{legend_x}' y='7' width='12' height='10' fill='{line.colour}'/>"
            f"<text x='{legend_x + 16}' y='16' class='legend'>{html.escape(line.label)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _clock(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}:{rest:02d}" if minutes else f"{seconds:.3g}s"


CHART_CSS = """
svg.chart{display:block;width:100%;max-width:900px;height:auto;background:#fff;margin:0 0 14px;
 box-shadow:0 1px 2px #0002}
svg.chart .grid{stroke:#e6e8ec}svg.chart text{font-size:11px;fill:#5b6475}
svg.chart .title{font-size:13px;font-weight:600;fill:#1d2330}
svg.chart .ytick{text-anchor:end}svg.chart .xtick{text-anchor:middle}
"""
