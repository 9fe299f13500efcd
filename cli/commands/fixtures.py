"""``vcall fixtures check``: validate fixture files without running them (a fast pre-commit hook)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from vcall.cli.errors import handled_errors
from vcall.cli.exit_codes import ExitCode
from vcall.cli.render.output import output_console
from vcall.simulator.fixture import FixtureCheck, check_fixtures

fixtures_app = typer.Typer(
    help="Work with fixture files (caller scenarios).",
    no_args_is_help=True,
    epilog="[bold]Examples[/]: vcall fixtures list · vcall fixtures copy calls/ · "
    "vcall fixtures check calls/",
    rich_markup_mode="rich",
)

EPILOG = """\
[bold]Examples[/]

  vcall fixtures copy calls/ && vcall fixtures check calls/
  vcall fixtures check 'calls/**/*.yaml' builtin:

Exit codes: 0 all valid (warnings allowed) · 1 some file invalid · 2 usage (path not found).
Nothing is run and nothing is contacted: fast enough for a pre-commit hook.
"""


@fixtures_app.command("check", epilog=EPILOG)
def check_command(
    paths: Annotated[list[str], typer.Argument(help="Fixture files, directories or globs.")],
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only problems.")] = False,
) -> None:
    """Check fixture files: schema, unknown keys (with suggestions), steps that can never run."""
    console = output_console()
    with handled_errors():
        results = check_fixtures(paths)
    for result in results:
        _print(console, result, quiet)
    bad = sum(1 for result in results if not result.ok)
    colour = "red" if bad else "green"
    console.print(f"[{colour}]{len(results) - bad} valid, {bad} invalid[/] fixture file(s)")
    raise typer.Exit(ExitCode.FAILED if bad else ExitCode.OK)


def _print(console: Console, result: FixtureCheck, quiet: bool) -> None:
    if result.ok and not result.findings:
        if not quiet:
            name = result.scenario.name if result.scenario else ""
            calls = f" ({result.calls} calls)" if result.calls > 1 else ""
            line = f"[green]ok[/]   {escape(result.file)}  [dim]{escape(name)}{calls}[/]"
            console.print(line, soft_wrap=True)
        return
    for finding in result.findings:  # one line each, file:line first: editors and hooks link it
        style = "red" if finding.is_error else "yellow"
        line = f"[{style}]{finding.severity.value}[/] {escape(finding.message)}"
        console.print(line, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.add_typer(fixtures_app, name="fixtures")
