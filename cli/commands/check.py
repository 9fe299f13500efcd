"""``vcall check``: a built-in suite of generic caller behaviours against any bot, no fixtures."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from vcall.cli.commands.epoch_option import EpochOption, epoch_option
from vcall.cli.commands.explore import Params
from vcall.cli.errors import handled_errors
from vcall.cli.exit_codes import ExitCode
from vcall.cli.render.output import output_console
from vcall.cli.render.progress import check_plan, check_status, live_progress
from vcall.cli.report_formats import CHECK_REPORTS
from vcall.cli.report_options import NO_REPORTS, Reports
from vcall.simulator.errors import UsageError
from vcall.simulator.explore import CheckProgress  # a lazy face: only the counters load
from vcall.simulator.fixture import parse_duration  # a lazy face: only durations loads

if TYPE_CHECKING:  # the rest is imported once the plan line is out (the first output, fast)
    from vcall.simulator.explore import CheckResult
    from vcall.simulator.fixture import Direction

EPILOG = """\
[bold]Examples[/]

  vcall check --example-bot
  vcall check http://127.0.0.1:8080/callback --report-html check.html
  vcall check myapp.main:app --params query --report junit.xml
  vcall check http://127.0.0.1:8080/callback --inbound-only --epoch 1763700000000

[bold]Exit codes[/]: 0 all passed · 1 spec failures · 2 usage errors ·
3 endpoint unreachable · 130 interrupted
"""


def check_command(
    target: Annotated[
        str | None,
        typer.Argument(help="Endpoint URL or an in-process ASGI/WSGI app as module:attr."),
    ] = None,
    example_bot: Annotated[
        bool, typer.Option("--example-bot", help="Check the built-in example bot.")
    ] = False,
    params: Annotated[
        Params | None,
        typer.Option(
            "--params",
            help="Only this placement of the parameters (default: both, form and query).",
        ),
    ] = None,
    timeout: Annotated[
        str, typer.Option("--timeout", help="Per callback; no answer in time is an error.")
    ] = "10s",
    latency_budget: Annotated[
        str | None,
        typer.Option(
            "--latency-budget", help="Per callback; a slower answer is a warning, e.g. 300ms."
        ),
    ] = None,
    concurrency: Annotated[
        int,
        typer.Option(
            "--concurrency", "-c", min=1, max=1000, help="Behaviours played side by side."
        ),
    ] = 8,
    strict: Annotated[
        bool, typer.Option("--strict", help="Warnings fail the behaviour too.")
    ] = False,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Seed for call ids (repeatable runs).")
    ] = None,
    epoch: EpochOption = None,
    inbound_only: Annotated[
        bool,
        typer.Option(
            "--inbound-only", help="The bot serves inbound calls only: outbound not offered."
        ),
    ] = False,
    outbound_only: Annotated[
        bool,
        typer.Option(
            "--outbound-only", help="The bot serves outbound calls only: inbound not offered."
        ),
    ] = False,
    reports: Reports[CheckResult] = NO_REPORTS,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help="Show an in-process app's own output (prints, logs, tracebacks) per behaviour.",
        ),
    ] = False,
) -> None:
    """Run a built-in suite of generic caller behaviours; spec rules only, no fixtures needed."""
    console = output_console()
    with handled_errors():
        latency_ms = (
            parse_duration(latency_budget, what="--latency-budget") if latency_budget else None
        )
        timeout_s = parse_duration(timeout, what="--timeout") / 1000
        placements = (params.value,) if params else ("form", "query")
        epoch_ms = epoch_option(epoch)
        only = _only(inbound_only, outbound_only)
        reports.check()
        console.print(check_plan(concurrency, len(placements)), markup=False, highlight=False)
        from vcall.cli.commands.targeting import chosen_target, one_line_if_unreachable
        from vcall.cli.render.check import print_check
        from vcall.simulator.explore import CheckConfig
        from vcall.simulator.explore import run_check as check
        from vcall.simulator.replay import SimulationConfig
        from vcall.simulator.transport import Placement

        simulation = SimulationConfig(
            timeout_s=timeout_s,
            latency_budget_ms=latency_ms,
            strict=strict,
            seed=seed,
            epoch_ms=epoch_ms,
        )
        resolved = chosen_target(target, example_bot)
        progress = CheckProgress()
        placed = tuple(Placement(placement) for placement in placements)
        config = CheckConfig(simulation, placed, concurrency=concurrency, only=only)
        status = live_progress(console, lambda: check_status(progress))
        with one_line_if_unreachable(resolved), status:
            result = check(resolved, config, progress)
        reports.write(result)
        print_check(console, result, verbose=verbose)
    raise typer.Exit(_exit_code(result))


def _only(inbound_only: bool, outbound_only: bool) -> Direction | None:
    if inbound_only and outbound_only:
        raise UsageError("--inbound-only and --outbound-only exclude each other: choose one")
    from vcall.simulator.fixture import Direction

    if inbound_only:
        return Direction.INBOUND
    return Direction.OUTBOUND if outbound_only else None


def _exit_code(result: CheckResult) -> ExitCode:
    if result.run.interrupted:
        return ExitCode.INTERRUPTED
    if result.run.unreachable:
        return ExitCode.UNREACHABLE
    return ExitCode.FAILED if result.failed else ExitCode.OK


def register(app: typer.Typer) -> None:
    app.command("check", epilog=EPILOG)(CHECK_REPORTS.command(check_command))
