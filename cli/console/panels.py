"""What the console prints: one compact panel per answer, ``/show``, ``/state`` and ``/help``."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from rich.console import Group, RenderableType
from rich.json import JSON
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from vcall.cli.console.commands import COMMANDS
from vcall.cli.console.toolbar import elapsed_text, shorten
from vcall.cli.render.transcript import clock_text
from vcall.simulator.findings import Finding, Severity, has_errors
from vcall.simulator.fixture import CallSettings, format_duration
from vcall.simulator.live import CallStatus, SettingChange, TurnSummary, redact_target
from vcall.simulator.replay import Turn
from vcall.simulator.spec import CallbackKind
from vcall.simulator.speech import heard_as

PANEL_WIDTH = 100
"""Panels are at most this wide (narrower terminals: their width)."""
TITLE_HEARD_WIDTH = 40
"""What a callback reports is cut to this many terminal cells in a panel's title."""
SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
SEVERITY_MARK = {Severity.ERROR: "✗ error", Severity.WARNING: "! warning", Severity.INFO: "i info"}


def _grid() -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    return grid


# --- one answer -------------------------------------------------------------------------------


def turn_panel(summary: TurnSummary, notes: Sequence[str] = (), width: int = PANEL_WIDTH) -> Panel:
    """The callback, what the endpoint answered, what changed, what is wrong with it."""
    grid = _grid()
    grid.add_row(*_action_row(summary))
    reading = heard_as(summary.plays)
    if (
        reading
    ):  # what a TTS front end makes of numbers, identifiers, dates (vcall.simulator.speech)
        grid.add_row(Text("heard as", style="dim"), Text(reading, style="dim green"))
    if summary.settings:
        grid.add_row(Text("settings", style="dim"), _settings_text(summary.settings))
    if summary.problem:
        grid.add_row(Text("✗ no use", style="bold red"), Text(summary.problem, style="red"))
    for finding in summary.findings:
        grid.add_row(*finding_row(finding))
    for note in notes:
        grid.add_row(Text("note", style="dim"), Text(note, style="dim"))
    return Panel(
        grid,
        title=_title(summary),
        title_align="left",
        subtitle=_subtitle(summary),
        subtitle_align="right",
        border_style=_border(summary.findings, summary.problem),
        width=width,
    )


def _title(summary: TurnSummary) -> Text:
    title = Text.assemble(("→ ", "cyan"), (summary.kind.value, "bold cyan"))
    if summary.heard and summary.kind is CallbackKind.TIMEBREAK:  # the bot's prompt, not words
        title.append(f" · the caller talked over {shorten(summary.heard, TITLE_HEARD_WIDTH)}")
    elif summary.heard:
        title.append(f" “{shorten(summary.heard, TITLE_HEARD_WIDTH)}”")
    title.append(f"  {clock_text(summary.at_ms)}", style="dim")
    return title


def _subtitle(summary: TurnSummary) -> Text:
    status = "" if summary.status in (None, 200) else f"HTTP {summary.status} · "
    return Text(f"{status}{summary.latency_ms:.0f}ms", style="dim")


def _border(findings: Sequence[Finding], problem: str | None) -> str:
    if problem or has_errors(findings):
        return "red"
    return "yellow" if findings else "green"


def _action_row(summary: TurnSummary) -> tuple[Text, Text]:
    action = Text(summary.action or "?", style="bold magenta")
    if summary.plays:
        heard = Text(" + ".join(summary.plays), style="green")
    else:
        heard = Text("(plays nothing)", style="dim")
    if summary.transfer_to:
        heard.append(f"  → {summary.transfer_to}", style="bold")
    return action, heard


def _settings_text(settings: Iterable[SettingChange]) -> Text:
    text = Text()
    for index, change in enumerate(settings):
        if index:
            text.append(" · ", style="dim")
        text.append(f"{change.name} ", style="dim")
        text.append(change.value, style="yellow" if change.previous is not None else "")
        why = [f"was {change.previous}"] if change.previous is not None else []
        if change.asked is not None:
            why.append(f"asked {change.asked}: out of range")
        if why:
            text.append(f" ({'; '.join(why)})", style="dim")
    return text


def finding_row(finding: Finding) -> tuple[Text, Text]:
    mark = Text(SEVERITY_MARK[finding.severity], style=SEVERITY_STYLE[finding.severity])
    where = f"{finding.rule}" + (f" {finding.path}" if finding.path else "")
    return mark, Text.assemble((where, "dim"), (": ", "dim"), finding.message)


# --- /show ------------------------------------------------------------------------------------


