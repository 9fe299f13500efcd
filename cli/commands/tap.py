"""``vcall tap``: relay the platform's callbacks to your bot, check each answer, save each call."""

from __future__ import annotations

import signal
import socket
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from vcall.cli.commands.property_options import AgentKeys, AgentPhrases, GoodbyePhrases, phrases
from vcall.cli.commands.tap_ops import LogFormat, Operations, operations, reopen_logs_on_sighup
from vcall.cli.commands.targeting import run_on_fast_loop
from vcall.cli.errors import handled_errors
from vcall.cli.exit_codes import ExitCode
from vcall.cli.render.output import output_console
from vcall.cli.render.tap import summary
from vcall.simulator.emulator import base_url, bind_socket, serve_app
from vcall.simulator.errors import UsageError
from vcall.simulator.fixture import parse_duration
from vcall.simulator.properties import load_properties
from vcall.simulator.server_bounds import GRACE_S, raise_file_limit
from vcall.simulator.tap import (
    DEFAULT_IDLE_S,
    DEFAULT_MAX_BODY,
    DEFAULT_MAX_OPEN_CALLS,
    DEFAULT_SAVE_MAX_BYTES,
    DEFAULT_SAVE_MAX_FILES,
    DEFAULT_TIMEOUT_S,
    TapConfig,
)

if TYPE_CHECKING:
    from vcall.simulator.tap import Shadow, TapApp

DEFAULT_LISTEN = "127.0.0.1:8082"
SWITCH_INTERVAL_S = 0.0005
"""Fixtures are written in a worker thread; by default it may hold the GIL for 5 ms while a
callback waits. tap is its own process: a shorter slice keeps the relay's p99 under 1 ms."""
LOOPBACK = ("127.", "localhost", "::1")

EPILOG = """\
[bold]Examples[/]

  vcall tap --forward-to http://127.0.0.1:8080/callback --save recorded/
  vcall tap --forward-to http://127.0.0.1:8080/callback --listen 127.0.0.1:9000 --report-json findings.jsonl
  vcall tap --forward-to http://127.0.0.1:8080/callback --save recorded/ --redact '\\d{17}[\\dXx]' --log exchanges.jsonl
  vcall tap --forward-to http://127.0.0.1:8080/callback --shadow http://127.0.0.1:8081/callback   (a candidate answers too; compared)

Point the platform's callback URL (through your HTTPS terminator or tunnel) at tap. Every
callback goes to the bot as received and the bot's answer comes back unchanged; each answer is
checked as it passes, and each finished call is written as a fixture into --save:
  vcall simulate http://127.0.0.1:8080/callback --fixture recorded/

Phone numbers are replaced by stable fakes unless --keep-numbers. The platform sends no hang-up
callback: a call is over when the bot hangs up or transfers, after --idle without callbacks, or
when tap stops (Ctrl-C, SIGTERM): it waits at most 5 s for requests in progress (a second
Ctrl-C skips the wait), abandons the rest, and writes every open call before it exits.

[bold]Exit codes[/]: 0 stopped (SIGTERM) · 2 usage · 70 internal error · 130 stopped with Ctrl-C
"""


