"""``vcall explore``: crawl a bot's dialogue with no fixture written; report and save problems."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from vcall.cli.commands.epoch_option import EPOCH_OPTION, epoch_option
from vcall.cli.errors import handled_errors
from vcall.cli.exit_codes import ExitCode
from vcall.cli.optional_value import optional_values
from vcall.cli.render.output import output_console
from vcall.cli.render.progress import explore_plan, explore_status, live_progress
from vcall.cli.report_paths import check_report_paths
from vcall.simulator.errors import UsageError
from vcall.simulator.explore import ExploreProgress, Identity  # a lazy face: both are light
from vcall.simulator.fixture.durations import parse_duration


class Params(StrEnum):
    """``--params``: ``delivery.Placement``'s values (that module imports httpx, which waits
    until the plan line is out)."""

    FORM = "form"
    QUERY = "query"


if TYPE_CHECKING:  # the rest is imported once the plan line is out (the first output, fast)
    from vcall.simulator.explore import ExploreResult
    from vcall.simulator.fixture import CallSettings
    from vcall.simulator.properties import Property

ASR_VARIANTS = 10
"""``--asr-robustness`` without K: the variants played per move."""
GRAPH_FORMATS = {
    ".mmd": "mermaid",
    ".mermaid": "mermaid",
    ".md": "mermaid",
    ".dot": "dot",
    ".gv": "dot",
}
EPILOG = """\
[bold]Examples[/]

  vcall explore --example-bot
  vcall explore http://127.0.0.1:8080/callback --report-html map.html --save found/
  printf '查快递\\n转人工\\n投诉\\n' > lines.txt   [dim](the words your bot listens for)[/]
  vcall explore myapp.main:app --say-file lines.txt --max-depth 5 --graph map.mmd
  vcall explore myapp.main:app --report-json map.json   (then: vcall simulate ... --coverage map.json)
  vcall explore myapp.main:app --asr-robustness 20 --min-robustness 0.9 --save fragile/

