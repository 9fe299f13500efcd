"""Configuration as Click's ``default_map``: the file and ``VCALL_*`` fill in what the command
line leaves out (command line > environment > file > defaults).

The root callback calls :func:`apply_configuration` once the sub-command is known; Click then
hands each sub-command its own slice of the map (``default_map[name]``) and uses a value there
only for an option the command line did not give.
"""

from __future__ import annotations

from typing import Any

from vcall.simulator.config import Setting, load_settings

UNCONFIGURED = frozenset({"config", "init"})
"""Commands that read the configuration themselves (or write it) and get no defaults from it."""


def option_shapes(command: Any) -> dict[str, bool]:
    """A command's visible parameters by Python name, each with whether it takes several
    values. A group of commands (``vcall fixtures``) has none of its own."""
    shapes: dict[str, bool] = {}
    for param in getattr(command, "params", ()):
        if getattr(param, "hidden", False) or param.name is None:
            continue
        if param.name in {"help", "version"}:
            continue
        multiple = bool(getattr(param, "multiple", False)) or getattr(param, "nargs", 1) == -1
        shapes[param.name] = multiple
    return shapes


def configured_defaults(name: str, command: Any) -> dict[str, Setting]:
    """What the environment and the file set for ``command``, checked against its options."""
    settings = load_settings()
    shapes = option_shapes(command)
    settings.check_section(name, shapes)
    return settings.for_command(name, shapes)


def apply_configuration(ctx: Any) -> None:
    """Set ``ctx.default_map`` for the sub-command about to run."""
    name = ctx.invoked_subcommand
    if name is None or name in UNCONFIGURED or ctx.resilient_parsing:
        return
    command = ctx.command.get_command(ctx, name)
    if command is None:
        return
    chosen = configured_defaults(name, command)
    if chosen:
        ctx.default_map = {name: {key: setting.value for key, setting in chosen.items()}}
