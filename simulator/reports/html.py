"""The HTML report: one self-contained file (no network), a summary then one section per call.

Each call gets a timeline picture (caller speech, bot playback, barge-ins, silences, keys, and the
callbacks with the latency of each answer) beside its transcript and findings, so a person sees at
a glance where a call went wrong.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from pathlib import Path

import vcall
from vcall.simulator.atomic import write_atomic
from vcall.simulator.findings import Finding, Severity
from vcall.simulator.results import CallResult, RunResult, Turn

WIDTH = 960
LANES = {"caller": 34, "bot": 74, "callbacks": 114}
HEIGHT = 150
_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","PingFang SC",sans-serif;margin:0;
 background:#f6f7f9;color:#1d2330}
header{background:#1d2330;color:#fff;padding:18px 28px}header h1{margin:0;font-size:20px}
header .meta{opacity:.75;font-size:13px}main{padding:20px 28px;max-width:1400px}
table.summary{border-collapse:collapse;background:#fff;width:100%;margin-bottom:24px;box-shadow:0 1px 2px #0001}
table.summary th,table.summary td{padding:6px 10px;border-bottom:1px solid #e6e8ec;text-align:left}
table.summary td.num{text-align:right}.pass{color:#11823b;font-weight:600}.fail{color:#c62828;font-weight:600}
section.call{background:#fff;margin:0 0 22px;padding:14px 18px;box-shadow:0 1px 2px #0001;border-left:5px solid #11823b}
section.call.failed{border-left-color:#c62828}section.call h2{margin:0 0 4px;font-size:17px}
.sub{color:#5b6475;font-size:12.5px;margin-bottom:8px}.cols{display:flex;gap:18px;flex-wrap:wrap}
.timeline{flex:1 1 600px;min-width:480px}.transcript{flex:1 1 420px;font-size:13px}
.turn{border-top:1px solid #eef0f3;padding:6px 0}.turn.failed{background:#fff5f5}
.turn .t{color:#5b6475;font-family:ui-monospace,monospace;font-size:12px}.kind{font-weight:600}
.answer{color:#6a1b9a}.finding{font-size:12.5px;margin:2px 0 0 14px}.finding.error{color:#c62828}
.finding.warning{color:#a86400}.rule{font-family:ui-monospace,monospace;font-size:11.5px;opacity:.85}
details{margin-top:4px}summary{cursor:pointer;color:#5b6475;font-size:12px}
pre{background:#f3f4f7;padding:6px;white-space:pre-wrap;word-break:break-all;font-size:11.5px;margin:4px 0}
.legend span{display:inline-block;margin-right:12px;font-size:12px}.sw{width:12px;height:10px;display:inline-block;
 vertical-align:middle;margin-right:4px;border-radius:2px}
"""
_COLOURS = {
    "speech": "#1e88e5",
    "bargein": "#f57c00",
    "playback": "#43a047",
    "interrupted": "#9e9d24",
    "silence": "#cfd8dc",
    "keys": "#8e24aa",
    "ok": "#455a64",
    "failed": "#c62828",
}


def render_html(run: RunResult, title: str = "vcall report") -> str:
    """The whole report as one HTML document."""
    calls = "\n".join(
        _call_section(call, index, run.strict) for index, call in enumerate(run.calls)
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{_e(title)}</h1><div class='meta'>{_e(_meta(run))}</div></header>"
        f"<main>{_summary_table(run)}{_legend()}{calls}</main></body></html>\n"
    )


def write_html_report(run: RunResult, path: str | Path) -> None:
    write_atomic(path, render_html(run))


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _meta(run: RunResult) -> str:
    state = " · interrupted" if run.interrupted else ""
    return (
        f"vcall {vcall.__version__} · {len(run.calls)} call(s): {run.passed} passed, {run.failed} failed"
        f" · {run.wall_ms / 1000:.2f} s{state}"
    )


