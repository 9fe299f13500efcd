"""``vcall load``: many concurrent simulated calls, latency percentiles, CI thresholds."""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.live import Live

from vcall.cli.commands.epoch_option import EpochOption, epoch_option
from vcall.cli.commands.fixture_options import (
    AsrOption,
    OutsidePathsOption,
    SeedOption,
    SpecOnlyOption,
    load_options,
)
from vcall.cli.commands.targeting import chosen_target, run_on_fast_loop
from vcall.cli.errors import handled_errors
from vcall.cli.exit_codes import ExitCode
from vcall.cli.render.load import (
    LiveLoadView,
    breach_lines,
    crash_lines,
    plan_lines,
    progress_line,
    summary_line,
    summary_tables,
)
from vcall.cli.render.output import output_console, print_table
from vcall.cli.render.transcript import unreachable_message
from vcall.cli.report_formats import LOAD_REPORTS, JudgedLoad
from vcall.cli.report_options import NO_REPORTS, Reports
from vcall.simulator.errors import EndpointUnreachableError, UsageError
from vcall.simulator.fixture import load_scenarios, parse_duration
from vcall.simulator.load import (
    LoadConfig,
    LoadResult,
    LoadRun,
    Thresholds,
    check_thresholds,
    estimate_load,
    parse_fraction,
    parse_ramp,
    run_load_to_outcome,
)
from vcall.simulator.replay import Target
from vcall.simulator.transport import Placement

EPILOG = """\
[bold]Examples[/]

  vcall load http://127.0.0.1:8080/callback -f builtin: --calls 1000 --concurrency 100
  vcall load http://127.0.0.1:8080/callback -f builtin: --duration 5m --rate 20/s --max-p99 300ms
  vcall load --example-bot -f builtin: --as-fast-as-possible --calls 500 --max-violations 0
  vcall load http://127.0.0.1:8080/callback -f builtin: --spec-only --max-violations 0
  vcall load http://127.0.0.1:8080/callback -f builtin: --ramp 0:1/s,1m:50/s,2m:50/s -c 2000 --report-html load.html

Bounded by construction: --calls ≤ 1,000,000, --duration ≤ 24h, --concurrency ≤ 20,000,
--rate ≤ 1000/s (the platform's SmartCall limit); with neither --calls nor --duration, 100 calls.
Exit codes: 0 ok · 1 a threshold breached, a call stopped on an exception, or a call failed
(unless --max-error-rate or --max-violations allows it) · 2 usage · 3 nothing listens on the endpoint ·
130 interrupted (partial summary printed).
"""


def load_command(
    target: Annotated[
        str | None, typer.Argument(help="Endpoint URL or an in-process app as module:attr.")
    ] = None,
    *,  # keyword-only from here: --fixture is required yet follows TARGET, which has a default
    fixture: Annotated[
        list[str],
        typer.Option(
            "--fixture", "-f", metavar="PATH", help="Fixture file, directory or glob; repeatable."
        ),
    ],
    example_bot: Annotated[
        bool, typer.Option("--example-bot", help="Target the built-in example bot in-process.")
    ] = False,
    calls: Annotated[
        int | None, typer.Option("--calls", "-n", help="Number of calls to run.")
    ] = None,
    duration: Annotated[
        str | None,
        typer.Option("--duration", metavar="DURATION", help="Run for this long, e.g. 5m."),
    ] = None,
    concurrency: Annotated[
        int, typer.Option("--concurrency", "-c", help="Calls in progress at once.")
    ] = 10,
    rate: Annotated[
        str | None, typer.Option("--rate", metavar="RATE", help="New calls per second, e.g. 20/s.")
    ] = None,
    ramp: Annotated[
        str | None,
        typer.Option(
            "--ramp", metavar="RAMP", help="Arrival rate over time, e.g. 0:10/s,5m:200/s,10m:200/s."
        ),
    ] = None,
    fast: Annotated[
        bool,
        typer.Option(
            "--as-fast-as-possible",
            help="Send each call's callbacks back to back (default: --realtime).",
        ),
    ] = False,
    realtime: Annotated[
        bool, typer.Option("--realtime", help="Pace each call on the wall clock (the default).")
    ] = True,
    weight: Annotated[
        list[str] | None,
        typer.Option("--weight", metavar="STEM=N", help="FIXTURE=N: relative weight (file stem)."),
    ] = None,
    params: Annotated[
        Placement, typer.Option("--params", help="form body (default) or query string.")
    ] = Placement.FORM,
    timeout: Annotated[
        str,
        typer.Option(
            "--timeout", metavar="DURATION", help="Per callback; no answer in time is an error."
        ),
    ] = "10s",
    max_p99: Annotated[
        str | None,
        typer.Option(
            "--max-p99",
            metavar="DURATION",
            help="Fail if the p99 latency is over this, e.g. 300ms.",
        ),
    ] = None,
    max_error_rate: Annotated[
        str | None,
        typer.Option("--max-error-rate", metavar="RATE", help="Fail over this rate, e.g. 0.1%."),
    ] = None,
    max_violations: Annotated[
        int | None,
        typer.Option(
            "--max-violations",
            help="Fail over this many spec violations (the fixtures' expectation misses are "
            "counted apart).",
        ),
    ] = None,
    spec_only: SpecOnlyOption = False,
    reports: Reports[JudgedLoad] = NO_REPORTS,
    seed: SeedOption = None,
    epoch: EpochOption = None,
    asr: AsrOption = None,
    allow_outside_paths: OutsidePathsOption = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No live display; summary only.")
    ] = False,
) -> None:
    """Run many complete, validated calls at once and report latency percentiles and violations."""
    console = output_console()
    with handled_errors():
        resolved = chosen_target(target, example_bot)
        config = LoadConfig(
            calls=calls,
            duration_ms=parse_duration(duration, what="--duration") if duration else None,
            concurrency=concurrency,
            rate=_parse_rate(rate),
            realtime=realtime and not fast,
            placement=params,
            timeout_s=parse_duration(timeout, what="--timeout") / 1000,
            weights=_weights(weight or []),
            seed=seed,
            epoch_ms=epoch_option(epoch),
            ramp=parse_ramp(ramp) if ramp else None,
            spec_only=spec_only,
        ).checked()
        reports.check()
        thresholds = Thresholds(
            max_p99_ms=parse_duration(max_p99, what="--max-p99") if max_p99 else None,
            max_error_rate=parse_fraction(max_error_rate) if max_error_rate else None,
            max_violations=max_violations,
        )
        options = load_options(seed, asr, allow_outside_paths)
        scenarios = load_scenarios(fixture, options=options)
        if not quiet:
            for line in plan_lines(config, estimate_load(scenarios, config)):
                console.print(line)
        result = _run(scenarios, resolved, config, console, quiet)
        if result.unreachable:  # one line, not tables of "could not connect"
            raise EndpointUnreachableError(unreachable_message(resolved.url))
        breaches = check_thresholds(result.stats, thresholds)
        _print_summary(console, result, breaches)
        reports.write(JudgedLoad(result, breaches))
    raise typer.Exit(_exit_code(result, bool(breaches)))


