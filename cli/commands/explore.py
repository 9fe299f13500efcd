"""``vcall explore``: crawl a bot's dialogue with no fixture written; report and save problems."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from vcall.cli.commands.epoch_option import EpochOption, epoch_option
from vcall.cli.commands.property_options import AgentKeys, AgentPhrases, GoodbyePhrases, phrases
from vcall.cli.errors import handled_errors
from vcall.cli.exit_codes import ExitCode
from vcall.cli.optional_value import optional_values
from vcall.cli.render.output import output_console
from vcall.cli.render.progress import explore_plan, explore_status, live_progress
from vcall.cli.report_formats import EXPLORE_REPORTS
from vcall.cli.report_options import NO_REPORTS, Reports
from vcall.simulator.errors import UsageError
from vcall.simulator.explore import ExploreProgress, Identity  # a lazy face: both are light
from vcall.simulator.fixture import parse_duration  # a lazy face: only durations loads


class Params(StrEnum):
    """``--params``: ``delivery.Placement``'s values (that module imports httpx, which waits
    until the plan line is out)."""

    FORM = "form"
    QUERY = "query"


if TYPE_CHECKING:  # the rest is imported once the plan line is out (the first output, fast)
    from vcall.simulator.explore import ExploreResult
    from vcall.simulator.fixture import CallSettings
    from vcall.simulator.properties import Phrases, Property

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
    target: Annotated[
        str | None,
        typer.Argument(help="Endpoint URL or an in-process ASGI/WSGI app as module:attr."),
    ] = None,
    example_bot: Annotated[
        bool, typer.Option("--example-bot", help="Explore the built-in example bot.")
    ] = False,
    say_file: Annotated[
        Path | None,
        typer.Option(
            "--say-file", help="What the caller says: one line each (default: a built-in bank)."
        ),
    ] = None,
    identity: Annotated[
        Identity,
        typer.Option(
            "--identity",
            help="How states are told apart: coarse (action and files), normal (+ TTS text with "
            "numbers and dates masked, + dynamic_id), fine (no masking).",
        ),
    ] = Identity.NORMAL,
    max_depth: Annotated[
        int, typer.Option("--max-depth", min=1, max=50, help="Caller moves per path.")
    ] = 8,
    max_calls: Annotated[int, typer.Option("--max-calls", min=1, help="Calls in all.")] = 5000,
    max_time: Annotated[
        str, typer.Option("--max-time", help="Wall-clock budget, e.g. 30s.")
    ] = "2m",
    concurrency: Annotated[
        int, typer.Option("--concurrency", "-c", min=1, max=1000, help="Calls side by side.")
    ] = 8,
    seed: Annotated[
        int, typer.Option("--seed", help="Seed for call ids: the same seed gives the same map.")
    ] = 0,
    epoch: EpochOption = None,
    params: Annotated[
        Params, typer.Option("--params", help="Where the parameters go.")
    ] = Params.FORM,
    timeout: Annotated[
        str, typer.Option("--timeout", help="Per callback; no answer in time is a problem.")
    ] = "10s",
    orgcallee: Annotated[
        str | None,
        typer.Option("--orgcallee", help="Explore forwarded calls (the number first dialled)."),
    ] = None,
    outbound: Annotated[
        bool,
        typer.Option(
            "--outbound", help="Explore outbound calls (SmartCall-style start, no callin)."
        ),
    ] = False,
    smartcall: Annotated[
        list[str] | None,
        typer.Option("--smartcall", help="Outbound: NAME=VALUE, e.g. VoiceCode=hi.wav; repeat."),
    ] = None,
    no_shrink: Annotated[
        bool, typer.Option("--no-shrink", help="Report the first path found, unshrunk.")
    ] = False,
    save: Annotated[
        Path | None, typer.Option("--save", help="Write one fixture per problem in DIR.")
    ] = None,
    save_paths: Annotated[
        Path | None, typer.Option("--save-paths", help="Write one fixture per state's path in DIR.")
    ] = None,
    reports: Reports[ExploreResult] = NO_REPORTS,
    graph: Annotated[
        Path | None, typer.Option("--graph", help="The map as Mermaid (.mmd) or DOT (.dot, .gv).")
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Warnings fail the exploration too.")
    ] = False,
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
    min_robustness: Annotated[
        float | None,
        typer.Option(
            "--min-robustness",
            min=0.0,
            max=1.0,
            help="With --asr-robustness: fail the run when the score is below this (e.g. 0.9).",
        ),
    ] = None,
    properties: Annotated[
        Path | None,
        typer.Option("--properties", help="Team-written dialogue properties (YAML) to check too."),
    ] = None,
    no_property: Annotated[
        list[str] | None,
        typer.Option(
            "--no-property",
            help="Switch a built-in property off: call-can-end, silence-ends, no-repeat "
            "(repeat, or NAME,NAME; 'all' for every one).",
        ),
    ] = None,
    with_property: Annotated[
        list[str] | None,
        typer.Option(
            "--property", help="Switch an opt-in property on: agent-on-request, goodbye-ends."
        ),
    ] = None,
    max_silences: Annotated[
        int,
        typer.Option(
            "--max-silences", min=1, max=20, help="silence-ends: silences before the bot ends it."
        ),
    ] = 3,
    max_repeats: Annotated[
        int,
        typer.Option(
            "--max-repeats", min=1, max=20, help="no-repeat: plays of one prompt in a row."
        ),
    ] = 3,
    agent_phrase: AgentPhrases = None,
    agent_key: AgentKeys = None,
    goodbye_phrase: GoodbyePhrases = None,
) -> None:
    """Crawl the bot's dialogue (no fixtures needed): map every state, report and shrink problems."""
    console = output_console()
    with handled_errors():
        graph_format = _graph_format(graph)
        reports.check(also={"--graph": graph})
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
                properties,
                no_property or (),
                with_property or (),
                max_silences,
                max_repeats,
                phrases(agent_phrase, agent_key, goodbye_phrase),
            ),
        )
        resolved = chosen_target(target, example_bot)
        progress = ExploreProgress()
        status = live_progress(console, lambda: explore_status(progress))
        with one_line_if_unreachable(resolved), status:
            result = explore(resolved, config, progress)
        reports.write(result)
        _write_graph(result, graph, graph_format)
        print_explore(console, result, strict)
    raise typer.Exit(_exit_code(result, strict))


def _properties(
    path: Path | None,
    off: Sequence[str],
    on: Sequence[str],
    max_silences: int,
    max_repeats: int,
    given: Phrases,
) -> tuple[Property, ...]:
    """The built-ins left on (and those the phrases given switch on), then the file's."""
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
    found = builtin_properties(given.apply(options))
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


def _write_graph(result: ExploreResult, graph: Path | None, graph_format: str) -> None:
    if graph is None:
        return
    from vcall.simulator.explore import write_graph

    try:
        write_graph(result, graph, graph_format)
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
    app.command("explore", epilog=EPILOG, cls=command)(EXPLORE_REPORTS.command(explore_command))
