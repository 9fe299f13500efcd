"""The console renderer of a simulation: a transcript per call and a summary table."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from vcall.simulator.findings import Finding, Severity, info_once, without_info
from vcall.simulator.fixture import Scenario, written_words
from vcall.simulator.live import spoken_items, tts_values
from vcall.simulator.replay import (
    WRONG_PATH_STATUSES,
    CallFinished,
    CallResult,
    CallStarted,
    Event,
    PlacementReport,
    RunResult,
    Turn,
    TurnDone,
    WrongPath,
    find_wrong_path,
)
from vcall.simulator.speech import heard_as
from vcall.simulator.text_safety import neutralize_controls
from vcall.simulator.transport import Exchange

_SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_CONTENT_SHOWN = {
    "callin": ("caller", "callee", "orgcallee"),
    "normal": ("words", "is_playing", "current_media_code"),
    "dtmf": ("dtmf_digits",),
    "timebreak": ("current_media_code",),
    "mute": (),
    "parallel_transfer": ("transfer_status", "fail_cause"),
}


def indent_lines(text: str, indent: str) -> str:
    return "\n".join(indent + line for line in text.splitlines())


def _safe(text: str) -> str:
    """Text a bot or a fixture chose, safe to print: rich markup escaped, and control characters
    shown as escapes (a bot's ``ESC]0;...`` must not retitle or clear the operator's terminal)."""
    return escape(neutralize_controls(text))


def clock_text(ms: float) -> str:
    minutes, rest = divmod(int(ms), 60_000)
    return f"{minutes:02d}:{rest / 1000:04.1f}"


class TranscriptPrinter:
    """Receives engine events; prints each call's transcript (live when calls run one at a time)."""

    def __init__(
        self,
        console: Console,
        *,
        live: bool,
        verbose: bool = False,
        quiet: bool = False,
        hold_wrong_path: bool = False,
    ) -> None:
        self.console = console
        self.live = live and not verbose
        """Turns printed as they come; with ``verbose`` a call is printed when it ends, its turns
        and the model's notes interleaved in time order."""
        self.verbose = verbose
        self.quiet = quiet
        self._pending: CallStarted | None = None
        """A live call's header, printed with its first answered turn: a call that never reached
        the endpoint prints nothing (the run ends with one line saying so)."""
        self._held: list[Event] | None = [] if hold_wrong_path else None
        """Events kept back while every answer so far was HTTP 404/405 (a wrong path prints
        one line, not a transcript of identical 404s); replayed at the first other answer."""

    def __call__(self, event: Event) -> None:
        if self.quiet:
            return
        if self._held is not None:
            if not (isinstance(event, TurnDone) and not _looks_like_wrong_path(event.turn)):
                self._held.append(event)
                return
            self.release()
        self._print(event)

    def release(self) -> None:
        """Print what was held back (the run was not a wrong path after all); hold no more."""
        held, self._held = self._held or [], None
        for event in held:
            self._print(event)

    def _print(self, event: Event) -> None:
        if isinstance(event, CallStarted) and self.live:
            self._pending = event
        elif isinstance(event, TurnDone) and self.live:
            if _reached(event.turn):
                self._flush_header()
                self._turn(event.turn, event.scenario)
        elif isinstance(event, CallFinished):
            self._finished(event.result)

    def _flush_header(self) -> None:
        if self._pending is not None:
            self._header(self._pending.scenario, self._pending.call_id)
            self._pending = None

    def _finished(self, call: CallResult) -> None:
        if call.unreachable and not any(_reached(turn) for turn in call.turns):
            self._pending = None
            return
        if not self.live:
            self._header(call.scenario, call.call_id)
        self._flush_header()
        turns = [turn for turn in call.turns if _reached(turn)] if not self.live else []
        notes = list(call.notes) if self.verbose else []
        timeline = sorted(
            [(turn.callback.at_ms, 0, index) for index, turn in enumerate(turns)]
            + [(note.at_ms, 1, index) for index, note in enumerate(notes)]
        )
        for _at, is_note, index in timeline:  # an answer's notes come right after its turn
            if is_note:
                message = _safe(notes[index].message)
                self.console.print(f"  [dim]{clock_text(notes[index].at_ms)}  note: {message}[/]")
            else:
                self._turn(turns[index], call.scenario)
        self._findings(call.call_findings, indent="  ")
        self._app_output(call)
        reason = call.end_reason.value if call.end_reason else "?"
        verdict = "[red]FAILED[/]" if call.failed() else "[green]passed[/]"
        self.console.print(f"  {verdict} · ended by {reason} at {clock_text(call.duration_ms)}\n")

    def _app_output(self, call: CallResult) -> None:
        """An in-process app's own output (prints, logs, tracebacks): under ``--verbose`` in
        full, else one line saying it is there."""
        if not call.app_output:
            return
        if not self.verbose:
            count = len(call.app_output)
            self.console.print(
                f"  [dim]the app wrote output while answering {count} callback(s): "
                "--verbose or the report shows it[/]"
            )
            return
        self.console.print("  [dim]the app's own output:[/]")
        for entry in call.app_output:
            self.console.print(Text(indent_lines(entry, "    "), style="dim"))

    def _header(self, scenario: Scenario, call_id: str) -> None:
        where = f" [dim]({_safe(scenario.file)})[/]" if scenario.file else ""
        self.console.print(
            f"[bold]▶ {_safe(scenario.name)}[/]{where}  [dim]call_id {_safe(call_id)}[/]"
        )

    def _turn(self, turn: Turn, scenario: Scenario | None = None) -> None:
        callback = turn.callback
        shown = _content_summary(callback.kind.value, callback.content)
        self.console.print(
            f"  [cyan]{clock_text(callback.at_ms)}[/]  [bold cyan]→ {callback.kind.value}[/] {_safe(shown)}"
        )
        written = _written(scenario, turn)
        if written:  # ASR realism changed the words: show what the fixture wrote too
            from vcall.simulator.speech import named_changes  # the ASR model: loaded when used

            changes = named_changes(written, str(callback.content.get("words", "")))
            named = f" (asr: {'; '.join(changes)})" if changes else ""
            self.console.print(f"  {'':8} [dim]  written “{_safe(written)}”{_safe(named)}[/]")
        self.console.print(f"  {'':8} [magenta]← {_safe(_answer_summary(turn))}[/]")
        self._findings(without_info(turn.findings), indent="  " + " " * 10)  # info: once a run

    def _findings(self, findings: Iterable[Finding], indent: str) -> None:
        for finding in findings:
            style = _SEVERITY_STYLE[finding.severity]
            path = f" {finding.path}" if finding.path else ""
            self.console.print(
                f"{indent}[{style}]{finding.severity.value}[/] [dim]{finding.rule}{_safe(path)}[/]: "
                f"{_safe(finding.message)}"
            )


