"""``vcall fixtures list`` and ``vcall fixtures copy``: the shipped fixtures, outside a checkout."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

LIST_EPILOG = """\
[bold]Examples[/]

  vcall fixtures list
  vcall simulate --example-bot -f builtin:                      (all of them)
  vcall simulate http://127.0.0.1:8080/callback -f builtin:inbound_order_inquiry --spec-only
"""

COPY_EPILOG = """\
[bold]Examples[/]

  vcall fixtures copy calls/           (then edit calls/*.yaml to match your bot)
  vcall simulate http://127.0.0.1:8080/callback -f calls/
"""


def list_command() -> None:
    """List the shipped fixtures: their builtin: name, direction and scenario."""
    from vcall.cli.errors import handled_errors
    from vcall.cli.render.output import output_console
    from vcall.simulator.fixture import PREFIX, builtin_fixtures, load_scenario

    console = output_console()
    with handled_errors():
        for path in builtin_fixtures():
            scenario = load_scenario(path)
            line = f"{PREFIX}{path.stem}  {scenario.call.direction.value}  {scenario.name}"
            console.print(line, markup=False)
    console.print(
        "They are the example bot's own test calls: against your bot, add --spec-only "
        "(spec rules only), or copy them with `vcall fixtures copy DIR` and edit the expectations.",
        markup=False,
    )


def copy_command(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="Where to copy them (created).")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite files already there.")] = False,
) -> None:
    """Copy the shipped fixtures into DIR, to edit into your own bot's tests."""
    from vcall.cli.errors import handled_errors
    from vcall.cli.render.output import output_console
    from vcall.simulator.errors import UsageError
    from vcall.simulator.fixture import builtin_fixtures

    console = output_console()
    with handled_errors():
        files = builtin_fixtures()
        if directory.exists() and not directory.is_dir():
            raise UsageError(f"{directory}: exists and is not a directory")
        clashes = [p.name for p in files if (directory / p.name).exists()]
        if clashes and not force:
            raise UsageError(
                f"{directory}: {len(clashes)} file(s) already there ({', '.join(clashes[:3])}"
                f"{', ...' if len(clashes) > 3 else ''}); nothing copied (--force overwrites)"
            )
        try:
            directory.mkdir(parents=True, exist_ok=True)
            for path in files:
                (directory / path.name).write_bytes(path.read_bytes())
        except OSError as error:
            raise UsageError(f"{directory}: cannot copy ({error.strerror})") from None
    console.print(f"copied {len(files)} fixture file(s) to {directory}/", markup=False)
    console.print(f"next: vcall simulate YOUR_TARGET -f {directory}/", markup=False)


def register(app: typer.Typer) -> None:
    """``vcall fixtures``: ``check`` (from ``fixtures``), ``list`` and ``copy``."""
    from vcall.cli.commands import fixtures

    fixtures.fixtures_app.command("list", epilog=LIST_EPILOG)(list_command)
    fixtures.fixtures_app.command("copy", epilog=COPY_EPILOG)(copy_command)
    fixtures.register(app)
