"""``vcall config``: the effective settings and where each one comes from."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.markup import escape

from vcall.cli.config_defaults import configured_defaults, option_shapes
from vcall.cli.errors import handled_errors
from vcall.cli.render.output import output_console
from vcall.simulator.config import COMMANDS, SHARED_KEYS, Settings, load_settings
from vcall.simulator.errors import UsageError

EPILOG = """\
[bold]Examples[/]

  vcall config                 [dim](the file found, shared keys and sections)[/]
  vcall config check           [dim](every option of vcall check: value and source)[/]
  VCALL_TIMEOUT=3s vcall config check --format json

Precedence: command line > environment (VCALL_TARGET, VCALL_TIMEOUT, …) > vcall.toml or
[tool.vcall] in pyproject.toml > vcall's defaults.

[bold]Exit codes[/]: 0 shown · 2 a configuration error (file:line and what is wrong)
"""


def config_command(
    command: Annotated[
        str | None,
        typer.Argument(
            help="Show every option of this command: its value and where it comes from."
        ),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", help="text or json.", metavar="text|json")
    ] = "text",
) -> None:
    """Show the effective settings (vcall.toml, [tool.vcall], VCALL_*) and where each comes from."""
    console = output_console()
    with handled_errors():
        if output_format not in {"text", "json"}:
            raise UsageError(f"--format: {output_format!r} is not text or json")
        settings = load_settings()
        rows = _command_rows(command) if command else _overview_rows(settings)
        if output_format == "json":
            file = str(settings.file) if settings.file else None
            typer.echo(json.dumps({"file": file, "settings": rows}, ensure_ascii=False, indent=2))
            return
        where = settings.file if settings.file else "none found (searched up to the project root)"
        console.print(f"configuration file: {escape(str(where))}")
        for row in rows:
            scope = f"[{row['scope']}] " if row["scope"] else ""
            console.print(
                f"{escape(scope)}{escape(row['key'])} = {escape(_shown(row['value']))}"
                f"  [dim]({escape(row['source'])})[/]"
            )


def _overview_rows(settings: Settings) -> list[dict[str, Any]]:
    rows = [_row("", key, s.value, s.source) for key, s in settings.shared.items()]
    for command, section in settings.sections.items():
        rows.extend(_row(command, key, s.value, s.source) for key, s in section.items())
    if not rows:
        rows = [_row("", key, None, "not set") for key in SHARED_KEYS]
    return rows


def _command_rows(name: str) -> list[dict[str, Any]]:
    from vcall.cli.app import app

    root: Any = typer.main.get_command(app)
    try:
        command = root.commands[name] if name in COMMANDS else None
    except KeyError:
        command = None
    if command is None:
        raise UsageError(f"no command {name!r} takes settings (vcall --help lists them)")
    chosen = configured_defaults(name, command)
    rows = []
    for param in command.params:
        if param.name is None or param.name not in option_shapes(command):
            continue
        if param.name in chosen:
            setting = chosen[param.name]
            rows.append(_row(name, param.name, setting.value, setting.source))
        else:
            rows.append(_row(name, param.name, _default(param.default), "default"))
    return rows


def _default(value: Any) -> Any:
    return (
        value
        if isinstance(value, str | int | float | bool | list | tuple) or value is None
        else str(value)
    )


def _row(scope: str, key: str, value: Any, source: str) -> dict[str, Any]:
    if isinstance(value, tuple):
        value = list(value)
    return {"scope": scope, "key": key, "value": value, "source": source}


def _shown(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "(none)"
    return str(value)


def register(app: typer.Typer) -> None:
    app.command("config", epilog=EPILOG)(config_command)
