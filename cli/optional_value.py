"""Options whose value may be left out: ``--asr-robustness`` alone plays the default number of
variants, ``--asr-robustness 20`` sets it.

Typer has no option with an optional value (its ``is_flag``/``flag_value`` are deprecated and
ignored), so the command class a command is registered with (``app.command(cls=...)``, Typer's
public hook) writes the default in before the arguments are parsed: after such an option, a
word that is not a number (another option, the target) or the end of the line gets the default
put before it. ``--opt=20`` and anything after ``--`` are left as they are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from typer import core

_NUMBER = re.compile(r"[+-]?\d+(?:\.\d*)?")
"""A word taken as the option's value (a negative or decimal one reaches the option's own check,
which says what is wrong with it)."""


def with_defaults(args: Sequence[str], defaults: Mapping[str, str]) -> list[str]:
    """``args`` with each option of ``defaults`` given without a value followed by its default."""
    out: list[str] = []
    for index, arg in enumerate(args):
        out.append(arg)
        if arg == "--":
            out.extend(args[index + 1 :])
            break
        if arg in defaults:
            following = args[index + 1] if index + 1 < len(args) else None
            if following is None or not _NUMBER.fullmatch(following):
                out.append(defaults[arg])
    return out


def optional_values(defaults: Mapping[str, str]) -> type[core.TyperCommand]:
    """A Typer command class whose options named in ``defaults`` may be given without a value
    (``{"--asr-robustness": "10"}``); the option itself is an ordinary one taking a value."""

    class OptionalValues(core.TyperCommand):
        def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
            return super().parse_args(ctx, with_defaults(args, defaults))

    return OptionalValues
