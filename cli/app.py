"""The ``vcall`` command: the typer application and its sub-commands."""

from __future__ import annotations

from typing import Annotated, ClassVar

import typer

import vcall
from vcall.cli import help_format, param_coercion
from vcall.cli.lazy_group import LazyCommand, LazyGroup

help_format.install()
param_coercion.install()

_COMMANDS = "vcall.cli.commands."


class _Commands(LazyGroup):
    """vcall's commands, each imported when it runs (``vcall --help`` imports none)."""

    lazy: ClassVar[dict[str, LazyCommand]] = {  # in the order a newcomer needs them
        "check": LazyCommand(
            _COMMANDS + "check",
            "Run a built-in suite of generic caller behaviours; spec rules only, no fixtures.",
        ),
        "explore": LazyCommand(
            _COMMANDS + "explore",
            "Crawl the bot's dialogue (no fixtures needed): map every state, report problems.",
        ),
        "diff": LazyCommand(
            _COMMANDS + "diff",
            "What changed between two versions of a bot: states, answers, routes, problems.",
        ),
        "simulate": LazyCommand(
            _COMMANDS + "simulate",
            "Replay caller scenarios against an endpoint and check every answer against the spec.",
        ),
        "persona": LazyCommand(
            _COMMANDS + "persona",
            "Callers with a goal (rule-based, or an LLM): goal met or not, turns, where stuck.",
        ),
        "validate-response": LazyCommand(
            _COMMANDS + "validate", "Check a response body your endpoint returns."
        ),
        "load": LazyCommand(
            _COMMANDS + "load",
            "Run many complete, validated calls at once: latency percentiles and violations.",
        ),
        "fixtures": LazyCommand(
            _COMMANDS + "fixtures_builtin",
            "Work with fixture files: check, list and copy the shipped ones.",
        ),
        "tap": LazyCommand(
            _COMMANDS + "tap",
            "Relay live callbacks to your bot, check every answer, save each call as a fixture.",
        ),
        "smartcall": LazyCommand(
            _COMMANDS + "smartcall", "Place outbound calls through the SmartCall API."
        ),
        "emulator": LazyCommand(
            _COMMANDS + "emulator", "Serve a local SmartCall API that places simulated calls."
        ),
        "example-bot": LazyCommand(
            _COMMANDS + "example_bot", "Serve the built-in example bot on 127.0.0.1."
        ),
        "init": LazyCommand(
            _COMMANDS + "init",
            "Start testing your own bot: fixtures, a pytest file, a config file and a CI job.",
        ),
        "config": LazyCommand(
            _COMMANDS + "config",
            "Show the effective settings (vcall.toml, [tool.vcall], VCALL_*) and where each "
            "comes from.",
        ),
    }


app = typer.Typer(
    name="vcall",
    cls=_Commands,
    help=(
        "Local call simulator and toolkit for Alibaba Cloud SmartCall (intelligent voice "
        "interaction) callback endpoints."
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
    epilog=(
        "[bold]Start here[/]: vcall check --example-bot (then vcall check URL: your bot, no "
        "fixtures needed)  ·  vcall simulate --example-bot --fixture builtin: (every shipped "
        "call)  ·  vcall simulate --example-bot (the console: you play the caller)  ·  "
        "vcall COMMAND --help for examples"
    ),
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"vcall {vcall.__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
    no_color: Annotated[
        bool,
        typer.Option(
            "--no-color",
            help="No colours in the output, on a terminal too (as the NO_COLOR variable).",
        ),
    ] = False,
) -> None:
    """vcall plays the platform's part: it sends callbacks to your endpoint and checks every answer."""
    if no_color:
        from vcall.cli.render.output import disable_colour

        disable_colour()
    from vcall.simulator import secrets  # every byte written to the terminal is masked

    secrets.register_environment()
    secrets.install_masking_streams()
    from vcall.cli.config_defaults import apply_configuration
    from vcall.cli.errors import handled_errors

    with handled_errors():
        apply_configuration(ctx)


def main() -> None:
    app()