def tap_command(
    forward_to: Annotated[
        str,
        typer.Option(
            "--forward-to", metavar="URL", help="Your bot's callback URL (http:// or https://)."
        ),
    ],
    listen: Annotated[
        str,
        typer.Option(
            "--listen",
            metavar="HOST:PORT",
            help="HOST:PORT or PORT to listen on (port 0: a free one).",
        ),
    ] = DEFAULT_LISTEN,
    host: Annotated[
        str | None,
        typer.Option(
            "--host",
            metavar="ADDRESS",
            help="Listen on this address instead of --listen's (0.0.0.0: all).",
        ),
    ] = None,
    save: Annotated[
        Path | None,
        typer.Option(
            "--save",
            metavar="DIR",
            help="Write each finished call as a fixture here (created if missing).",
        ),
    ] = None,
    idle: Annotated[
        str,
        typer.Option(
            "--idle", metavar="DURATION", help="A call with no callback for this long is over."
        ),
    ] = f"{DEFAULT_IDLE_S:g}s",
    keep_numbers: Annotated[
        bool,
        typer.Option("--keep-numbers", help="Keep real phone numbers (default: stable fakes)."),
    ] = False,
    redact: Annotated[
        list[str] | None,
        typer.Option(
            "--redact",
            metavar="REGEX",
            help="Mask what this regex matches in words, fixtures and log.",
        ),
    ] = None,
    log: Annotated[
        Path | None,
        typer.Option(
            "--log",
            metavar="FILE",
            help="Append every exchange (redacted) to this JSON-lines file.",
        ),
    ] = None,
    report_json: Annotated[
        Path | None,
        typer.Option(
            "--report-json", metavar="FILE", help="Append every finding to this JSON-lines file."
        ),
    ] = None,
    timeout: Annotated[
        str,
        typer.Option(
            "--timeout",
            metavar="DURATION",
            help="How long the bot may take (then tap answers 504).",
        ),
    ] = f"{DEFAULT_TIMEOUT_S:g}s",
    max_body: Annotated[
        int,
        typer.Option(
            "--max-body", metavar="BYTES", help="Largest request body in bytes (larger: 413)."
        ),
    ] = DEFAULT_MAX_BODY,
    max_calls_open: Annotated[
        int, typer.Option("--max-calls-open", help="Calls held open at most (the oldest closes).")
    ] = DEFAULT_MAX_OPEN_CALLS,
    properties: Annotated[
        Path | None,
        typer.Option(
            "--properties",
            metavar="FILE",
            help="Dialogue properties (YAML, as for vcall explore) checked on each call.",
        ),
    ] = None,
    agent_phrase: AgentPhrases = None,
    agent_key: AgentKeys = None,
    goodbye_phrase: GoodbyePhrases = None,
    save_max_files: Annotated[
        int,
        typer.Option("--save-max-files", help="Fixtures --save writes in one run at most."),
    ] = DEFAULT_SAVE_MAX_FILES,
    save_max_bytes: Annotated[
        int,
        typer.Option(
            "--save-max-bytes", metavar="BYTES", help="Bytes --save writes in one run at most."
        ),
    ] = DEFAULT_SAVE_MAX_BYTES,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also a line for every callback relayed.")
    ] = False,
    log_format: Annotated[
        LogFormat,
        typer.Option(
            "--log-format",
            help="text, or json: one JSON object per event on stdout (banner and summary on "
            "stderr).",
        ),
    ] = LogFormat.TEXT,
    metrics: Annotated[
        str | None,
        typer.Option(
            "--metrics",
            metavar="HOST:PORT",
            help="Serve Prometheus metrics here (e.g. 127.0.0.1:9464; PORT alone: loopback).",
        ),
    ] = None,
    notify: Annotated[
        str | None,
        typer.Option(
            "--notify",
            metavar="URL",
            help="Post an alert to this chat-robot webhook on an error finding or a failing bot.",
        ),
    ] = None,
    notify_format: Annotated[
        str,
        typer.Option("--notify-format", metavar="FORMAT", help="dingtalk, wecom, feishu or plain."),
    ] = "dingtalk",
    max_p99: Annotated[
        str | None,
        typer.Option(
            "--max-p99",
            metavar="DURATION",
            help="With --notify: alert when the answers' p99 over --notify-window is above this.",
        ),
    ] = None,
    notify_interval: Annotated[
        str,
        typer.Option(
            "--notify-interval",
            metavar="DURATION",
            help="At most one alert this often (the rest are counted in the next).",
        ),
    ] = "10s",
    notify_window: Annotated[
        str,
        typer.Option("--notify-window", metavar="DURATION", help="The window --max-p99 watches."),
    ] = "60s",
    shadow: Annotated[
        str | None,
        typer.Option(
            "--shadow",
            metavar="URL",
            help="Also send a copy of each callback to this candidate bot and compare answers.",
        ),
    ] = None,
    shadow_ignore: Annotated[
        list[str] | None,
        typer.Option(
            "--shadow-ignore", metavar="FIELD", help="A data field --shadow does not compare."
        ),
    ] = None,
) -> None:
    """Relay live callbacks to your bot, check every answer, and save each call as a fixture."""
    from vcall.simulator.tap import TapApp

    console = output_console(stderr=log_format is LogFormat.JSON)
    app: TapApp | None = None
    ops: Operations | None = None

    def done() -> None:
        if ops is not None:
            ops.stop()
        if app is not None:
            console.print(summary(app.observer.counts, app.bounds.counts))
            _print_run_properties(console, app)
            if app.shadow is not None:
                from vcall.cli.render.shadow import shadow_summary

                console.print(shadow_summary(app.shadow.counts), markup=False, highlight=False)

    with handled_errors(on_interrupt=done, internal=True):
        _make_save_directory(save)
        config = TapConfig(
            forward_to=forward_to,
            save_dir=save,
            idle_s=parse_duration(idle, what="--idle") / 1000,
            keep_numbers=keep_numbers,
            redact=tuple(redact or ()),
            log=log,
            report_json=report_json,
            max_body=max_body,
            max_open_calls=max_calls_open,
            save_max_files=save_max_files,
            save_max_bytes=save_max_bytes,
            timeout_s=parse_duration(timeout, what="--timeout") / 1000,
            properties=(
                *(load_properties(properties) if properties is not None else ()),
                *phrases(agent_phrase, agent_key, goodbye_phrase).properties(),
            ),
        )
        address, port = _address(listen, host)
        sock = bind_socket(address, port)
        opened: list[TapApp] = []
        ops = operations(
            console,
            verbose=verbose,
            log_format=log_format,
            metrics=metrics,
            notify=notify,
            notify_format=notify_format,
            max_p99=max_p99,
            notify_interval=notify_interval,
            notify_window=notify_window,
            calls_open=lambda: len(opened[0].observer.book) if opened else 0,
        )
        app = TapApp(
            config,
            sink=ops.sink(),
            shadow=_shadow(console, shadow, tuple(shadow_ignore or ()), config.timeout_s),
        )
        opened.append(app)
        sys.setswitchinterval(SWITCH_INTERVAL_S)
        _banner(console, base_url(sock), config, address, ops.lines)
        if shadow is not None:
            console.print(
                f"  and a copy to the candidate {escape(shadow)} (compared; never answered with)"
            )
        with reopen_logs_on_sighup():
            _serve_until_stopped(app, sock)
        done()
    raise typer.Exit(ExitCode.OK)


