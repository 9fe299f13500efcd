"""How option and argument values read in ``--help``: ``--timeout DURATION``, not ``<str>``.

Typer ≥ 0.2x prints a Python type beside every parameter (``<bool>`` even on a flag that takes
no value, ``<list[str]>``) and writes a required argument as ``{paths}...``. vcall's help shows a
flag bare, a value as the placeholder its help text uses (``TEXT``, ``N``, ``PATH`` or the
parameter's own ``metavar``), choices as ``form|query`` and arguments in capitals. Applied once,
when the application is built; older Typer versions without these hooks are left as they are.
"""

from __future__ import annotations

from typing import Any

from typer import core

_PLACEHOLDERS = {"int": "N", "float": "NUMBER", "str": "TEXT", "bool": "BOOLEAN"}


def _value_placeholder(param: Any, ctx: Any) -> str | None:
    if param.metavar is not None:
        return str(param.metavar)
    if getattr(param, "is_flag", False):
        return None
    label = str(_original_display_type(param, ctx)).strip("<>")
    if "|" in label:  # choices
        return label.removeprefix("list[").removesuffix("]")
    if label.endswith(" range"):
        label = label.removesuffix(" range")
    label = label.removeprefix("list[").removesuffix("]")
    if label in ("path", "file", "directory"):
        return label.upper()
    return _PLACEHOLDERS.get(label, label.upper())


def _argument_name(param: Any) -> str:
    return str(param.metavar) if param.metavar is not None else str(param.name or "").upper()


def _argument_usage(param: Any) -> str:
    name = _argument_name(param)
    shown = name if param.required else f"[{name}]"
    return shown + ("..." if param.nargs != 1 and not name.endswith("...") else "")


_original_display_type: Any = None


def install() -> None:
    """Patch Typer's help rendering (idempotent)."""
    global _original_display_type
    option, argument = core.TyperOption, core.TyperArgument
    hooks = ("display_type", "display_type_rich")
    if _original_display_type is not None or not all(hasattr(option, hook) for hook in hooks):
        return
    _original_display_type = option.display_type
    option.display_type_rich = _value_placeholder  # type: ignore[method-assign,assignment]
    argument.display_type_rich = lambda self, ctx: None  # type: ignore[method-assign]
    if hasattr(argument, "_usage_display_name") and hasattr(argument, "display_name_raw"):
        argument._usage_display_name = _argument_usage  # type: ignore[method-assign,assignment]
        argument.display_name_raw = property(_argument_name)  # type: ignore[assignment,method-assign]
