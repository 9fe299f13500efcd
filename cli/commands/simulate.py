"""``vcall simulate``: replay fixture scenarios against an endpoint (or open the console)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from vcall.cli.commands.epoch_option import EpochOption, epoch_option
from vcall.cli.commands.fixture_options import (
    AsrOption,
    OutsidePathsOption,
    SeedOption,
    SpecOnlyOption,
    load_options,
)
from vcall.cli.commands.persona_options import (
    LLM_RETRIES_DEFAULT,
    LLM_TIMEOUT_DEFAULT,
    MAX_TOKENS_DEFAULT,
    CallsOption,
    LlmOption,
    LlmRetriesOption,
    LlmTimeoutOption,
    MaxTokensOption,
    ModelOption,
    brains,
    persona_plan,
    print_goal_rate,
)
from vcall.cli.commands.property_options import AgentKeys, AgentPhrases, GoodbyePhrases, phrases
from vcall.cli.commands.targeting import chosen_target
from vcall.cli.errors import handled_errors
from vcall.cli.exit_codes import ExitCode
from vcall.cli.render.coverage import print_coverage
from vcall.cli.render.output import output_console, print_table
from vcall.cli.render.transcript import (
    TranscriptPrinter,
    placement_line,
    summary_line,
    summary_table,
    unreachable_line,
    wrong_path_of_run,
)
from vcall.cli.report_formats import RUN_REPORTS, CoveredRun
from vcall.cli.report_options import NO_REPORTS, Reports
from vcall.cli.report_paths import check_report_paths
from vcall.simulator.errors import UsageError
from vcall.simulator.explore import coverage_of, load_map
from vcall.simulator.fixture import load_scenarios_setting_aside, parse_duration
from vcall.simulator.properties import (
    Property,
    PropertyOutcome,
    reachable_outcomes,
    run_with_properties,
)
from vcall.simulator.replay import RunResult, SimulationConfig, Target, simulate
from vcall.simulator.spec import BeginTime
from vcall.simulator.transport import Placement

if TYPE_CHECKING:
    from vcall.simulator.persona import FixturePersonas

CONSOLE = "Console (no --fixture: you play the caller)"
EPILOG = """\
[bold]Examples[/]

  vcall simulate --example-bot          (the console: you play the caller)
  vcall simulate http://127.0.0.1:8080/callback --record new_call.yaml

  vcall simulate --example-bot --fixture builtin:          (every shipped fixture)
  vcall simulate http://127.0.0.1:8080/callback -f builtin: --spec-only    (your bot: spec rules only)
  vcall simulate http://127.0.0.1:8080/callback -f builtin:dtmf_menu_hash_terminated --report junit.xml
  vcall simulate myapp.main:app -f 'tests/calls/*.yaml' --concurrency 4 --report-json run.json
  vcall simulate myapp.main:app -f calls/ --report junit.xml --report-html report.html
  vcall simulate http://127.0.0.1:8080/callback -f builtin: --params query --check-placement
  vcall simulate --example-bot -f builtin: --asr fillers=0.3,homophones=0.2,seed=7
  vcall simulate myapp.main:app -f tests/calls/ --update-expectations --dry-run

  builtin: names the fixtures shipped with vcall (vcall fixtures list); vcall fixtures copy DIR
  copies them, to edit into your own bot's tests.

