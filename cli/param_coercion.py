"""Option values without Pydantic: Typer ≥ 0.2x coerces every value through a Pydantic
``TypeAdapter``, which costs a command ~40 ms of start-up before it does anything (importing
Pydantic and building the adapters). Text, choices (enums) and values with their own ``parser=``
— nearly all of vcall's options — are coerced here the same way, without it; anything else
(numbers with ranges, paths, files, tuples) keeps Typer's own coercion. Installed once, when the
application is built; Typer versions without this hook are left as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, get_args, get_origin

from typer import core

try:
    from typer._coercion import RuntimeParam
    from typer._param_types import coerce_cli_choice
except ImportError:  # an older Typer: nothing to speed up
    RuntimeParam = None  # type: ignore[assignment,misc]


def _plain(annotation: Any, info: Any) -> str | None:
    """How to coerce a leaf annotation here ("parser", "choice", "text"), or None: Typer's."""
    if getattr(info, "parser", None) is not None:
        return "parser"
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "choice"
    if annotation is str:
        return "text"
    if annotation is bool:
        return "flag"
    return None


_TRUE = frozenset({"1", "true", "t", "yes", "y", "on"})
_FALSE = frozenset({"0", "false", "f", "no", "n", "off", ""})


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise ValueError(f"{value!r} is not a valid boolean")


def _leaf(kind: str, annotation: Any, info: Any, value: Any, ctx: Any, param: Any) -> Any:
    try:
        if kind == "parser":
            return info.parser(value)
        if kind == "choice":
            return coerce_cli_choice(
                value, choices=tuple(annotation), case_sensitive=info.case_sensitive, ctx=ctx
            )
        if kind == "flag":
            return _flag(value)
        return value.decode() if isinstance(value, bytes) else str(value)
    except (ValueError, TypeError) as error:
        if isinstance(error, core._click.exceptions.BadParameter):  # type: ignore[attr-defined]
            raise
        raise core._click.exceptions.BadParameter(str(error), ctx=ctx, param=param) from None  # type: ignore[attr-defined]


if RuntimeParam is not None:

    @dataclass(frozen=True)
    class _PlainParam(RuntimeParam):
        kind: str = "text"
        many: bool = False

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            leaf = get_args(self.annotation)[0] if self.many else self.annotation
            info = self.parameter_info
            if self.many:
                return [_leaf(self.kind, leaf, info, item, ctx, param) for item in value]
            return _leaf(self.kind, leaf, info, value, ctx, param)


def _plain_param(descriptor: Any) -> Any:
    if descriptor.file_annotation is not None or descriptor.is_tuple:
        return None
    annotation, info = descriptor.annotation, descriptor.parameter_info
    many = get_origin(annotation) is list
    kind = _plain(get_args(annotation)[0] if many else annotation, info)
    if kind is None:
        return None
    return _PlainParam(parameter_info=info, annotation=annotation, kind=kind, many=many)


_installed: list[bool] = []


def install() -> None:
    """Patch Typer's parameters to coerce plain values here (idempotent)."""
    parameter: Any = getattr(core, "_TyperParameter", None)
    if _installed or RuntimeParam is None or not hasattr(parameter, "get_runtime_param"):
        return
    original = parameter.get_runtime_param

    def get_runtime_param(self: Any) -> Any:
        if self._runtime_param is None:
            self._runtime_param = _plain_param(self.type_descriptor)
        return self._runtime_param if self._runtime_param is not None else original(self)

    parameter.get_runtime_param = get_runtime_param
    _installed.append(True)