def wrong_path_of_run(run: RunResult) -> WrongPath | None:
    """Every callback of the run got HTTP 404/405 (see :mod:`vcall.simulator.replay.wrong_path`)."""
    return find_wrong_path(turn.exchange for call in run.calls for turn in call.turns)


def _looks_like_wrong_path(turn: Turn) -> bool:
    return turn.exchange.status in WRONG_PATH_STATUSES


def _reached(turn: Turn) -> bool:
    """The callback got to the endpoint (a connection was made), answered or not."""
    return turn.exchange.error != "connect"


def unreachable_line(run: RunResult, target_url: str) -> str:
    """The one line a run that could not reach its endpoint ends with."""
    detail = next(
        (
            turn.exchange.error_detail
            for call in run.calls
            for turn in call.turns
            if not _reached(turn)
        ),
        "",
    )
    return unreachable_message(target_url, detail)


def unreachable_message(target_url: str, detail: str = "") -> str:
    """``nothing listens on 127.0.0.1:1 — is your bot running? (URL)``, or a name not resolved."""
    parts = urlsplit(target_url)
    host = parts.hostname or target_url
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if any(marker in detail for marker in _UNRESOLVED):
        return f"cannot resolve {host} ({target_url}): is the host name right?"
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return f"nothing listens on {where} — is your bot running? ({target_url})"


_UNRESOLVED = ("Name or service not known", "nodename nor servname", "getaddrinfo failed")


def _written(scenario: Scenario | None, turn: Turn) -> str:
    words = turn.callback.content.get("words")
    if scenario is None or not isinstance(words, str):
        return ""
    return written_words(scenario.steps, turn.step_index, words)


def _content_summary(kind: str, content: Mapping[str, object]) -> str:
    keys = _CONTENT_SHOWN.get(kind, ())
    parts = [f"{key}={content[key]}" for key in keys if content.get(key) not in (None, "")]
    if kind == "normal" and "words" in content:
        parts[0] = f"“{content['words']}”"
    if content.get("dynamic_id"):
        parts.append(f"dynamic_id={content['dynamic_id']}")
    return " ".join(parts)


