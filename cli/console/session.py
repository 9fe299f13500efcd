"""The console loop: read a line, play it as the caller's next move, show every answer.

One :class:`ConsoleSession` is one run of ``vcall simulate TARGET`` without ``--fixture``: it
shares one HTTP client, starts a call on launch and a new one whenever the last one ended.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from rich.console import Console
from rich.text import Text

from vcall.cli.console import panels
from vcall.cli.console.commands import Meta, Move, parse_line, spec_named
from vcall.cli.console.lines import LineSource
from vcall.cli.exit_codes import ExitCode
from vcall.cli.render.transcript import clock_text
from vcall.simulator.errors import VcallError
from vcall.simulator.findings import Severity
from vcall.simulator.fixture import CallSettings, Direction, EndReason
from vcall.simulator.live import (
    CallRecording,
    CallStatus,
    LiveCall,
    call_status,
    held_settings,
    no_mute_reason,
    redact_target,
    save_fixture,
    summarize_turn,
    tts_values,
)
from vcall.simulator.replay import (
    CallFinished,
    CallResult,
    CallStarted,
    Event,
    RunContext,
    SimulationConfig,
    Target,
    Turn,
    TurnDone,
    open_client,
    run_context,
)


@dataclass(frozen=True, slots=True)
class ConsoleOptions:
    target: Target
    config: SimulationConfig
    settings: CallSettings
    record: Path | None = None
    """``--record FILE``: every call is written there as it goes (call 2 to FILE-2.yaml, ...)."""


class ConsoleSession:
    def __init__(self, options: ConsoleOptions, console: Console, lines: LineSource) -> None:
        self.options = options
        self.console = console
        self.lines = lines
        self.ctx: RunContext | None = None
        self.call: LiveCall | None = None
        self.calls = 0
        self.results: list[CallResult] = []
        self.tts: dict[str, str] = {}
        self.held: dict[str, str] = {}
        """The settings as of the turn being shown (held by the call, or last sent by the bot)."""
        self.last_turn: Turn | None = None
        self.saved_steps = 0
        self.notes_seen = 0

    @property
    def width(self) -> int:
        return min(self.console.width, panels.PANEL_WIDTH)

    # --- the loop ---------------------------------------------------------------------------

    async def run(self) -> ExitCode:
        """Start a call, then read and play lines until ``/quit`` or the end of input."""
        async with open_client(self.options.target, self.options.config) as http:
            self.ctx = run_context(http, self.options.target, self.options.config, self.on_event)
            self._intro()
            await self.new_call()
            while await self._next_line():
                pass
        return self.exit_code()

    async def _next_line(self) -> bool:
        live = self.call is not None and not self.call.ended
        try:
            line = await self.lines.read(
                "caller" if live else "ended", "prompt" if live else "prompt.ended"
            )
        except KeyboardInterrupt:
            return True  # Ctrl-C: the line is cancelled
        except EOFError:
            await self.leave()
            return False
        try:
            return await self.handle(line)
        except VcallError as error:
            self.console.print(Text.assemble(("error: ", "bold red"), str(error)))
            return True

    async def handle(self, line: str) -> bool:
        """Act on one line; ``False`` ends the session."""
        command = parse_line(line)
        if command is None:
            if self.call is not None and self.call.ended:
                await self.new_call()
            return True
        if isinstance(command, Move):
            await self.play(command)
            return True
        return await self.meta(command)

    def exit_code(self) -> ExitCode:
        """As for a replay: 3 when the endpoint could not be reached, 1 for any error found."""
        if any(result.unreachable for result in self.results):
            return ExitCode.UNREACHABLE
        failed = any(result.failed() for result in self.results)
        return ExitCode.FAILED if failed else ExitCode.OK

    # --- calls --------------------------------------------------------------------------------

    async def new_call(self) -> None:
        if self.ctx is None:
            raise RuntimeError("the session is not running")
        if self._unsaved():
            self._hint(f"call {self.calls} was not saved")
        self.calls += 1
        self.call = LiveCall(self.ctx, self.options.settings, self.calls - 1)
        self.tts, self.held, self.saved_steps, self.notes_seen = {}, {}, 0, 0
        await self._step(self.call.begin)
        if self.options.settings.direction is Direction.OUTBOUND and not self.call.ended:
            self._hint("placed: the callee answers at your first move (say something, or /wait)")
        await self._after_step()

    async def play(self, move: Move) -> None:
        call = self.call
        if call is None or call.ended:
            what = "your words were" if move.name == "say" else f"/{move.name} was"
            self._hint(f"{what} not played: the call has ended")
            return
        await self._step(call.catch_up)
        turns_before = len(call.turns)
        actions = () if call.ended else move.build(call.state)
        played = 0
        for action in actions:
            if call.ended:
                break
            await self._step(partial(call.play, action))
            played += 1
        if played < len(actions) or not actions:
            what = "your words were" if move.name == "say" else f"/{move.name} was"
            self._hint(f"the call ended before that: {what} not played")
        elif move.name == "silence" and len(call.turns) == turns_before and not call.ended:
            self._hint(no_mute_reason(call.state, self.tts))
        await self._after_step()

    async def _step(self, play: Callable[[], Awaitable[list[Turn]]]) -> None:
        if self.call is not None:
            self.held.update(held_settings(self.call.state))
        await play()
        self._print_notes()

    async def _after_step(self) -> None:
        call = self.call
        if call is not None and call.result is None and (call.ended or call.state.closing):
            await call.let_end()
            self._hint("Enter starts a new call · /save FILE writes this one · /quit leaves")
        self._autosave()

    async def leave(self) -> None:
        """End the session: end the live call, offer to save it if it was not."""
        call = self.call
        if call is None:
            return
        if call.result is None:
            call.end()
            self._autosave()
        if not self._unsaved() or self.options.record is not None:
            return
        if not self.lines.interactive:
            self._hint("this call was not saved (/save FILE saves a call)")
            return
        await self._ask_to_save()

    async def _ask_to_save(self) -> None:
        try:
            answer = await self.lines.ask("save this call? file name (Enter: don't save):")
        except (KeyboardInterrupt, EOFError):
            return
        if answer.strip():
            try:
                self.save(Path(answer.strip()))
            except VcallError as error:
                self.console.print(Text.assemble(("error: ", "bold red"), str(error)))

    # --- commands that play nothing -----------------------------------------------------------

    async def meta(self, command: Meta) -> bool:
        name = command.name
        if name == "quit":
            await self.leave()
            return False
        if name == "new":
            await self._new_on_request()
        elif name == "show":
            self._show()
        elif name == "state":
            self._state()
        elif name == "save":
            self.save(Path(command.argument))
        elif name == "help":
            topic = spec_named(command.argument.lstrip("/")).name if command.argument else ""
            self.console.print(panels.help_view(topic))
        return True

    async def _new_on_request(self) -> None:
        if self.call is not None and not self.call.ended:
            self._hint("the call is still up: /hangup first")
            return
        await self.new_call()

    def _show(self) -> None:
        if self.last_turn is None:
            self._hint("nothing sent yet")
            return
        self.console.print(panels.exchange_view(self.last_turn, self.width))

    def _state(self) -> None:
        status = self.status()
        if self.call is None or status is None:
            return
        view = panels.state_view(status, self.call.call_id, self.call.settings, self.width)
        self.console.print(view)

    def status(self) -> CallStatus | None:
        """The current call's status (what the toolbar shows)."""
        call = self.call
        if call is None:
            return None
        return call_status(call.state, call.elapsed_ms(), self.tts)

    # --- recording ----------------------------------------------------------------------------

    def recording(self) -> CallRecording:
        call = self.call
        if call is None:
            raise VcallError("no call to save yet")
        ending = call.result.end_reason if call.result else None
        label = self.options.target.label
        return CallRecording(
            call.settings, tuple(call.steps), call.turns, call.call_id, ending, label
        )

    def save(self, path: Path) -> None:
        written = save_fixture(path, self.recording())
        self.saved_steps = len(self.call.steps) if self.call else 0
        steps = self.saved_steps
        self.console.print(
            Text.assemble(("saved ", "green"), (str(written), "bold"), f" · {steps} step(s)"),
            Text(
                f"replay: vcall simulate {self.options.target.label} --fixture {written}",
                style="dim",
            ),
            sep="\n",
            soft_wrap=True,
        )

    def _unsaved(self) -> bool:
        return self.call is not None and len(self.call.steps) > self.saved_steps

    def _autosave(self) -> None:
        record = self.options.record
        if record is None or self.call is None:
            return
        path = (
            record
            if self.calls == 1
            else record.with_name(f"{record.stem}-{self.calls}{record.suffix}")
        )
        try:
            save_fixture(path, self.recording())
        except VcallError as error:
            self.console.print(Text.assemble(("error: ", "bold red"), f"--record: {error}"))
        self.saved_steps = len(self.call.steps)

    # --- events from the engine ---------------------------------------------------------------

    def on_event(self, event: Event) -> None:
        if isinstance(event, CallStarted):
            self._started(event)
        elif isinstance(event, TurnDone):
            self._turn(event.turn)
        elif isinstance(event, CallFinished):
            self._finished(event.result)

    def _started(self, event: CallStarted) -> None:
        header = panels.call_header(self.calls, self.options.settings, event.call_id)
        self.console.print()
        self.console.print(header)

    def _turn(self, turn: Turn) -> None:
        summary = summarize_turn(turn, self.held, self.tts)
        self.held.update({change.name: change.value for change in summary.settings})
        self.tts.update(tts_values(turn.data))
        self.last_turn = turn
        self.console.print(panels.turn_panel(summary, width=self.width))

    def _finished(self, result: CallResult) -> None:
        self.results.append(result)
        for finding in result.call_findings:
            self.console.print(*panels.finding_row(finding))
        reason = result.end_reason.value if result.end_reason else "?"
        if result.end_reason is EndReason.END_OF_SCENARIO:
            reason = "you, leaving the console"
        errors, warnings = result.count(Severity.ERROR), result.count(Severity.WARNING)
        style = "red" if errors else "green"
        self.console.print(
            Text.assemble(
                ("■ call ended ", "bold"),
                (f"by {reason}", "bold yellow"),
                f" at {clock_text(result.duration_ms)} · {len(result.turns)} turn(s) · ",
                (f"{errors} error(s), {warnings} warning(s)", style),
            )
        )

    # --- small output helpers -----------------------------------------------------------------

    def _print_notes(self) -> None:
        if self.call is None:
            return
        notes = self.call.runner.session.notes
        for note in notes[self.notes_seen :]:
            self.console.print(
                Text(f"  {clock_text(note.at_ms)}  note: {note.message}", style="dim")
            )
        self.notes_seen = len(notes)

    def _hint(self, message: str) -> None:
        self.console.print(Text(message, style="dim italic"))

    def _intro(self) -> None:
        mode = "real time" if self.options.config.realtime else "virtual clock"
        target = redact_target(self.options.target.label)
        self.console.print(Text.assemble(("vcall console", "bold"), f" · {target} · {mode}"))
        self._hint("Type what the caller says · /help lists the commands · Ctrl-D leaves")