[bold]Exit codes[/]: 0 no problem found (warnings allowed) · 1 problems found or a property
violated (or warnings, with
--strict; or an ASR robustness below --min-robustness; or every callback got HTTP 404/405) · 2 usage errors ·
3 endpoint unreachable · 130 interrupted (the map so far printed and written)
"""


def explore_command(
    target: str | None = typer.Argument(
        None, help="Endpoint URL or an in-process ASGI/WSGI app as module:attr."
    ),
    example_bot: bool = typer.Option(
        False, "--example-bot", help="Explore the built-in example bot."
    ),
    say_file: Path | None = typer.Option(
        None, "--say-file", help="What the caller says: one line each (default: a built-in bank)."
    ),
    identity: Identity = typer.Option(
        Identity.NORMAL,
        "--identity",
        help="How states are told apart: coarse (action and files), normal (+ TTS text with "
        "numbers and dates masked, + dynamic_id), fine (no masking).",
    ),
    max_depth: int = typer.Option(8, "--max-depth", min=1, max=50, help="Caller moves per path."),
    max_calls: int = typer.Option(5000, "--max-calls", min=1, help="Calls in all."),
    max_time: str = typer.Option("2m", "--max-time", help="Wall-clock budget, e.g. 30s."),
    concurrency: int = typer.Option(
        8, "--concurrency", "-c", min=1, max=1000, help="Calls side by side."
    ),
    seed: int = typer.Option(
        0, "--seed", help="Seed for call ids: the same seed gives the same map."
    ),
    epoch: str | None = EPOCH_OPTION,
    params: Params = typer.Option(Params.FORM, "--params", help="Where the parameters go."),
    timeout: str = typer.Option(
        "10s", "--timeout", help="Per callback; no answer in time is a problem."
    ),
    orgcallee: str | None = typer.Option(
        None, "--orgcallee", help="Explore forwarded calls (the number first dialled)."
    ),
    outbound: bool = typer.Option(
        False, "--outbound", help="Explore outbound calls (SmartCall-style start, no callin)."
    ),
    smartcall: list[str] | None = typer.Option(
        None, "--smartcall", help="Outbound: NAME=VALUE, e.g. VoiceCode=hi.wav; repeat."
    ),
    no_shrink: bool = typer.Option(
        False, "--no-shrink", help="Report the first path found, unshrunk."
    ),
    save: Path | None = typer.Option(None, "--save", help="Write one fixture per problem in DIR."),
    save_paths: Path | None = typer.Option(
        None, "--save-paths", help="Write one fixture per state's path in DIR."
    ),
    report_json: Path | None = typer.Option(
        None, "--report-json", help="The map and problems as JSON."
    ),
    report_html: Path | None = typer.Option(
        None, "--report-html", help="A self-contained HTML report with the map drawn."
    ),
    graph: Path | None = typer.Option(
        None, "--graph", help="The map as Mermaid (.mmd) or DOT (.dot, .gv)."
    ),
    report_junit: Path | None = typer.Option(
        None, "--report-junit", help="JUnit XML: one test case per problem and per property."
    ),
    strict: bool = typer.Option(False, "--strict", help="Warnings fail the exploration too."),
    asr_robustness: Annotated[
        int,
        typer.Option(
            "--asr-robustness",
            min=0,
            max=200,
            metavar="[K]",
            help=f"Replay each move the crawl made by speech under K ASR variants (alone: "
            f"{ASR_VARIANTS}) and report how often the bot still routes the same way.",
        ),
    ] = 0,
    min_robustness: float | None = typer.Option(
        None,
        "--min-robustness",
        min=0.0,
        max=1.0,
        help="With --asr-robustness: fail the run when the score is below this (e.g. 0.9).",
    ),
    properties: Path | None = typer.Option(
        None, "--properties", help="Team-written dialogue properties (YAML) to check too."
    ),
    no_property: list[str] | None = typer.Option(
        None,
        "--no-property",
        help="Switch a built-in property off: call-can-end, silence-ends, no-repeat "
        "(repeat, or NAME,NAME; 'all' for every one).",
    ),
    with_property: list[str] | None = typer.Option(
        None, "--property", help="Switch an opt-in property on: agent-on-request, goodbye-ends."
    ),
    max_silences: int = typer.Option(
        3, "--max-silences", min=1, max=20, help="silence-ends: silences before the bot ends it."
    ),
    max_repeats: int = typer.Option(
        3, "--max-repeats", min=1, max=20, help="no-repeat: plays of one prompt in a row."
    ),
) -> None:
    """Crawl the bot's dialogue (no fixtures needed): map every state, report and shrink problems."""
    console = output_console()
    with handled_errors():
        graph_format = _graph_format(graph)
        check_report_paths(
            {
                "--report-json": report_json,
                "--report-html": report_html,
                "--graph": graph,
                "--report-junit": report_junit,
            }
        )
        if min_robustness is not None and not asr_robustness:
            raise UsageError("--min-robustness needs --asr-robustness (the variants to play)")
        max_time_s = parse_duration(max_time, what="--max-time") / 1000
        epoch_ms = epoch_option(epoch)
        console.print(explore_plan(concurrency, max_time_s), markup=False, highlight=False)
        from vcall.cli.commands.targeting import chosen_target, one_line_if_unreachable
        from vcall.cli.render.explore import print_explore
        from vcall.simulator.explore import ExploreConfig, Limits, explore, read_say_file
        from vcall.simulator.replay import SimulationConfig
        from vcall.simulator.transport import Placement

        config = ExploreConfig(
            simulation=SimulationConfig(
                placement=Placement(params.value),
                timeout_s=parse_duration(timeout, what="--timeout") / 1000,
                seed=seed,
                epoch_ms=epoch_ms,
            ),
            limits=Limits(
                max_depth=max_depth,
                max_calls=max_calls,
                max_time_s=max_time_s,
                concurrency=concurrency,
            ),
            identity=identity,
            lines=tuple(read_say_file(say_file)) if say_file else (),
            settings=_call_settings(outbound, orgcallee, smartcall or ()),
            shrink=not no_shrink,
            save_dir=save,
            save_paths_dir=save_paths,
            asr_robustness=asr_robustness,
            min_robustness=min_robustness,
            properties=_properties(
                properties, no_property or (), with_property or (), max_silences, max_repeats
            ),
        )
        resolved = chosen_target(target, example_bot)
        progress = ExploreProgress()
        status = live_progress(console, lambda: explore_status(progress))
        with one_line_if_unreachable(resolved), status:
            result = explore(resolved, config, progress)
        _write(result, report_json, report_html, graph, graph_format)
        _write_junit(result, report_junit)
        print_explore(console, result, strict)
    raise typer.Exit(_exit_code(result, strict))


