"""The ``vcall`` command: the typer application and its sub-commands."""

from __future__ import annotations

import typer

import vcall
from vcall.cli.commands import emulator, example_bot, fixtures, load, simulate, smartcall, validate
from vcall.cli.commands import tap as tap_command

app = typer.Typer(
    name="vcall",
    help=(
        "Local call simulator and toolkit for Alibaba Cloud SmartCall (intelligent voice "
        "interaction) callback endpoints."
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
    epilog=(
        "[bold]Start here[/]: vcall simulate --example-bot --fixture fixtures/  ·  "
        "vcall simulate --example-bot (the console)  ·  vcall COMMAND --help for examples"
    ),
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"vcall {vcall.__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False,
        "--version",
        "-V",
        callback=_version,
        is_eager=True,
        help="Show the version and exit.",
    ),
) -> None:
    """vcall plays the platform's part: it sends callbacks to your endpoint and checks every answer."""


validate.register(app)
simulate.register(app)
load.register(app)
fixtures.register(app)
smartcall.register(app)
emulator.register(app)
example_bot.register(app)
tap_command.register(app)


def main() -> None:
    app()