def _summary_table(run: RunResult) -> str:
    rows = []
    for index, call in enumerate(run.calls):
        verdict = (
            "<span class='fail'>FAILED</span>"
            if call.failed(run.strict)
            else "<span class='pass'>passed</span>"
        )
        rows.append(
            f"<tr><td><a href='#call-{index}'>{_e(call.scenario.name)}</a></td><td>{verdict}</td>"
            f"<td class='num'>{len(call.turns)}</td><td>{_e(call.end_reason or '?')}</td>"
            f"<td class='num'>{call.count(Severity.ERROR)}</td><td class='num'>{call.count(Severity.WARNING)}</td>"
            f"<td class='num'>{_clock(call.duration_ms)}</td><td class='num'>{_max_latency(call)}</td></tr>"
        )
    head = "".join(
        f"<th>{name}</th>"
        for name in (
            "scenario",
            "result",
            "turns",
            "ended by",
            "errors",
            "warnings",
            "call time",
            "max latency",
        )
    )
    return f"<table class='summary'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _legend() -> str:
    items = [
        ("speech", "caller speech"),
        ("bargein", "barge-in (over playback)"),
        ("playback", "bot playback"),
        ("interrupted", "playback cut short"),
        ("silence", "silence"),
        ("keys", "keys"),
        ("failed", "callback with errors"),
    ]
    spans = "".join(
        f"<span><i class='sw' style='background:{_COLOURS[key]}'></i>{label}</span>"
        for key, label in items
    )
    return f"<div class='legend'>{spans}</div>"


def _call_section(call: CallResult, index: int, strict: bool) -> str:
    failed = call.failed(strict)
    where = f"{call.scenario.file} · " if call.scenario.file else ""
    sub = f"{where}call_id {call.call_id} · ended by {call.end_reason or '?'} at {_clock(call.duration_ms)}"
    findings = "".join(_finding(f) for f in call.call_findings)
    return (
        f"<section class='call{' failed' if failed else ''}' id='call-{index}'>"
        f"<h2>{'✗' if failed else '✓'} {_e(call.scenario.name)}</h2><div class='sub'>{_e(sub)}</div>{findings}"
        f"<div class='cols'><div class='timeline'>{timeline_svg(call)}</div>"
        f"<div class='transcript'>{''.join(_turn_block(turn) for turn in call.turns)}</div></div></section>"
    )


def _turn_block(turn: Turn) -> str:
    callback, exchange = turn.callback, turn.exchange
    content = json.dumps(dict(callback.content), ensure_ascii=False)
    answer = (
        exchange.body_text
        if exchange.error is None
        else f"no answer: {exchange.error} {exchange.error_detail}"
    )
    return (
        f"<div class='turn{' failed' if turn.failed else ''}'><span class='t'>{_clock(callback.at_ms)}</span> "
        f"<span class='kind'>→ {_e(callback.kind.value)}</span> {_e(_said(turn))}"
        f"<div class='answer'>← {_e(turn.action or '—')} {_e(_code(turn))} "
        f"<span class='t'>{exchange.latency_ms:.0f} ms</span></div>"
        f"{''.join(_finding(f) for f in turn.findings)}"
        f"<details><summary>request and raw response</summary><pre>{_e(content)}</pre><pre>{_e(answer)}</pre>"
        f"</details></div>"
    )


def _said(turn: Turn) -> str:
    content = turn.callback.content
    for key in ("words", "dtmf_digits", "caller"):
        if content.get(key):
            return f"“{content[key]}”" if key == "words" else f"{key}={content[key]}"
    return ""


def _code(turn: Turn) -> str:
    data = turn.data or {}
    code = data.get("action_code") or ""
    params = data.get("action_code_param")
    if params:
        code = f"{code} {params if isinstance(params, str) else json.dumps(params, ensure_ascii=False)}"
    return str(code)


def _finding(finding: Finding) -> str:
    path = f" {finding.path}" if finding.path else ""
    return (
        f"<div class='finding {finding.severity.value}'>{finding.severity.value} "
        f"<span class='rule'>{_e(finding.rule)}{_e(path)}</span>: {_e(finding.message)}</div>"
    )


# --- the timeline picture -----------------------------------------------------------------------


def timeline_svg(call: CallResult) -> str:
    """An SVG of the call: caller lane, bot lane, callbacks lane, with a time axis."""
    span = max(call.duration_ms, 1000, *(turn.callback.at_ms for turn in call.turns))
    scale = (WIDTH - 90) / span
    parts = [_lane_labels(), _axis(span, scale)]
    parts.extend(_event_shapes(call, scale))
    parts.extend(_callback_marks(call.turns, scale))
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {WIDTH} {HEIGHT}' width='100%' "
        f"role='img' aria-label='timeline of {_e(call.scenario.name)}'>{''.join(parts)}</svg>"
    )


