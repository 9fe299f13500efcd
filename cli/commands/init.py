"""``vcall init``: scaffold tests for the team's own bot; never overwrites a file."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from vcall.cli.errors import handled_errors
from vcall.cli.render.output import output_console
from vcall.simulator.scaffold import DEFAULT_TARGET, plan_project, write_project

EPILOG = """\
[bold]Examples[/]

  vcall init                          [dim](here)[/]
  vcall init my-bot --target myapp.main:app
  vcall init --ci gitlab

Then edit vcall.toml's target and the two calls in calls/, and run: pytest tests/test_calls.py

[bold]Exit codes[/]: 0 written (existing files kept) · 2 the folder cannot be written
"""


class CiSystem(StrEnum):
    github = "github"
    gitlab = "gitlab"
    both = "both"
    none = "none"


def init_command(
    folder: Annotated[Path, typer.Argument(help="The project folder (created if missing).")] = Path(
        "."
    ),
    target: Annotated[
        str, typer.Option("--target", help="Your bot: an endpoint URL or module:attr.")
    ] = DEFAULT_TARGET,
    ci: Annotated[CiSystem, typer.Option("--ci", help="Which CI job to write.")] = CiSystem.both,
) -> None:
    """Start testing your own bot: two calls, a pytest file, vcall.toml and a CI job."""
    console = output_console()
    systems = {"both": ("github", "gitlab"), "none": ()}.get(ci.value, (ci.value,))
    with handled_errors():
        planned = plan_project(target, systems)  # type: ignore[arg-type]
        result = write_project(folder, planned)
    for path in result.written:
        console.print(f"wrote {escape(str(folder / path))}")
    for path in result.kept:
        console.print(f"kept  {escape(str(folder / path))} [dim](exists; not overwritten)[/]")
    here = "" if folder == Path(".") else f"cd {folder} && "
    console.print(
        f"next: edit the target in vcall.toml (now {escape(target)}), then: "
        f"{escape(here)}pytest tests/test_calls.py"
    )


def register(app: typer.Typer) -> None:
    app.command("init", epilog=EPILOG)(init_command)
