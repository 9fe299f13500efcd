"""The root command group: each sub-command's module is imported only when that command runs.

``vcall --help`` lists the commands from a table of names and one-line helps, ``vcall
--version`` imports nothing of vcall's, and ``vcall validate-response`` imports the validator
but not the engine, the emulator or the SmartCall client. A command module keeps its usual
``register(app)``: it is called on a small Typer app of its own when the command is resolved.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from typing import Any, ClassVar

import typer
from typer import core

_click: Any = getattr(core, "_click", None) or importlib.import_module("click")
"""The click Typer builds on: its own copy in recent versions, the click package before."""


def click_module() -> Any:
    """The click that Typer builds its commands on (contexts, parameter sources)."""
    return _click


_ABORT: Any = getattr(core, "Abort", None) or _click.exceptions.Abort


@dataclass(frozen=True, slots=True)
class LazyCommand:
    """A command by name: the module whose ``register(app)`` adds it, and its one-line help."""

    module: str
    short_help: str


class _LoadOnAccess(dict[str, Any]):
    """The group's commands: ``commands[name]`` loads a lazy command; ``.get`` does not."""

    def __init__(self, loaded: dict[str, Any], lazy: dict[str, LazyCommand]) -> None:
        super().__init__(loaded)
        self.lazy = lazy

    def __missing__(self, name: str) -> Any:
        if name not in self.lazy:
            raise KeyError(name)
        self[name] = load_command(name, self.lazy[name])
        return self[name]


class LazyGroup(core.TyperGroup):
    """A ``TyperGroup`` that adds the commands of ``lazy`` when they are resolved."""

    lazy: ClassVar[dict[str, LazyCommand]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = _LoadOnAccess(dict(self.commands), self.lazy)

    def main(  # type: ignore[override]
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """As Typer's, except that off a terminal (a CI log, a pipe) a usage error is one plain
        line, ``error: ... (vcall X --help)``, instead of a box drawn 80 columns wide."""
        given = (args, prog_name, complete_var)
        if not standalone_mode or sys.stderr.isatty():
            return super().main(*given, standalone_mode=standalone_mode, **extra)
        try:
            code = super().main(*given, standalone_mode=False, **extra)
        except _click.exceptions.ClickException as error:
            message = error.format_message().strip()
            if message:  # (none when the help was shown instead: ``vcall`` alone)
                context = getattr(error, "ctx", None)
                hint = f" ({context.command_path} --help)" if context is not None else ""
                sys.stderr.write(f"error: {message}{hint}\n")
            sys.exit(error.exit_code)
        except _ABORT:
            sys.stderr.write("Aborted!\n")
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

    def list_commands(self, ctx: Any) -> list[str]:
        eager = super().list_commands(ctx)
        return [*eager, *(name for name in self.lazy if name not in eager)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None or cmd_name not in self.lazy:
            return command
        return _Listed(cmd_name, self.lazy[cmd_name].short_help)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] in self.lazy:
            self.commands[args[0]]  # loads it
        return super().resolve_command(ctx, args)


@dataclass(frozen=True, slots=True)
class _Listed:
    """A lazy command as ``vcall --help`` and completion list it: a name and one line. It is
    never invoked: resolving the command loads the real one."""

    name: str
    short_help: str
    hidden: bool = False
    deprecated: bool = False

    @property
    def help(self) -> str:
        return self.short_help

    def get_short_help_str(self, limit: int = 45) -> str:
        return self.short_help


_LOADED: dict[str, Any] = {}


def load_command(name: str, lazy: LazyCommand) -> Any:
    """Import the command's module and build its click command (once per process)."""
    if name not in _LOADED:
        _LOADED[name] = _build(name, lazy)
    return _LOADED[name]


def _build(name: str, lazy: LazyCommand) -> Any:
    module = importlib.import_module(lazy.module)
    holder = typer.Typer(rich_markup_mode="rich", add_completion=False)
    module.register(holder)
    group: Any = typer.main.get_group(holder)
    command = group.get_command(_click.Context(group), name)
    if command is None:
        raise LookupError(f"{lazy.module}.register() adds no command {name!r}")
    return command