[bold]Exit codes[/]: 0 all passed · 1 expectation or spec failures · 2 usage or fixture errors ·
3 endpoint unreachable · 130 interrupted (partial results printed and written)
"""


def simulate_command(
    target: Annotated[
        str | None,
        typer.Argument(
            help="Endpoint URL (http://127.0.0.1:8080/callback) or an in-process ASGI/WSGI app as module:attr."
        ),
    ] = None,
    fixture: Annotated[
        list[str] | None,
        typer.Option(
            "--fixture",
            "-f",
            metavar="PATH",
            help="Fixture file, directory or glob; repeat for more.",
        ),
    ] = None,
    example_bot: Annotated[
        bool, typer.Option("--example-bot", help="Target the built-in example bot in-process.")
    ] = False,
    concurrency: Annotated[
        int, typer.Option("--concurrency", "-c", min=1, max=1000, help="Calls run side by side.")
    ] = 1,
    params: Annotated[
        Placement,
        typer.Option(
            "--params", help="Where the four parameters go: form body (default) or query string."
        ),
    ] = Placement.FORM,
    check_placement: Annotated[
        bool,
        typer.Option(
            "--check-placement",
            help="Send the first callback both ways; report an endpoint that takes only one.",
        ),
    ] = False,
    timeout: Annotated[
        str,
        typer.Option(
            "--timeout",
            metavar="DURATION",
            help="Per callback; no answer in time is an error (vcall's choice).",
        ),
    ] = "10s",
    latency_budget: Annotated[
        str | None,
        typer.Option(
            "--latency-budget",
            metavar="DURATION",
            help="Per callback; a slower answer is a warning (vcall's choice), e.g. 300ms.",
        ),
    ] = None,
    realtime: Annotated[
        bool,
        typer.Option("--realtime", help="Pace calls on the wall clock instead of a virtual clock."),
    ] = False,
    reports: Reports[CoveredRun] = NO_REPORTS,
    coverage: Annotated[
        str | None,
        typer.Option(
            "--coverage",
            help="MAP.json from vcall explore --report-json (or 'exercised', no map): what the "
            "fixtures reached and missed.",
        ),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail the call too.")] = False,
    spec_only: SpecOnlyOption = False,
    seed: SeedOption = None,
    epoch: EpochOption = None,
    asr: AsrOption = None,
    allow_outside_paths: OutsidePathsOption = False,
    update_expectations: Annotated[
        bool,
        typer.Option(
            "--update-expectations",
            help="Rewrite each fixture's failing expectations from the answers observed (in place; "
            "prints a diff).",
        ),
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="With --update-expectations: print the diff, write nothing."
        ),
    ] = False,
    begin_time: Annotated[
        BeginTime | None,
        typer.Option(
            "--begin-time",
            help="How normal callbacks write begin_time: seconds | ms | datetime (default: seconds "
            "inbound, ms outbound, or the fixture's call.begin_time).",
        ),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also show the platform model's notes.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only the summary.")] = False,
    outbound: Annotated[
        bool,
        typer.Option(
            "--outbound", help="An outbound call (SmartCall-style start).", rich_help_panel=CONSOLE
        ),
    ] = False,
    caller: Annotated[
        str | None, typer.Option("--caller", help="Calling number.", rich_help_panel=CONSOLE)
    ] = None,
    callee: Annotated[
        str | None, typer.Option("--callee", help="Called number.", rich_help_panel=CONSOLE)
    ] = None,
    orgcallee: Annotated[
        str | None,
        typer.Option(
            "--orgcallee",
            help="Inbound: the number first dialled (forwarding).",
            rich_help_panel=CONSOLE,
        ),
    ] = None,
    smartcall: Annotated[
        list[str] | None,
        typer.Option(
            "--smartcall",
            help="Outbound: NAME=VALUE, e.g. VoiceCode=hi.wav; repeat.",
            rich_help_panel=CONSOLE,
        ),
    ] = None,
    record: Annotated[
        Path | None,
        typer.Option(
            "--record",
            help="Write each call to FILE as it goes (FILE-2.yaml...).",
            rich_help_panel=CONSOLE,
        ),
    ] = None,
    properties: Annotated[
        Path | None,
        typer.Option(
            "--properties",
            help="Dialogue properties (YAML, as for vcall explore) checked on each played call.",
        ),
    ] = None,
    agent_phrase: AgentPhrases = None,
    agent_key: AgentKeys = None,
    goodbye_phrase: GoodbyePhrases = None,
    calls: CallsOption = 1,
    llm: LlmOption = None,
    model: ModelOption = None,
    llm_timeout: LlmTimeoutOption = LLM_TIMEOUT_DEFAULT,
    llm_retries: LlmRetriesOption = LLM_RETRIES_DEFAULT,
    max_tokens: MaxTokensOption = MAX_TOKENS_DEFAULT,
) -> None:
    """Replay caller scenarios against an endpoint and check every answer against the spec."""
    console = output_console()
    with handled_errors():
        resolved = chosen_target(target, example_bot)
        config = SimulationConfig(
            placement=params,
            timeout_s=parse_duration(timeout, what="--timeout") / 1000,
            latency_budget_ms=_optional_ms(latency_budget, "--latency-budget"),
            realtime=realtime,
            concurrency=concurrency,
            strict=strict,
            seed=seed,
            check_placement=check_placement,
            spec_only=spec_only,
            begin_time=begin_time,
            epoch_ms=epoch_option(epoch),
        )
        if not fixture:
            if llm is not None or model is not None or calls != 1:
                raise UsageError("--llm, --model and --calls play persona fixtures: give -f FILE")
            check_report_paths({"--record": record})
            raise typer.Exit(
                _open_console(
                    resolved, config, record, outbound, caller, callee, orgcallee, smartcall
                )
            )
        if record is not None or outbound:
            raise UsageError("--record and --outbound are for the console (without --fixture)")
        if dry_run and not update_expectations:
            raise UsageError("--dry-run goes with --update-expectations")
        if spec_only and update_expectations:
            raise UsageError("--spec-only ignores the expectations --update-expectations rewrites")
        reports.check()
        saved_map = load_map(coverage) if coverage else None
        options = load_options(seed, asr, allow_outside_paths)
        if spec_only and not quiet:
            console.print(
                "spec only: every answer is checked against the spec; the fixtures' "
                "expectations (answer, expect, end) are not",
                markup=False,
            )
        checked = (
            *_properties(properties),
            *phrases(agent_phrase, agent_key, goodbye_phrase).properties(),
        )
        printer = TranscriptPrinter(
            console, live=concurrency == 1, verbose=verbose, quiet=quiet, hold_wrong_path=True
        )
        scenarios, bad_files = load_scenarios_setting_aside(fixture, options=options)
        for bad in bad_files:  # said, and the others replayed: the exit code is still 2
            console.print(f"error: {bad} (this file is not replayed)", markup=False)
        llm_s = parse_duration(llm_timeout, what="--llm-timeout") / 1000
        scenarios, personas = persona_plan(
            scenarios, calls, brains(llm, model, llm_s, llm_retries, max_tokens)
        )
        played = simulate(scenarios, resolved, config, sink=printer, persona_player=personas)
        run = run_with_properties(played, checked)
        if wrong_path_of_run(run) is None:
            printer.release()
        covered = coverage_of(run, saved_map) if coverage else None
        judged = tuple(reachable_outcomes(run, checked))
        reports.write(CoveredRun(run, covered, judged))
        _print_summary(console, run, check_placement, resolved, personas)
        _print_run_properties(console, run, judged)
        if covered is not None and not run.unreachable:
            print_coverage(console, covered)
        if update_expectations and not run.unreachable:
            update_fixture_expectations(console, run, dry_run=dry_run)
    raise typer.Exit(ExitCode.USAGE if bad_files and not run.interrupted else _exit_code(run))


def _print_run_properties(
    console: Console, run: RunResult, judged: tuple[PropertyOutcome, ...]
) -> None:
    """The properties each call broke (added after its transcript was printed), then
    ``reachable``, judged once over the run's calls (a call cannot break it)."""
    from vcall.cli.render.properties import call_property_lines, run_property_lines

    lines = [*call_property_lines(run), *run_property_lines(list(judged))]
    for line in lines:
        console.print(line, markup=False, highlight=False)


