"""Reports from a table: a result type's formats generate a command's ``--report-*`` options,
check the paths before the run and write the files after it.

A :class:`ReportTable` lists, for one result type, each format it can be written as: the option
that asks for it, its help, and the renderer. :meth:`ReportTable.command` gives a command
function the table's options in place of its ``reports`` parameter (the function receives one
:class:`Reports`: the paths given, by option); the command calls :meth:`Reports.check` before
it sends anything and :meth:`Reports.write` once it has its result. The tables themselves are in
:mod:`vcall.cli.report_formats`.

Checking (before the run): each path's directory exists and is writable, the path is not a
directory, the same file is not asked for twice, and ``-`` (standard output) is taken once; each
failure is a one-line usage error (exit code 2). Writing (after): each renderer writes through
:func:`vcall.simulator.atomic.write_atomic` (a regular file atomically; ``-``, FIFOs and devices
directly); an ``OSError`` is a one-line usage error.
"""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Generic, TypeVar

import typer

from vcall.cli.report_paths import check_report_paths
from vcall.simulator.atomic import STDOUT
from vcall.simulator.errors import UsageError

R = TypeVar("R")

PLACEHOLDER = "reports"
"""The command parameter the table's options replace."""


@dataclass(frozen=True, slots=True)
class ReportFormat(Generic[R]):
    """One format a result can be written as: ``--report-json FILE`` and its renderer."""

    format: str
    """What the file is: json, junit, html, csv, md."""
    option: str
    help: str
    write: Callable[[R, Path], None]
    """Renders the result to the path (through ``write_atomic``)."""
    aliases: tuple[str, ...] = ()
    """Other names of the same option."""

    @property
    def parameter(self) -> str:
        """The command function's parameter name: ``--report-json`` → ``report_json``."""
        return self.option.lstrip("-").replace("-", "_")


@dataclass(frozen=True, slots=True)
class ReportTable(Generic[R]):
    """The formats one result type (a run, a check, a map, a load, a diff) is written in."""

    result: str
    formats: tuple[ReportFormat[R], ...]

    def options(self) -> list[inspect.Parameter]:
        """The ``--report-*`` parameters, in the table's order, as Typer reads them."""
        return [
            inspect.Parameter(
                fmt.parameter,
                inspect.Parameter.KEYWORD_ONLY,
                default=None,
                annotation=Annotated[
                    Path | None, typer.Option(fmt.option, *fmt.aliases, help=fmt.help)
                ],
            )
            for fmt in self.formats
        ]

    def command(self, function: Callable[..., Any]) -> Callable[..., Any]:
        """``function`` with its ``reports`` parameter replaced by this table's options (for
        ``app.command(...)``; call it once the function's module is loaded: its annotations
        are resolved here)."""
        signature = inspect.signature(function)
        if PLACEHOLDER not in signature.parameters:
            raise TypeError(f"{function.__name__} has no {PLACEHOLDER!r} parameter")
        parameters: list[inspect.Parameter] = []
        for parameter in signature.parameters.values():
            if parameter.name == PLACEHOLDER:  # (its own annotation may name TYPE_CHECKING types)
                parameters.extend(option.replace(kind=parameter.kind) for option in self.options())
            else:
                annotation = _resolved(parameter.annotation, function)
                parameters.append(parameter.replace(annotation=annotation))

        @functools.wraps(function)
        def with_reports(**given: Any) -> Any:
            paths = {fmt.option: given.pop(fmt.parameter, None) for fmt in self.formats}
            return function(**given, **{PLACEHOLDER: self.given(paths)})

        with_reports.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=parameters, return_annotation=inspect.Signature.empty
        )
        with_reports.__annotations__ = {p.name: p.annotation for p in parameters}
        return with_reports

    def given(self, paths: Mapping[str, Path | None]) -> Reports[R]:
        """The reports asked for: ``paths`` by option name, None where not given."""
        known = {fmt.option for fmt in self.formats}
        unknown = set(paths) - known
        if unknown:
            raise ValueError(f"not in the {self.result} table: {sorted(unknown)}")
        return Reports(self, {option: path for option, path in paths.items() if path is not None})


@dataclass(frozen=True, slots=True)
class Reports(Generic[R]):
    """The reports a command was asked for (option → path) and the table that writes them."""

    table: ReportTable[R]
    paths: Mapping[str, Path] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.paths)

    def check(self, also: Mapping[str, Path | None] | None = None) -> None:
        """Before the run: every path can be written, none is asked for twice; ``also`` adds
        the command's other output files (``--graph``, ``--record``) to the same checks."""
        every = {**self.paths, **{k: v for k, v in (also or {}).items() if v is not None}}
        _refuse_twice(every)
        check_report_paths(dict(every))

    def write(self, result: R) -> None:
        """After the run: each format asked for, in the table's order."""
        for fmt in self.table.formats:
            path = self.paths.get(fmt.option)
            if path is None:
                continue
            try:
                fmt.write(result, path)
            except OSError as error:
                raise UsageError(f"cannot write report: {error}") from None


def _resolved(annotation: Any, function: Callable[..., Any]) -> Any:
    """A parameter's annotation as Typer reads it: postponed (a string) in the function's module,
    evaluated there, as ``inspect.signature(..., eval_str=True)`` would."""
    if not isinstance(annotation, str):
        return annotation
    return eval(annotation, function.__globals__)  # the module's own annotation


def _refuse_twice(paths: Mapping[str, Path]) -> None:
    """The same file given to two options: one would overwrite the other."""
    seen: dict[str, str] = {}
    for option, path in paths.items():
        if str(path) == STDOUT or str(path) == os.devnull:
            continue  # ``-`` twice is refused where standard output is taken; /dev/null is fine
        key = os.path.realpath(path)
        if key in seen:
            raise UsageError(
                f"{option} {path}: {seen[key]} already writes there; give another file"
            )
        seen[key] = option


NO_REPORTS: Reports[Any] = Reports(ReportTable("nothing", ()))
"""The ``reports`` parameter's default when the function is called without its table."""
