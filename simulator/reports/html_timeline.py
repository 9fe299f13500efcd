"""The timeline picture of one call, as inline SVG for the HTML report.

Three lanes over a time axis: the caller (speech, barge-ins, silences, keys), the bot (what it
played, and where a playback was cut short), and the callbacks the platform sent, each marked with
the latency of its answer. A callback whose answer failed is drawn red across all lanes, so the
eye finds where the call went wrong; every mark links to its turn in the transcript.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from vcall.simulator.model import TimelineEvent, TimelineKind
from vcall.simulator.replay import CallResult, Turn
from vcall.simulator.text_safety import neutralize_controls

WIDTH = 1000
LEFT = 70
RIGHT = 28
HEIGHT = 178
CALLER_Y, BOT_Y, CALLBACK_Y = 30, 64, 98
LABEL_ROWS = (116, 128, 140)
AXIS_Y = 154
BAR_HALF = 10
FONT = 11.0
LABEL_FONT = 10.0
TICK_STEPS_MS = (1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000)
KEY_GROUP_MS = 800
"""Keys pressed closer together than this share one label (``1#``), so labels do not collide."""

COLOURS = {
    "speech": "#1e88e5",
    "bargein": "#ef6c00",
    "early": "#3949ab",
    "playback": "#43a047",
    "interrupted": "#9e9d24",
    "silence": "#dfe4e8",
    "keys": "#8e24aa",
    "ok": "#546e7a",
    "warning": "#e69500",
    "failed": "#d32f2f",
    "end": "#263238",
}


@dataclass(frozen=True, slots=True)
class Scale:
    """Maps call time (ms) to x in the picture."""

    span_ms: int

    @property
    def per_ms(self) -> float:
        return (WIDTH - LEFT - RIGHT) / self.span_ms

    def x(self, ms: float) -> float:
        return LEFT + ms * self.per_ms


def timeline_svg(call: CallResult, anchor: str, strict: bool = False) -> str:
    """The call's picture; ``anchor`` prefixes the ids of its turns (``{anchor}-turn-{n}``)."""
    scale = Scale(_span(call))
    parts = [
        _lanes(),
        _axis(scale),
        *_problem_bands(call.turns, scale, strict),
        *_event_shapes(call.timeline, scale),
        *_callback_marks(call.turns, scale, anchor, strict),
        _end_mark(call, scale, strict),
    ]
    label = f"timeline of {call.scenario.name}"
    return (
        f"<svg class='timeline' xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {WIDTH} {HEIGHT}' "
        f"role='img' aria-label='{_e(label)}'>{''.join(parts)}</svg>"
    )


def turn_state(turn: Turn, strict: bool) -> str:
    """``failed``, ``warning`` or ``ok``: how a turn's mark and block are coloured."""
    if any(strict or finding.is_error for finding in turn.findings):
        return "failed"
    return "warning" if turn.findings else "ok"


def _span(call: CallResult) -> int:
    ends = [event.end_ms or event.start_ms for event in call.timeline]
    starts = [turn.callback.at_ms for turn in call.turns]
    return max(call.duration_ms, 1000, *ends, *starts)


def _lanes() -> str:
    rows = (("caller", CALLER_Y), ("bot", BOT_Y), ("callbacks", CALLBACK_Y))
    return "".join(
        f"<text class='lane' x='4' y='{y + 4}' font-size='{FONT}' fill='#5b6475'>{name}</text>"
        f"<line x1='{LEFT}' x2='{WIDTH - RIGHT}' y1='{y}' y2='{y}' stroke='#eceff1'/>"
        for name, y in rows
    )


def _axis(scale: Scale) -> str:
    step = next((s for s in TICK_STEPS_MS if scale.span_ms / s <= 12), TICK_STEPS_MS[-1])
    ticks = [
        f"<line x1='{LEFT}' x2='{WIDTH - RIGHT}' y1='{AXIS_Y}' y2='{AXIS_Y}' stroke='#b0bec5'/>"
    ]
    for ms in range(0, scale.span_ms + 1, step):
        x = scale.x(ms)
        ticks.append(
            f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{AXIS_Y}' y2='{AXIS_Y + 5}' stroke='#90a4ae'/>"
            f"<text x='{x:.1f}' y='{AXIS_Y + 17}' font-size='{LABEL_FONT}' text-anchor='middle' "
            f"fill='#78909c'>{clock(ms)}</text>"
        )
    return "".join(ticks)


# --- what the caller and the bot did ------------------------------------------------------------


def _event_shapes(events: Sequence[TimelineEvent], scale: Scale) -> Iterator[str]:
    for event in events:
        if event.end_ms is not None and event.kind in _BAR_KINDS:
            yield _bar(event, scale)
    yield from _key_marks([event for event in events if event.kind is TimelineKind.KEYS], scale)


_BAR_KINDS = frozenset({TimelineKind.SPEECH, TimelineKind.PLAYBACK, TimelineKind.SILENCE})


def _bar(event: TimelineEvent, scale: Scale) -> str:
    start, end = event.start_ms, event.end_ms or event.start_ms
    style, what = _bar_style(event)
    y = BOT_Y if event.kind is TimelineKind.PLAYBACK else CALLER_Y
    x, width = scale.x(start), max((end - start) * scale.per_ms, 2.0)
    text = "" if style == "silence" else fit_text(event.label, width - 6, FONT)
    return (
        f"<g class='{style}'><title>{_e(what)}: {_e(event.label)} ({clock(start)}–{clock(end)})"
        f"</title><rect x='{x:.1f}' y='{y - BAR_HALF}' width='{width:.1f}' "
        f"height='{2 * BAR_HALF}' rx='3' fill='{COLOURS[style]}'/>"
        f"{_cut_edge(x + width, y) if style == 'interrupted' else ''}"
        f"<text x='{x + 3:.1f}' y='{y + 4}' font-size='{FONT}' fill='#fff'>{_e(text)}</text></g>"
    )


def _bar_style(event: TimelineEvent) -> tuple[str, str]:
    """The CSS class / colour key of a bar, and what a tooltip calls it."""
    detail = event.detail
    if event.kind is TimelineKind.SILENCE:
        return "silence", "silence" if event.label == "silence" else "caller waits"
    if event.kind is TimelineKind.PLAYBACK:
        if detail.get("interrupted"):
            return "interrupted", f"playback cut short ({detail.get('reason', 'interrupted')})"
        return "playback", "bot playback"
    if detail.get("barge_in"):
        return "bargein", "caller barges in"
    return ("early", "early media speech") if detail.get("early_media") else ("speech", "caller")


def _cut_edge(x: float, y: int) -> str:
    """A jagged right edge on a playback that was cut short."""
    top, bottom = y - BAR_HALF, y + BAR_HALF
    points = f"{x:.1f},{top} {x + 4:.1f},{y - 5} {x:.1f},{y} {x + 4:.1f},{y + 5} {x:.1f},{bottom}"
    return f"<polyline points='{points}' fill='none' stroke='#5d4037' stroke-width='1.5'/>"


def _key_marks(keys: Sequence[TimelineEvent], scale: Scale) -> Iterator[str]:
    for group in _key_groups(keys):
        circles = "".join(
            f"<circle cx='{scale.x(key.start_ms):.1f}' cy='{CALLER_Y}' r='5' "
            f"fill='{COLOURS['keys']}' stroke='#fff'/>"
            for key in group
        )
        digits = "".join(key.label for key in group)
        x = scale.x(group[0].start_ms)
        yield (
            f"<g class='keys'><title>keys {_e(digits)} at {clock(group[0].start_ms)}</title>"
            f"{circles}<text x='{x:.1f}' y='{CALLER_Y - BAR_HALF - 3}' font-size='{FONT}' "
            f"font-weight='600' fill='{COLOURS['keys']}'>{_e(digits)}</text></g>"
        )


def _key_groups(keys: Sequence[TimelineEvent]) -> list[list[TimelineEvent]]:
    groups: list[list[TimelineEvent]] = []
    for key in keys:
        if groups and key.start_ms - groups[-1][-1].start_ms < KEY_GROUP_MS:
            groups[-1].append(key)
        else:
            groups.append([key])
    return groups


# --- the callbacks ------------------------------------------------------------------------------


def _problem_bands(turns: Iterable[Turn], scale: Scale, strict: bool) -> Iterator[str]:
    """A red band behind every failing callback, across all lanes: the first thing one sees."""
    for turn in turns:
        if turn_state(turn, strict) == "failed":
            x = scale.x(turn.callback.at_ms)
            yield (
                f"<rect class='problem' x='{x - 7:.1f}' y='4' width='14' "
                f"height='{CALLBACK_Y + 10}' fill='{COLOURS['failed']}' opacity='.14'/>"
            )


def _callback_marks(
    turns: Sequence[Turn], scale: Scale, anchor: str, strict: bool
) -> Iterator[str]:
    row_ends = [float("-inf")] * len(LABEL_ROWS)
    for turn in turns:
        x = scale.x(turn.callback.at_ms)
        label = _mark_label(turn, strict)
        row = _free_row(row_ends, x - text_width(label, LABEL_FONT) / 2)
        row_ends[row] = x + text_width(label, LABEL_FONT) / 2 + 4
        yield _callback_mark(turn, x, LABEL_ROWS[row], label, anchor, strict)


def _free_row(row_ends: list[float], left: float) -> int:
    """The first label row whose last label ends before ``left`` (else the one ending first)."""
    for row, end in enumerate(row_ends):
        if end <= left:
            return row
    return row_ends.index(min(row_ends))


def _mark_label(turn: Turn, strict: bool) -> str:
    latency = turn.exchange.latency_ms
    answer = f"{latency:.0f} ms" if turn.exchange.error is None else turn.exchange.error
    label = f"{turn.callback.kind.value} {answer}"
    return f"✗ {label}" if turn_state(turn, strict) == "failed" else label


def _callback_mark(
    turn: Turn, x: float, label_y: int, label: str, anchor: str, strict: bool
) -> str:
    state = turn_state(turn, strict)
    colour = COLOURS[state]
    size = 7 if state == "failed" else 5
    y = CALLBACK_Y
    line = "stroke-width='2'" if state == "failed" else "stroke-dasharray='2,3' opacity='.55'"
    weight = " font-weight='700'" if state == "failed" else ""
    return (
        f"<a href='#{anchor}-turn-{turn.number}'><g class='callback {state}'>"
        f"<title>{_e(_mark_title(turn))}</title>"
        f"<line x1='{x:.1f}' x2='{x:.1f}' y1='6' y2='{y}' stroke='{colour}' {line}/>"
        f"<path d='M{x - size:.1f},{y + size} L{x + size:.1f},{y + size} L{x:.1f},{y - size} Z' "
        f"fill='{colour}'/><text x='{x:.1f}' y='{label_y}' font-size='{LABEL_FONT}' "
        f"text-anchor='middle' fill='{colour}'{weight}>{_e(label)}</text></g></a>"
    )


def _mark_title(turn: Turn) -> str:
    action = turn.action or "no usable answer"
    head = (
        f"turn {turn.number} at {clock(turn.callback.at_ms)}: {turn.callback.kind.value} → "
        f"{action}, answered in {turn.exchange.latency_ms:.0f} ms"
    )
    return "\n".join([head, *(f"{f.severity.value} [{f.rule}] {f.message}" for f in turn.findings)])


def _end_mark(call: CallResult, scale: Scale, strict: bool) -> str:
    if call.end_reason is None:
        return ""
    x = scale.x(call.duration_ms)
    bad = any(strict or finding.is_error for finding in call.call_findings)
    colour = COLOURS["failed" if bad else "end"]
    return (
        f"<g class='end{' failed' if bad else ''}'><title>call ended by {_e(call.end_reason)} at "
        f"{clock(call.duration_ms)}</title><line x1='{x:.1f}' x2='{x:.1f}' y1='6' y2='{AXIS_Y}' "
        f"stroke='{colour}' stroke-width='2'/><text x='{x - 4:.1f}' y='12' "
        f"font-size='{LABEL_FONT}' text-anchor='end' fill='{colour}'>"
        f"■ {_e(call.end_reason)}</text></g>"
    )


# --- text ---------------------------------------------------------------------------------------


def text_width(text: str, size: float) -> float:
    """About how wide ``text`` renders: CJK characters take a full em, the rest ~0.6 em."""
    return sum(size if unicodedata.east_asian_width(char) in "WF" else size * 0.6 for char in text)


def fit_text(text: str, width: float, size: float) -> str:
    """``text``, cut with an ellipsis so it fits in ``width``; empty when not even one fits."""
    if text_width(text, size) <= width:
        return text
    room = width - size
    kept = ""
    for char in text:
        if text_width(kept + char, size) > room:
            break
        kept += char
    return f"{kept}…" if kept else ""


def clock(ms: float) -> str:
    """``mm:ss.s`` of call time."""
    minutes, rest = divmod(int(ms), 60_000)
    return f"{minutes:02d}:{rest / 1000:04.1f}"


def _e(text: object) -> str:
    """HTML-escaped, control characters shown as escapes (a bot's ``ESC`` in a page that may
    be ``cat``-ed)."""
    return html.escape(neutralize_controls(str(text), keep_newlines=True), quote=True)
