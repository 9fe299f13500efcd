"""``vcall emulator``: a local SmartCall API that plays every accepted call against your bot."""

from __future__ import annotations

import asyncio
import shlex
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from vcall.cli.errors import handled_errors
from vcall.cli.exit_codes import ExitCode
from vcall.cli.render.output import output_console, print_table
from vcall.cli.render.smartcall import EmulatorPrinter
from vcall.cli.render.transcript import TranscriptPrinter, summary_line, summary_table
from vcall.simulator import spec
from vcall.simulator.emulator import (
    SOURCE_LOCAL,
    EmulatorConfig,
    SmartCallEmulator,
    base_url,
    bind_socket,
    make_local_credentials,
    serve_app,
    write_credentials_env,
)
from vcall.simulator.errors import NoCredentialsError
from vcall.simulator.fixture import load_scenario, parse_duration, resolve_builtin
from vcall.simulator.replay import RunResult, SimulationConfig, resolve_target
from vcall.simulator.server_bounds import said_by
from vcall.simulator.smartcall import (
    SOURCE_FLAGS,
    Credentials,
    mask_access_key_id,
    resolve_credentials,
)
from vcall.simulator.transport import Placement

DEFAULT_PORT = 8081
MAX_TABLE_CALLS = 50

EPILOG = """\
[bold]Examples[/]

  vcall emulator --callback-url http://127.0.0.1:8080/callback
  vcall emulator --callback-url vcall.simulator.example_bot:app --port 0
  vcall emulator --callback-url vcall.simulator.example_bot:app --max-calls 1 --report-json run.json \
      --fixture builtin:outbound_callee_declines    [dim](the callee's steps; or your own fixture file)[/]

Then place calls on it: vcall smartcall --endpoint http://127.0.0.1:8081 ... (or the official SDK
with protocol http and endpoint 127.0.0.1:8081). The AccessKey it accepts is found like vcall
smartcall's: --access-key-id/--access-key-secret, then the environment, then ~/.aliyun/config.json;
with none of these it makes a local pair for this run and prints a smartcall line that uses it.

[bold]Exit codes[/]: 0 every call passed · 1 a call had errors (--max-calls) · 2 usage or
credentials · 130 stopped with Ctrl-C
"""


def emulator_command(
    callback_url: Annotated[
        str,
        typer.Option(
            "--callback-url", help="Your bot: http(s)://... or an in-process app as module:attr."
        ),
    ],
    fixture: Annotated[
        Path | None,
        typer.Option(
            "--fixture",
            metavar="FILE",
            help="Callee steps from this fixture file or builtin:NAME (its smartcall is ignored).",
        ),
    ] = None,
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="0: a free port.")] = (
        DEFAULT_PORT
    ),
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    access_key_id: Annotated[str | None, typer.Option("--access-key-id")] = None,
    access_key_secret: Annotated[str | None, typer.Option("--access-key-secret")] = None,
    security_token: Annotated[str | None, typer.Option("--security-token")] = None,
    profile: Annotated[str | None, typer.Option("--profile")] = None,
    qps: Annotated[
        int, typer.Option("--qps", min=1, help="Requests per second before Throttling.")
    ] = spec.SMARTCALL_QPS_LIMIT,
    max_calls: Annotated[
        int | None, typer.Option("--max-calls", min=1, help="Exit after this many calls.")
    ] = None,
    report_json: Annotated[
        Path | None,
        typer.Option("--report-json", help="JSON report, rewritten at most once a second."),
    ] = None,
    params: Annotated[
        Placement, typer.Option("--params", help="Callback parameters in the form body or query.")
    ] = Placement.FORM,
    timeout: Annotated[str, typer.Option("--timeout", help="Per callback.")] = "10s",
    realtime: Annotated[
        bool, typer.Option("--realtime", help="Pace calls on the wall clock.")
    ] = False,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed for CallIds.")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show model notes.")] = False,
) -> None:
    """Run a local SmartCall API: verify each request as the platform does, then play the call."""
    console = output_console()
    emulator: SmartCallEmulator | None = None

    def summary() -> None:
        if emulator is not None:
            _print_summary(console, emulator.calls.run_result())

    folder = Path(tempfile.mkdtemp(prefix="vcall-ak-"))
    try:
        with handled_errors(on_interrupt=summary):
            credentials = _credentials(access_key_id, access_key_secret, security_token, profile)
            config = EmulatorConfig(
                credentials=(credentials,),
                target=resolve_target(callback_url),
                fixture=load_scenario(Path(resolve_builtin(str(fixture)))) if fixture else None,
                qps=qps,
                simulation=_simulation(params, timeout, realtime, seed),
                report_json=report_json,
                seed=seed,
            )
            transcript = TranscriptPrinter(console, live=realtime, verbose=verbose)
            emulator = SmartCallEmulator(config, sink=EmulatorPrinter(console, transcript))
            banner = Banner(callback_url, fixture, _hint_prefix(credentials, folder), profile)
            run = _serve(console, emulator, host, port, max_calls, banner)
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # the local pair's file: this run's own
    raise typer.Exit(ExitCode.FAILED if run.failed else ExitCode.OK)