def _run(
    scenarios: list[Any], target: Target, config: LoadConfig, console: Console, quiet: bool
) -> LoadResult:
    shown = _with_live if console.is_terminal else _with_progress_lines
    watch = None if quiet else functools.partial(shown, console=console)
    return run_load_to_outcome(scenarios, target, config, run_on_fast_loop, watch)


async def _with_live(
    coroutine: Coroutine[Any, Any, LoadResult], holder: list[LoadRun], console: Console
) -> LoadResult:
    task = asyncio.ensure_future(coroutine)
    while not holder and not task.done():
        await asyncio.sleep(0)
    if not holder:
        return await task
    view = LiveLoadView(holder[0], time.perf_counter() * 1000)
    with Live(
        view.render(time.perf_counter() * 1000),
        console=console,
        refresh_per_second=4,
        transient=True,
    ) as live:
        while not task.done():
            await asyncio.wait({task}, timeout=0.25)
            live.update(view.render(time.perf_counter() * 1000))
    return await task


PROGRESS_EVERY_S = 5.0
"""How often a progress line is printed when the output is not a terminal (a CI log)."""


async def _with_progress_lines(
    coroutine: Coroutine[Any, Any, LoadResult], holder: list[LoadRun], console: Console
) -> LoadResult:
    task = asyncio.ensure_future(coroutine)
    started = time.perf_counter()
    while not task.done():
        await asyncio.wait({task}, timeout=PROGRESS_EVERY_S)
        if holder and not task.done():
            console.print(progress_line(holder[0], time.perf_counter() - started), markup=False)
    return await task


def _parse_rate(text: str | None) -> float | None:
    if text is None:
        return None
    raw = text.strip().lower().removesuffix("/s")
    try:
        return float(raw)
    except ValueError:
        raise UsageError(f"--rate {text!r}: expected calls per second such as 20/s") from None


def _weights(items: list[str]) -> dict[str, int]:
    weights: dict[str, int] = {}
    for item in items:
        name, _, value = item.rpartition("=")
        if not name or not value.isdigit():
            raise UsageError(f"--weight {item!r}: expected FIXTURE=N, e.g. dtmf_menu=3")
        weights[Path(name).stem] = int(value)
    return weights


def _print_summary(console: Console, result: LoadResult, breaches: list[Any]) -> None:
    for table in summary_tables(result):
        print_table(console, table)
    console.print(summary_line(result))
    for line in crash_lines(result):
        console.print(line)
    for line in breach_lines(breaches):
        console.print(line)


def _exit_code(result: LoadResult, breached: bool) -> ExitCode:
    if result.interrupted:
        return ExitCode.INTERRUPTED
    return ExitCode.FAILED if breached else ExitCode.OK


def register(app: typer.Typer) -> None:
    app.command("load", epilog=EPILOG)(LOAD_REPORTS.command(load_command))
