"""``vcall diff OLD NEW``: what changed between two versions of a bot."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from vcall.cli.errors import handled_errors
from vcall.cli.exit_codes import ExitCode
from vcall.cli.render.output import output_console
from vcall.cli.report_formats import DIFF_REPORTS
from vcall.cli.report_options import NO_REPORTS, Reports
from vcall.simulator.errors import UsageError
from vcall.simulator.explore import Identity
from vcall.simulator.fixture import parse_duration

if TYPE_CHECKING:
    from vcall.simulator.diff import DiffConfig, DiffResult, Source

EXAMPLE_BOT_WORD = "example-bot"


class FailOn(StrEnum):
    CHANGES = "changes"
    PROBLEMS = "problems"


EPILOG = """\
[bold]Examples[/]

  vcall diff example-bot example-bot   [dim](a bot against itself: no change)[/]
  vcall explore myapp.main:app --report-json released.json   [dim](keep it as an artefact)[/]
  vcall diff released.json myapp.main:app --report-md diff.md --report-html diff.html
  vcall diff http://127.0.0.1:8080/callback http://127.0.0.1:8081/callback --ignore mute_time

OLD and NEW are each an endpoint URL, an app as module:attr, example-bot, or a saved
vcall explore --report-json file. Targets are explored alike (same moves, seed and bounds).

[bold]Exit codes[/]: 0 no change · 1 changes found (with --fail-on problems: only new
problems) · 2 usage errors · 3 a target unreachable · 130 interrupted
"""


def diff_command(
    old: Annotated[
        str, typer.Argument(help="The released version: a target or a saved map (.json).")
    ],
    new: Annotated[str, typer.Argument(help="The version under review: a target or a saved map.")],
    ignore: Annotated[
        list[str] | None,
        typer.Option(
            "--ignore", help="An answer field expected to change (mute_time, ...); repeat."
        ),
    ] = None,
    fail_on: Annotated[
        FailOn,
        typer.Option("--fail-on", help="changes: any change fails; problems: only new problems."),
    ] = FailOn.CHANGES,
    say_file: Annotated[
        Path | None,
        typer.Option(
            "--say-file", help="What the caller says: one line each (default: a built-in bank)."
        ),
    ] = None,
    identity: Annotated[
        Identity, typer.Option("--identity", help="How states are told apart (as vcall explore).")
    ] = Identity.NORMAL,
    max_depth: Annotated[
        int, typer.Option("--max-depth", min=1, max=50, help="Caller moves per path.")
    ] = 8,
    max_calls: Annotated[int, typer.Option("--max-calls", min=1, help="Calls per version.")] = 5000,
    max_time: Annotated[
        str, typer.Option("--max-time", help="Wall-clock budget per version.")
    ] = "2m",
    concurrency: Annotated[
        int, typer.Option("--concurrency", "-c", min=1, max=1000, help="Calls side by side.")
    ] = 8,
    seed: Annotated[int, typer.Option("--seed", help="Seed for call ids (the same for both).")] = 0,
    timeout: Annotated[str, typer.Option("--timeout", help="Per callback.")] = "10s",
    save: Annotated[
        Path | None,
        typer.Option("--save", help="Write one fixture per changed path in DIR (NEW's answers)."),
    ] = None,
    reports: Reports[DiffResult] = NO_REPORTS,
) -> None:
    """What changed between two versions of a bot: states, answers, routes, problems."""
    console = output_console()
    with handled_errors():
        reports.check()
        from vcall.cli.render.diff import print_diff
        from vcall.simulator.diff import DiffConfig
        from vcall.simulator.explore import ExploreConfig, Limits, read_say_file
        from vcall.simulator.replay import SimulationConfig, Target

        config = DiffConfig(
            explore=ExploreConfig(
                simulation=SimulationConfig(
                    timeout_s=parse_duration(timeout, what="--timeout") / 1000, seed=seed
                ),
                limits=Limits(
                    max_depth=max_depth,
                    max_calls=max_calls,
                    max_time_s=parse_duration(max_time, what="--max-time") / 1000,
                    concurrency=concurrency,
                ),
                identity=identity,
                lines=tuple(read_say_file(say_file)) if say_file else (),
                shrink=False,
            ),
            ignore=tuple(ignore or ()),
            save_dir=save,
        )
        before, after = _source(old, "OLD"), _source(new, "NEW")
        if save is not None and not isinstance(after, Target):
            raise UsageError("--save: NEW must be a target (a saved map cannot be played)")
        result = _diffed(before, after, config)
        reports.write(result)
        print_diff(console, result)
    raise typer.Exit(ExitCode.FAILED if result.failed(fail_on.value) else ExitCode.OK)


def _diffed(before: Source, after: Source, config: DiffConfig) -> DiffResult:
    """``diff()``; an unreachable target said as ``explore`` says it (``nothing listens on
    HOST:PORT — is your bot running?``)."""
    from vcall.cli.render.transcript import unreachable_message
    from vcall.simulator.diff import diff
    from vcall.simulator.errors import EndpointUnreachableError
    from vcall.simulator.replay import Target

    try:
        return diff(before, after, config)
    except EndpointUnreachableError as error:
        said = str(error)
        for source in (before, after):
            if isinstance(source, Target) and source.label in said:
                raise EndpointUnreachableError(unreachable_message(source.url, said)) from None
        raise


def _source(text: str, which: str) -> Source:
    """A saved map (an existing file, or a name ending ``.json``), ``example-bot``, or a
    target."""
    from vcall.simulator.replay import EXAMPLE_BOT, resolve_target

    if text == EXAMPLE_BOT_WORD:
        return resolve_target(EXAMPLE_BOT)
    path = Path(text)
    if path.suffix.lower() == ".json" or path.is_file():
        if not path.is_file():
            raise UsageError(f"{which} {text}: no such file")
        return path
    return resolve_target(text)


def register(app: typer.Typer) -> None:
    app.command("diff", epilog=EPILOG)(DIFF_REPORTS.command(diff_command))