def _credentials(
    access_key_id: str | None,
    access_key_secret: str | None,
    security_token: str | None,
    profile: str | None,
) -> Credentials:
    """As ``vcall smartcall`` finds them; with none anywhere, a pair made for this run."""
    try:
        return resolve_credentials(
            access_key_id=access_key_id,
            access_key_secret=access_key_secret,
            security_token=security_token,
            profile=profile,
        )
    except NoCredentialsError:
        return make_local_credentials()


def _hint_prefix(credentials: Credentials, folder: Path) -> str:
    """What the start-up hint needs before ``vcall smartcall`` to sign with these credentials:
    nothing when smartcall finds them the same way (environment, profile file); else the
    ``export`` lines of a file only the user can read (the secret itself is never printed)."""
    if credentials.source in (SOURCE_FLAGS, SOURCE_LOCAL):
        env_file = write_credentials_env(credentials, folder)
        return f". {shlex.quote(str(env_file))} && "
    return ""


@dataclass(frozen=True, slots=True)
class Banner:
    callback_url: str
    fixture: Path | None
    hint_prefix: str
    """Prepended to the ``vcall smartcall`` line (sources the credentials when needed)."""
    profile: str | None = None


def _simulation(
    placement: Placement, timeout: str, realtime: bool, seed: int | None
) -> SimulationConfig:
    timeout_s = parse_duration(timeout, what="--timeout") / 1000
    return SimulationConfig(placement=placement, timeout_s=timeout_s, realtime=realtime, seed=seed)


def _serve(
    console: Console,
    emulator: SmartCallEmulator,
    host: str,
    port: int,
    max_calls: int | None,
    banner: Banner,
) -> RunResult:
    """Serve until Ctrl-C or ``max_calls`` finished calls; the summary of the calls played."""
    emulator.calls.write_report()
    sock = bind_socket(host, port)
    _print_banner(console, base_url(sock), emulator.config, banner)
    until = emulator.calls.wait_finished(max_calls) if max_calls else None
    asyncio.run(serve_app(emulator, sock, until=until, bounds=said_by(console.out)))
    run = emulator.calls.run_result()
    _print_summary(console, run)
    return run


def _print_banner(console: Console, url: str, config: EmulatorConfig, banner: Banner) -> None:
    credentials = config.credentials[0]
    callback_url, fixture = banner.callback_url, banner.fixture
    callee = f"steps of {fixture}" if fixture else "the default polite callee"
    where = " (in-process)" if config.target.in_process else ""
    console.print(f"[bold]SmartCall emulator[/] listening on [bold]{escape(url)}[/]")
    token = " and its STS token" if credentials.security_token else ""
    console.print(
        f"  verifies V1 and V3 signatures of AccessKey {escape(repr_key(credentials))}{token} "
        f"· QPS limit {config.qps}/s"
    )
    console.print(f"  callbacks go to {escape(callback_url)}{where} · callee: {escape(callee)}")
    profile_flag = f" --profile {shlex.quote(banner.profile)}" if banner.profile else ""
    if credentials.source == SOURCE_LOCAL:
        console.print("  no AccessKey given: made a local pair, valid for this emulator only")
    console.print(
        f"  try: {escape(banner.hint_prefix)}vcall smartcall{escape(profile_flag)} "
        f"--endpoint {escape(url)} "
        "--called-number 13800138000 --called-show-number 057126880000 --voice-code welcome.wav"
    )
    console.print("[dim]Ctrl-C stops it[/]\n")


def repr_key(credentials: Credentials) -> str:
    return f"{mask_access_key_id(credentials.access_key_id)} (from {credentials.source})"


def _print_summary(console: Console, run: RunResult) -> None:
    """The table of calls (up to :data:`MAX_TABLE_CALLS`; more would take longer to print than
    Ctrl-C may take), then the summary line."""
    if not run.calls:
        console.print("no calls were played")
        return
    if len(run.calls) <= MAX_TABLE_CALLS:
        table = summary_table(run)
        table.title = "vcall emulator"
        print_table(console, table)
    console.print(summary_line(run))


def register(app: typer.Typer) -> None:
    app.command("emulator", epilog=EPILOG)(emulator_command)