def _x(ms: float, scale: float) -> float:
    return 80 + ms * scale


def _lane_labels() -> str:
    return "".join(
        f"<text x='4' y='{y + 4}' font-size='11' fill='#5b6475'>{name}</text>"
        f"<line x1='80' x2='{WIDTH - 10}' y1='{y}' y2='{y}' stroke='#eceff1'/>"
        for name, y in LANES.items()
    )


def _axis(span: int, scale: float) -> str:
    step = next(
        s for s in (1000, 2000, 5000, 10000, 30000, 60000, 120000, 300000) if span / s <= 12
    )
    ticks = []
    for ms in range(0, span + 1, step):
        x = _x(ms, scale)
        ticks.append(
            f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{HEIGHT - 22}' y2='{HEIGHT - 16}' stroke='#90a4ae'/>"
            f"<text x='{x:.1f}' y='{HEIGHT - 4}' font-size='10' text-anchor='middle' fill='#78909c'>{_clock(ms)}</text>"
        )
    return "".join(ticks)


def _event_shapes(call: CallResult, scale: float) -> Iterable[str]:
    for event in call.timeline:
        kind = str(event.kind)
        if kind in ("speech", "playback", "silence") and event.end_ms is not None:
            yield _bar(event, kind, scale)
        elif kind == "keys":
            x = _x(event.start_ms, scale)
            yield (
                f"<g><title>{_e(event.label)} at {_clock(event.start_ms)}</title>"
                f"<circle cx='{x:.1f}' cy='{LANES['caller']}' r='5' fill='{_COLOURS['keys']}'/>"
                f"<text x='{x:.1f}' y='{LANES['caller'] - 9}' font-size='10' text-anchor='middle'>"
                f"{_e(event.label)}</text></g>"
            )


def _bar(event: object, kind: str, scale: float) -> str:
    start = getattr(event, "start_ms", 0)
    end = getattr(event, "end_ms", start) or start
    detail = getattr(event, "detail", {})
    label = str(getattr(event, "label", ""))
    colour = _COLOURS[kind]
    if kind == "speech" and detail.get("over_playback"):
        colour = _COLOURS["bargein"]
    if kind == "playback" and detail.get("interrupted"):
        colour = _COLOURS["interrupted"]
    lane = LANES["bot"] if kind == "playback" else LANES["caller"]
    x, width = _x(start, scale), max((end - start) * scale, 2)
    text = (
        label
        if width > 7 * len(label)
        else label[: max(int(width / 7) - 1, 0)] + ("…" if width > 14 else "")
    )
    return (
        f"<g><title>{_e(kind)}: {_e(label)} ({_clock(start)}–{_clock(end)})</title>"
        f"<rect x='{x:.1f}' y='{lane - 9}' width='{width:.1f}' height='18' rx='3' fill='{colour}' opacity='.85'/>"
        f"<text x='{x + 3:.1f}' y='{lane + 4}' font-size='10.5' fill='#fff'>{_e(text)}</text></g>"
    )


def _callback_marks(turns: Iterable[Turn], scale: float) -> Iterable[str]:
    y = LANES["callbacks"]
    for turn in turns:
        x = _x(turn.callback.at_ms, scale)
        colour = _COLOURS["failed"] if turn.failed else _COLOURS["ok"]
        latency = turn.exchange.latency_ms
        yield (
            f"<g><title>turn {turn.number}: {turn.callback.kind.value} → {_e(turn.action or 'no answer')}, "
            f"answered in {latency:.0f} ms</title>"
            f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{LANES['caller'] - 12}' y2='{y + 8}' stroke='{colour}' "
            f"stroke-dasharray='2,2' opacity='.6'/><path d='M{x - 5:.1f},{y + 8} L{x + 5:.1f},{y + 8} L{x:.1f},{y - 2} Z' "
            f"fill='{colour}'/><text x='{x:.1f}' y='{y + 20}' font-size='9.5' text-anchor='middle' fill='{colour}'>"
            f"{_e(turn.callback.kind.value)} {latency:.0f}ms</text></g>"
        )


def _clock(ms: float) -> str:
    minutes, rest = divmod(int(ms), 60_000)
    return f"{minutes:02d}:{rest / 1000:04.1f}"


def _max_latency(call: CallResult) -> str:
    latencies = [turn.exchange.latency_ms for turn in call.turns]
    return f"{max(latencies):.0f} ms" if latencies else "—"