def _answer_summary(turn: Turn) -> str:
    exchange = turn.exchange
    latency = f"({exchange.latency_ms:.0f} ms)"
    if exchange.error is not None:
        return f"no answer: {exchange.error} {latency}"
    data = turn.data
    if data is None:
        return f"HTTP {exchange.status}: {exchange.body_text[:120]!r} {latency}"
    result = (turn.envelope or {}).get("result")
    if result != "success":
        return f"result {result!r}: no action {latency}"
    action = data.get("action", "?")
    plays = _what_plays(data)
    extra = f" {plays}" if plays else ""
    if data.get("number"):
        extra += f" → {data['number']}"
    return f"{action}{extra} {latency}"


def _what_plays(data: Mapping[str, object]) -> str:
    """The items of ``action_code`` as heard: files by name, TTS text filled in and quoted."""
    codes = [code.strip() for code in str(data.get("action_code") or "").split(",") if code.strip()]
    heard = spoken_items(",".join(codes), tts_values(data))
    plays = " + ".join(
        item if item == code else f"“{item}”" for item, code in zip(heard, codes, strict=True)
    )
    reading = heard_as(heard)
    return f"{plays} (heard as “{reading}”)" if reading else plays


def summary_table(run: RunResult) -> Table:
    table = Table(title="vcall simulate", title_justify="left", show_lines=False)
    table.add_column("scenario", min_width=16, ratio=1, overflow="fold")
    for column in ("result", "turns", "ended by", "errors", "expect", "warnings", "call time"):
        numeric = column in ("turns", "errors", "expect", "warnings")
        table.add_column(column, justify="right" if numeric else "left", no_wrap=True)
    for call in run.calls:
        result = "[red]FAILED[/]" if call.failed(run.strict) else "[green]passed[/]"
        table.add_row(
            _safe(call.scenario.name),
            result,
            str(len(call.turns)),
            call.end_reason.value if call.end_reason else "?",
            str(call.spec_errors),
            str(call.expectation_misses),
            str(call.count(Severity.WARNING)),
            clock_text(call.duration_ms),
        )
    return table


def summary_line(run: RunResult) -> str:
    simulated = sum(call.duration_ms for call in run.calls) / 1000
    state = " [yellow](interrupted)[/]" if run.interrupted else ""
    if run.placement_failed:
        strict = "" if any(f.is_error for f in run.placement.findings) else ": --strict"  # type: ignore[union-attr]
        state += f" [red](placement check failed{strict})[/]"
    colour = "red" if run.failed or run.placement_failed else "green"
    infos = [
        f"[cyan]info[/] [dim]{finding.rule}[/]: {escape(finding.message)} ({count} answer(s))\n"
        for finding, count in info_once(f for call in run.calls for f in call.findings)
    ]  # information (no vendor page backs it): one line per run, never one per callback
    return "".join(infos) + (
        f"[{colour}]{run.passed} passed, {run.failed} failed[/]{state} · {len(run.calls)} call(s), "
        f"{simulated:.1f} s of calls in {run.wall_ms / 1000:.2f} s{_error_counts(run)}"
    )


def _error_counts(run: RunResult) -> str:
    """The errors of the answers (spec, transport) apart from the fixtures' expectation misses."""
    errors, misses = run.spec_errors, run.expectation_misses
    if not errors and not misses:
        return ""
    return f" · {errors} error(s) in the answers, {misses} fixture expectation miss(es)"


def placement_line(report: PlacementReport | None) -> str:
    """``--check-placement``'s one-line verdict: which placements the endpoint took, and why not."""
    if report is None:
        return "[yellow]placement: not checked[/] -- no scenario sends a callback to check with"
    marks = f"form {_mark(report.form_ok)} query {_mark(report.query_ok)}"
    problems = [
        f"{name}: {_placement_problem(exchange, findings)}"
        for name, ok, exchange, findings in (
            ("form", report.form_ok, report.form, report.form_findings),
            ("query", report.query_ok, report.query, report.query_findings),
        )
        if not ok
    ]
    why = f" ({'; '.join(problems)})" if problems else ""
    if report.form_ok and report.query_ok:
        return f"[green]placement: {marks}[/] -- the endpoint accepts the parameters either way"
    if report.findings and not report.findings[0].is_error:
        return f"[yellow]placement: {marks}[/] -- {_safe(report.findings[0].message)}{_safe(why)}"
    return f"[red]placement: {marks}[/] -- the endpoint took the first callback neither way{_safe(why)}"


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def _placement_problem(exchange: Exchange, findings: Iterable[Finding]) -> str:
    if exchange.error is not None:
        return f"no answer ({exchange.error})"
    status = exchange.status
    if status is None or not 200 <= status < 300:
        return f"HTTP {status}"
    errors = [finding.rule for finding in findings if finding.severity is Severity.ERROR]
    return ", ".join(errors[:3]) or "rejected"