def _properties(
    path: Path | None,
    off: Sequence[str],
    on: Sequence[str],
    max_silences: int,
    max_repeats: int,
) -> tuple[Property, ...]:
    """The built-ins left on, then the file's properties."""
    from vcall.simulator.properties import (
        BUILTIN_NAMES,
        BuiltinOptions,
        builtin_properties,
        load_properties,
    )

    names = {name.strip() for item in off for name in item.split(",") if name.strip()}
    if "all" in names:
        names = set(BUILTIN_NAMES) - {n.strip() for item in on for n in item.split(",")}
    wanted = {name.strip() for item in on for name in item.split(",") if name.strip()}
    options = BuiltinOptions(
        off=frozenset(names),
        on=frozenset(wanted),
        max_silences=max_silences,
        max_repeats=max_repeats,
    )
    found = builtin_properties(options)
    if path is not None:
        found = (*found, *load_properties(path))
    return found


def _call_settings(outbound: bool, orgcallee: str | None, smartcall: Sequence[str]) -> CallSettings:
    """Inbound by default; the console's rules for an outbound call and its parameters."""
    from vcall.simulator.fixture import CallSettings

    if not outbound and not smartcall:
        return CallSettings(orgcallee=orgcallee or "")
    from vcall.cli.console import console_settings  # imports prompt_toolkit: only when needed

    return console_settings(
        outbound=outbound, caller=None, callee=None, orgcallee=orgcallee, smartcall=smartcall
    )


def _graph_format(graph: Path | None) -> str:
    if graph is None:
        return ""
    found = GRAPH_FORMATS.get(graph.suffix.lower())
    if found is None:
        raise UsageError(f"--graph {graph}: name it *.mmd (Mermaid) or *.dot / *.gv (DOT)")
    return found


def _write(
    result: ExploreResult,
    report_json: Path | None,
    report_html: Path | None,
    graph: Path | None,
    graph_format: str,
) -> None:
    from vcall.simulator.explore import write_explore_html, write_explore_json, write_graph

    try:
        if report_json is not None:
            write_explore_json(result, report_json)
        if report_html is not None:
            write_explore_html(result, report_html)
        if graph is not None:
            write_graph(result, graph, graph_format)
    except OSError as error:
        raise UsageError(f"cannot write report: {error}") from None


def _write_junit(result: ExploreResult, path: Path | None) -> None:
    if path is None:
        return
    from vcall.simulator.properties import write_explore_junit

    problems = [(f"{i}. {p.kind.value}", p.summary) for i, p in enumerate(result.problems, 1)]
    try:
        write_explore_junit(result.target, problems, result.properties, path)
    except OSError as error:
        raise UsageError(f"cannot write report: {error}") from None


def _exit_code(result: ExploreResult, strict: bool = False) -> ExitCode:
    if result.interrupted:
        return ExitCode.INTERRUPTED
    if result.out_of_memory:  # what was found is written; the map is partial: never a pass
        return ExitCode.FAILED
    return ExitCode.FAILED if result.failed(strict) else ExitCode.OK


def register(app: typer.Typer) -> None:
    command = optional_values({"--asr-robustness": str(ASR_VARIANTS)})
    app.command("explore", epilog=EPILOG, cls=command)(explore_command)
