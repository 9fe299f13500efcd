"""The HTML report: one self-contained file (no network), a summary then one section per call.

The summary lists every call with its verdict and, for a failed call, the first problem and where
it happened. Each call's section has a timeline picture (see :mod:`.html_timeline`) above its
transcript: every turn with what the platform sent, what the bot answered, its latency, and its
findings right there; failing turns are red and show the raw exchange unfolded.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from pathlib import Path

from vcall.simulator import __version__
from vcall.simulator.atomic import write_atomic
from vcall.simulator.findings import Finding, Severity
from vcall.simulator.model import to_params
from vcall.simulator.replay import CallResult, RunResult, Turn
from vcall.simulator.report_page import FONT_CSS, PAGE_CSS
from vcall.simulator.reports.html_timeline import COLOURS, clock, timeline_svg, turn_state
from vcall.simulator.speech import heard_as_answer
from vcall.simulator.text_safety import neutralize_controls

_CSS = (
    PAGE_CSS
    + """main{padding:20px 28px;max-width:1500px}
table.summary{border-collapse:collapse;background:#fff;width:100%;margin-bottom:14px;
 box-shadow:0 1px 2px #0002}
table.summary th,table.summary td{padding:6px 10px;border-bottom:1px solid #e6e8ec;text-align:left;
 vertical-align:top}
table.summary th{font-size:12px;color:#5b6475;font-weight:600}
table.summary td.name{min-width:12em}table.summary td.num{text-align:right;white-space:nowrap}
table.summary tr.failed td{background:#fdecec}table.summary td.problem{font-size:12.5px;color:#b71c1c}
table.summary tr.warning td{background:#fff8e6}table.summary td.problem.warning{color:#8a5a00}
table.summary td.detail{font-size:12.5px}.note{color:#5b6475;font-size:12.5px}
.counts{font-weight:600}.wrongpath{font-size:16px;font-weight:600;color:#b71c1c}
.every{margin:2px 0}.v{font-size:12px;font-weight:700;white-space:nowrap}.v.passed{color:#1b7f3b}
.v.failed{color:#d32f2f}.v.no-answer,.v.not-run{color:#8a5a00}.v.not-reached{color:#5b6475}
.badge{display:inline-block;padding:1px 8px;border-radius:3px;color:#fff;font-weight:700;
 font-size:12px;white-space:nowrap}.badge.pass{background:#1b7f3b}.badge.fail{background:#d32f2f}
.legend{margin:0 0 18px;font-size:12px;color:#5b6475}.legend span{margin-right:14px;white-space:nowrap}
.sw{width:12px;height:10px;display:inline-block;vertical-align:middle;margin-right:4px;border-radius:2px}
section.call{background:#fff;margin:0 0 22px;box-shadow:0 1px 2px #0002;border-top:4px solid #1b7f3b}
section.call.failed{border-top-color:#d32f2f}
section.call>h2{margin:0;padding:10px 18px;font-size:17px;display:flex;gap:10px;align-items:center}
section.call.failed>h2{background:#fdecec;color:#b71c1c}
.sub{color:#5b6475;font-size:12.5px;padding:6px 18px 0}
.callfindings{margin:8px 18px 0;padding:6px 10px;background:#fdecec;border-left:4px solid #d32f2f}
.callfindings.warning{background:#fff8e6;border-left-color:#e69500}
div.picture{overflow-x:auto;padding:6px 10px 0}
svg.timeline{display:block;width:100%;min-width:820px;height:auto}
svg.timeline a{cursor:pointer}
.transcript{padding:4px 18px 14px}
.turn{display:grid;grid-template-columns:62px minmax(0,1fr) minmax(0,1.25fr);column-gap:14px;
 border-top:1px solid #eef0f3;padding:6px 8px;border-left:4px solid transparent}
.turn.failed{background:#fff4f4;border-left-color:#d32f2f}.turn.warning{border-left-color:#e69500}
.turn:target{outline:2px solid #1e88e5}
.turn .t{color:#5b6475;font-family:ui-monospace,monospace;font-size:12px;padding-top:1px}
.kind{font-weight:600}.answer{color:#4a148c}.heard{color:#2e7d32;font-size:12px}.latency{color:#5b6475;font-size:12px;white-space:nowrap}
.turn .more{grid-column:2 / 4}
.finding{font-size:12.5px;margin:2px 0}.finding.error{color:#b71c1c}.finding.warning{color:#8a5a00}
.sev{font-weight:700;text-transform:uppercase;font-size:10.5px;padding:0 4px;border-radius:2px;
 color:#fff;margin-right:4px}.error .sev{background:#d32f2f}.warning .sev{background:#e69500}
.rule{font-family:ui-monospace,monospace;font-size:11.5px}
details{margin-top:2px}.notes{margin-top:8px;font-size:12.5px;color:#5b6475}.notes ul{margin:4px 0 0 18px;padding:0}summary{cursor:pointer;color:#5b6475;font-size:12px}
pre{background:#f3f4f7;padding:6px;white-space:pre-wrap;word-break:break-all;font-size:11.5px;
 margin:4px 0;max-height:16em;overflow:auto}
"""
)
_LEGEND = (
    ("speech", "caller speech"),
    ("bargein", "barge-in (over playback)"),
    ("early", "early media speech"),
    ("silence", "silence / waiting"),
    ("keys", "keys"),
    ("playback", "bot playback"),
    ("interrupted", "playback cut short"),
    ("ok", "callback (label: its answer's latency)"),
    ("warning", "answer with warnings"),
    ("failed", "failing answer"),
)
_SUMMARY_HEAD = (
    "result",
    "call",
    "first problem",
    "turns",
    "ended by",
    "errors",
    "expectation misses",
    "warnings",
    "call time",
    "max latency",
)


def render_html(
    run: RunResult,
    title: str = "vcall report",
    extra_html: str = "",
    headline: tuple[bool, str] | None = None,
    tests: Sequence[str] = (),
) -> str:
    """The whole report as one HTML document; ``extra_html`` (a section, e.g. coverage) goes
    first; ``headline``: (failed, text) for the header's verdict instead of the calls' count
    (``check`` counts behaviours); ``tests``: the test that drove each call, in order (the
    pytest plugin)."""
    sections = "".join(
        _call_section(call, index, run.strict, tests[index] if index < len(tests) else "")
        for index, call in enumerate(run.calls)
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{_e(title)}</title><style>{_CSS}{FONT_CSS}</style></head><body>"
        f"{_page_header(run, title, headline)}<main>{extra_html}{_summary_table(run)}{_legend()}{sections}</main>"
        "</body></html>\n"
    )


def write_html_report(
    run: RunResult,
    path: str | Path,
    title: str = "vcall report",
    extra_html: str = "",
    headline: tuple[bool, str] | None = None,
    tests: Sequence[str] = (),
) -> None:
    write_atomic(path, render_html(run, title, extra_html, headline, tests))


def _e(text: object) -> str:
    """HTML-escaped, control characters shown as escapes (a bot's ``ESC`` in a page that may
    be ``cat``-ed)."""
    return html.escape(neutralize_controls(str(text), keep_newlines=True), quote=True)


def _page_header(run: RunResult, title: str, headline: tuple[bool, str] | None = None) -> str:
    interrupted = " · interrupted" if run.interrupted else ""
    meta = (
        f"vcall {__version__} · {len(run.calls)} call(s) · {run.wall_ms / 1000:.2f} s{interrupted}"
    )
    if headline is not None:
        failed, text = headline
        verdict = f"<div class='verdict {'fail' if failed else 'pass'}'>{_e(text)}</div>"
    elif run.failed:
        verdict = f"<div class='verdict fail'>{run.failed} of {len(run.calls)} call(s) FAILED</div>"
    else:
        verdict = f"<div class='verdict pass'>all {len(run.calls)} call(s) passed</div>"
    return f"<header><div><h1>{_e(title)}</h1><div class='meta'>{_e(meta)}</div></div>{verdict}</header>"


# --- summary ------------------------------------------------------------------------------------


def _summary_table(run: RunResult) -> str:
    head = "".join(f"<th>{name}</th>" for name in _SUMMARY_HEAD)
    rows = "".join(_summary_row(call, index, run.strict) for index, call in enumerate(run.calls))
    return f"<table class='summary'><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _summary_row(call: CallResult, index: int, strict: bool) -> str:
    failed = call.failed(strict)
    cells = (
        _badge(failed),
        f"<a href='#call-{index}'>{_e(call.scenario.name)}</a>",
        _e(first_problem(call, strict)),
        str(len(call.turns)),
        _e(call.end_reason or "—"),
        str(call.spec_errors),
        str(call.expectation_misses),
        str(call.count(Severity.WARNING)),
        clock(call.duration_ms),
        _max_latency(call),
    )
    warned = not failed and call.count(Severity.WARNING) > 0
    if warned:  # the first warning, drawn as a warning (never in error red)
        cells = (cells[0], cells[1], _e(first_problem(call, strict=True)), *cells[3:])
    problem = "problem warning" if warned else "problem"
    classes = ("", "name", problem, "num", "", "num", "num", "num", "num", "num")
    tds = "".join(f"<td class='{c}'>{cell}</td>" for c, cell in zip(classes, cells, strict=True))
    return (
        f"<tr class='{'failed' if failed else 'passed warning' if warned else 'passed'}'>{tds}</tr>"
    )


def first_problem(call: CallResult, strict: bool = False) -> str:
    """Where a failed call first went wrong, in one line (empty for a call that passed)."""
    for turn in call.turns:
        shown = _failing(turn.findings, strict)
        if shown:
            where = (
                f"turn {turn.number} ({turn.callback.kind.value} at {clock(turn.callback.at_ms)})"
            )
            return f"{where}: [{shown[0].rule}] {shown[0].message}"
    shown = _failing(call.call_findings, strict)
    return f"call: [{shown[0].rule}] {shown[0].message}" if shown else ""


def _failing(findings: tuple[Finding, ...], strict: bool) -> list[Finding]:
    return [f for f in findings if (strict and not f.is_info) or f.is_error]  # info never fails


def _badge(failed: bool) -> str:
    return (
        "<span class='badge fail'>FAILED</span>"
        if failed
        else "<span class='badge pass'>passed</span>"
    )


def _legend() -> str:
    spans = "".join(
        f"<span><i class='sw' style='background:{COLOURS[key]}'></i>{label}</span>"
        for key, label in _LEGEND
    )
    return f"<div class='legend'>{spans}</div>"


# --- one call -----------------------------------------------------------------------------------


def _call_section(call: CallResult, index: int, strict: bool, test: str = "") -> str:
    failed = call.failed(strict)
    anchor = f"call-{index}"
    turns = "".join(_turn_block(turn, anchor, strict) for turn in call.turns)
    driven = f"<div class='sub test'>test: <code>{_e(test)}</code></div>" if test else ""
    return (
        f"<section class='call{' failed' if failed else ''}' id='{anchor}'>"
        f"<h2>{_badge(failed)} {_e(call.scenario.name)}</h2><div class='sub'>{_e(_sub(call))}</div>"
        f"{driven}"
        f"{_call_findings(call)}<div class='picture'>{timeline_svg(call, anchor, strict)}</div>"
        f"<div class='transcript'>{turns}</div>{_notes(call)}{_app_output(call)}</section>"
    )


def _app_output(call: CallResult) -> str:
    """What an in-process app printed or logged while it answered (its tracebacks too)."""
    if not call.app_output:
        return ""
    blocks = "".join(f"<pre>{_e(entry)}</pre>" for entry in call.app_output)
    return (
        f"<details class='notes app-output' open><summary>the app's own output "
        f"({len(call.app_output)})</summary>{blocks}</details>"
    )


def _notes(call: CallResult) -> str:
    """What the platform model observed (a key ignored, a play queued), folded away."""
    if not call.notes:
        return ""
    items = "".join(
        f"<li><span class='t'>{clock(note.at_ms)}</span> {_e(note.message)}</li>"
        for note in call.notes
    )
    return f"<details class='notes'><summary>platform model notes ({len(call.notes)})</summary><ul>{items}</ul></details>"


def _sub(call: CallResult) -> str:
    where = f"{call.scenario.file} · " if call.scenario.file else ""
    ended = f"ended by {call.end_reason} at {clock(call.duration_ms)}" if call.end_reason else ""
    return f"{where}call_id {call.call_id} · {ended}"


def _call_findings(call: CallResult) -> str:
    if not call.call_findings:
        return ""
    worst = "" if any(f.is_error for f in call.call_findings) else " warning"
    return (
        f"<div class='callfindings{worst}'>{''.join(_finding(f) for f in call.call_findings)}</div>"
    )


def _turn_block(turn: Turn, anchor: str, strict: bool) -> str:
    state = turn_state(turn, strict)
    findings = "".join(_finding(finding) for finding in turn.findings)
    return (
        f"<div class='turn {state}' id='{anchor}-turn-{turn.number}'>"
        f"<div class='t'>{clock(turn.callback.at_ms)}</div>"
        f"<div><span class='kind'>→ {_e(turn.callback.kind.value)}</span> {_e(_said(turn))}</div>"
        f"<div class='answer'>← {_e(_answer(turn))} <span class='latency'>"
        f"{turn.exchange.latency_ms:.0f} ms</span></div>{_heard_as(turn)}"
        f"<div class='more'>{findings}{_exchange_details(turn, state == 'failed')}</div></div>"
    )


def _exchange_details(turn: Turn, unfolded: bool) -> str:
    exchange = turn.exchange
    sent = json.dumps(dict(turn.callback.content), ensure_ascii=False)
    status = exchange.status if exchange.status is not None else "no response"
    if exchange.error is None:
        answer = exchange.body_text
    else:
        answer = f"{exchange.error}: {exchange.error_detail}"
    return (
        f"<details{' open' if unfolded else ''}><summary>request and raw response</summary>"
        f"<pre class='request'>{_e(exchange.method)} {_e(exchange.url)} ({_e(exchange.placement)})"
        f"\ncontent={_e(sent)}</pre><pre class='response'>HTTP {_e(status)}\n{_e(answer)}</pre>"
        "</details>"
    )


def _said(turn: Turn) -> str:
    content = turn.callback.content
    for key in ("words", "dtmf_digits", "caller"):
        if content.get(key):
            return f"“{content[key]}”" if key == "words" else f"{key}={content[key]}"
    return ""


def _answer(turn: Turn) -> str:
    if turn.exchange.error is not None:
        return f"no answer ({turn.exchange.error})"
    data = turn.data or {}
    code = str(data.get("action_code") or "")
    params = data.get("action_code_param")
    if params:
        code += f" {params if isinstance(params, str) else json.dumps(params, ensure_ascii=False)}"
    return f"{turn.action or '(no action)'} {code}".rstrip()


def _heard_as(turn: Turn) -> str:
    """What the caller hears of the answer, when the TTS front end reads it otherwise."""
    data = turn.data or {}
    values = to_params(data.get("action_code_param")) or {}
    reading = heard_as_answer(str(data.get("action_code") or ""), values)
    return f"<div class='heard'>heard as “{_e(reading)}”</div>" if reading else ""


def _finding(finding: Finding) -> str:
    path = f" {finding.path}" if finding.path else ""
    severity = finding.severity.value
    return (
        f"<div class='finding {severity}'><span class='sev'>{severity}</span>"
        f"<span class='rule'>{_e(finding.rule)}{_e(path)}</span>: {_e(finding.message)}</div>"
    )


def _max_latency(call: CallResult) -> str:
    latencies = [turn.exchange.latency_ms for turn in call.turns]
    return f"{max(latencies):.0f} ms" if latencies else "—"