def _properties(path: Path | None) -> tuple[Property, ...]:
    from vcall.simulator.properties import load_properties

    return load_properties(path) if path is not None else ()


def update_fixture_expectations(console: Console, run: RunResult, *, dry_run: bool) -> None:
    """``--update-expectations``: print the diff of every fixture file, then write them."""
    from vcall.cli.render.golden import print_golden_plan
    from vcall.simulator.golden import plan_expectation_updates, write_updates

    if run.interrupted:
        console.print("expectations: not updated (the run was interrupted)")
        return
    plan = plan_expectation_updates(run)
    print_golden_plan(console, plan, dry_run=dry_run)
    if not dry_run:
        try:
            write_updates(plan)
        except OSError as error:
            raise UsageError(f"cannot write fixture: {error}") from None


def _open_console(
    target: Target,
    config: SimulationConfig,
    record: Path | None,
    outbound: bool,
    caller: str | None,
    callee: str | None,
    orgcallee: str | None,
    smartcall: list[str] | None,
) -> int:
    """The interactive console; prompt_toolkit is imported only when it opens."""
    from vcall.cli.console import ConsoleOptions, console_settings, run_console

    settings = console_settings(
        outbound=outbound,
        caller=caller,
        callee=callee,
        orgcallee=orgcallee,
        smartcall=smartcall or (),
    )
    return run_console(ConsoleOptions(target, config, settings, record))


def _optional_ms(text: str | None, what: str) -> int | None:
    return parse_duration(text, what=what) if text else None


def _print_summary(
    console: Console,
    run: RunResult,
    check_placement: bool,
    target: Target,
    personas: FixturePersonas | None = None,
) -> None:
    found = wrong_path_of_run(run)
    if found is not None:  # one line, not a transcript and a table of identical 404s
        console.print(f"[bold red]{escape(found.line)}[/] · {run.failed} call(s) failed")
        return
    if run.unreachable:  # one line, not a transcript of "could not connect" per call
        if any(not call.unreachable for call in run.calls):
            print_table(console, summary_table(run))
        output_console(stderr=True).print(
            f"[bold red]error:[/] {escape(unreachable_line(run, target.url))}"
        )
        return
    print_table(console, summary_table(run))
    if check_placement:
        console.print(placement_line(run.placement))
    console.print(summary_line(run))
    if personas is not None:
        print_goal_rate(console, run, personas)


def _exit_code(run: RunResult) -> ExitCode:
    if run.interrupted:
        return ExitCode.INTERRUPTED
    if run.unreachable:
        return ExitCode.UNREACHABLE
    return ExitCode.FAILED if run.failed or run.placement_failed else ExitCode.OK


def register(app: typer.Typer) -> None:
    app.command("simulate", epilog=EPILOG)(RUN_REPORTS.command(simulate_command))