def exchange_view(turn: Turn, width: int = PANEL_WIDTH) -> Group:
    """The last request (its four parameters) and the raw response."""
    exchange = turn.exchange
    request = _grid()
    for name, value in exchange.params.items():
        request.add_row(
            Text(name, style="cyan"), _pretty(value) if name == "content" else Text(value)
        )
    where = f"{exchange.method} {redact_target(exchange.url)} ({exchange.placement})"
    response: RenderableType
    if exchange.error is not None:
        response = Text(
            f"no response: {exchange.error} {exchange.error_detail}".rstrip(), style="red"
        )
    else:
        response = _pretty(exchange.body_text)
    status = "no response" if exchange.status is None else f"HTTP {exchange.status}"
    return Group(
        Panel(request, title=f"request · {escape(where)}", title_align="left", width=width),
        Panel(
            response,
            title=f"response · {status} · {exchange.latency_ms:.0f}ms",
            title_align="left",
            width=width,
        ),
    )


def _pretty(text: str) -> RenderableType:
    try:
        data = json.loads(text)
    except ValueError:
        return Text(text or "(empty body)")
    return JSON.from_data(data, ensure_ascii=False)


# --- /state -----------------------------------------------------------------------------------


def state_view(
    status: CallStatus, call_id: str, settings: CallSettings, width: int = PANEL_WIDTH
) -> Panel:
    grid = _state_grid(status, call_id, settings)
    return Panel(grid, title="state", title_align="left", width=width)


def _state_grid(status: CallStatus, call_id: str, settings: CallSettings) -> Table:
    grid = _grid()
    grid.add_row(
        Text("call", style="cyan"), Text(f"{settings.direction.value} · call_id {call_id}")
    )
    grid.add_row(Text("elapsed", style="cyan"), Text(elapsed_text(status.elapsed_ms)))
    grid.add_row(Text("playing", style="cyan"), _playing_text(status))
    keys = status.keys
    waiting = f"yes: {keys.collected or '(none yet)'}" if keys else "no"
    grid.add_row(Text("keys", style="cyan"), Text(f"waiting for keys: {waiting}"))
    grid.add_row(Text("dynamic_id", style="cyan"), Text(status.dynamic_id or "(none)"))
    grid.add_row(Text("settings", style="cyan"), Text(_settings_line(status)))
    if status.ended or status.closing:
        reason = status.end_reason or status.closing
        label = "ended" if status.ended else "ending"
        grid.add_row(
            Text(label, style="cyan"), Text(reason.value if reason else "?", style="yellow")
        )
    return grid


def _playing_text(status: CallStatus) -> Text:
    playing = status.playing
    if playing is None:
        return Text(
            "nothing" if status.answered else "nothing yet: the call is not answered", style="dim"
        )
    text = Text(f"{playing.position_ms / 1000:.1f} s/{playing.duration_ms / 1000:.1f} s  ")
    text.append(playing.label, style="green")
    text.append("" if playing.breakable else "  (the caller cannot interrupt it)", style="dim")
    if status.queued:
        text.append(f"  +{status.queued} queued", style="dim")
    return text


def _settings_line(status: CallStatus) -> str:
    parts = [
        f"mute_time {format_duration(status.mute_time_ms)}",
        f"pause_time {format_duration(status.pause_time_ms)}",
        f"session_timeout {format_duration(status.session_timeout_s * 1000)}",
        f"recording {'on' if status.recording else 'off'}",
    ]
    return " · ".join(parts)


# --- /help and call lines ---------------------------------------------------------------------


def help_view(name: str = "") -> RenderableType:
    grid = _grid()
    specs = [spec for spec in COMMANDS if spec.name == name] or list(COMMANDS)
    if not name:
        grid.add_row(
            Text("WORDS", style="bold cyan"), Text("the caller says them once the playback ended")
        )
    for spec in specs:
        name_text = Text.assemble(
            (f"/{spec.name}", "bold cyan"), (f" {spec.usage}".rstrip(), "cyan")
        )
        grid.add_row(name_text, Text(spec.help))
    if name:
        return grid
    tips = (
        "Durations: 800ms, 12s, 1m · //words says words starting with / · Tab completes\n"
        "Ctrl-C cancels the line · Ctrl-D leaves (offers to save the call)"
    )
    return Group(grid, Text(tips, style="dim"))


def call_header(number: int, settings: CallSettings, call_id: str) -> Text:
    text = Text.assemble(("☎ call ", "bold"), (str(number), "bold"), " · ")
    if settings.direction.value == "outbound":
        text.append(f"outbound {settings.caller} → {settings.callee}")
    else:
        text.append(f"inbound {settings.caller} → {settings.callee}")
        if settings.orgcallee:
            text.append(f" (dialled {settings.orgcallee})")
    text.append(f" · call_id {call_id}", style="dim")
    return text