def _print_run_properties(console: Console, app: TapApp) -> None:
    """``--properties``: ``reachable`` over the calls tapped (a call cannot break it)."""
    if app.observer.checker is not None:
        from vcall.cli.render.properties import run_property_lines

        for line in run_property_lines(app.observer.checker.reachable_outcomes()):
            console.print(line, markup=False, highlight=False)


def _shadow(
    console: Console, url: str | None, ignore: tuple[str, ...], timeout_s: float
) -> Shadow | None:
    if url is None:
        return None
    from vcall.cli.render.shadow import ShadowPrinter
    from vcall.simulator.tap import Shadow, ShadowConfig

    return Shadow(
        ShadowConfig(url, timeout_s=timeout_s, ignore=ignore), sink=ShadowPrinter(console)
    )


def _make_save_directory(save: Path | None) -> None:
    """``--save recorded/`` is created when missing, as ``explore --save`` and ``fixtures copy``
    create theirs: a newcomer's first ``vcall tap`` must not stop at a directory not made yet."""
    if save is None or save.exists():
        return  # an existing file is TapConfig's one-line error
    try:
        save.mkdir(parents=True)
    except OSError as error:
        raise UsageError(f"--save {save}: cannot create the directory: {error.strerror}") from None


class _Terminated(Exception):
    """SIGTERM: uvicorn shuts down (open calls are written), then re-raises the signal."""


def _terminated(_signum: int, _frame: object) -> None:
    raise _Terminated


def _serve_until_stopped(app: TapApp, sock: socket.socket) -> None:
    previous = signal.signal(signal.SIGTERM, _terminated)
    raise_file_limit()
    try:
        run_on_fast_loop(serve_app(app, sock, bounds=app.bounds))
    except _Terminated:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)


def _address(listen: str, host: str | None) -> tuple[str, int]:
    shown, _, port_text = listen.rpartition(":")
    if not port_text.isdigit() or int(port_text) > 65535:
        raise UsageError(f"--listen {listen!r}: give HOST:PORT or PORT")
    address = host or shown.strip("[]") or "127.0.0.1"
    return address, int(port_text)


def _banner(
    console: Console, url: str, config: TapConfig, address: str, extra: Sequence[str] = ()
) -> None:
    console.print(f"[bold]vcall tap[/] listening on [bold]{escape(url)}[/]")
    if not address.startswith(LOOPBACK):
        console.print(
            f"[bold red]WARNING: listening on {escape(address)}, not loopback: anyone who can "
            "reach this address can send callbacks through tap to your bot[/]"
        )
    console.print(f"  forwards every callback to {escape(config.forward_to)}, answers unchanged")
    saving = (
        f"saves each call into {config.save_dir}/"
        if config.save_dir
        else "saves nothing (no --save)"
    )
    numbers = "real numbers kept" if config.keep_numbers else "numbers replaced by stable fakes"
    console.print(f"  {escape(saving)} · {numbers}")
    for line in extra:
        console.print(f"  {escape(line)}")
    console.print(
        f"[dim]Ctrl-C stops it: requests in progress get {GRACE_S:g} s (a second Ctrl-C: none), "
        "open calls are saved first[/]\n"
    )


def register(app: typer.Typer) -> None:
    app.command("tap", epilog=EPILOG)(tap_command)
