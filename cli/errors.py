"""The one place where library exceptions become a one-line message and an exit code."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click
from rich.console import Console
from rich.markup import escape

from vcall.cli.exit_codes import ExitCode
from vcall.simulator import errors

_EXIT_CODES: tuple[tuple[type[errors.VcallError], ExitCode], ...] = (
    (errors.UsageError, ExitCode.USAGE),
    (errors.FixtureError, ExitCode.USAGE),
    (errors.CredentialsError, ExitCode.USAGE),
    (errors.EndpointUnreachableError, ExitCode.UNREACHABLE),
    (errors.ApiError, ExitCode.API_ERROR),
)


def exit_code_for(error: errors.VcallError) -> ExitCode:
    for kind, code in _EXIT_CODES:
        if isinstance(error, kind):
            return code
    return ExitCode.FAILED


def _console() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def report_error(error: errors.VcallError) -> ExitCode:
    _console().print(f"[bold red]error:[/] {escape(str(error))}")
    return exit_code_for(error)


@contextmanager
def handled_errors(
    on_interrupt: Callable[[], None] | None = None, *, internal: bool = False
) -> Iterator[None]:
    """Turn library errors into a one-line message and ``sys.exit(code)``; never a traceback.
    With ``internal``, any other exception (a bug in vcall) is one line too, and exits
    :attr:`ExitCode.INTERNAL_ERROR` rather than 1, the code of a failed check."""
    try:
        yield
    except errors.VcallError as error:
        sys.exit(report_error(error))
    except Exception as error:
        if not internal or isinstance(error, click.exceptions.Exit | click.ClickException):
            raise
        _console().print(
            f"[bold red]internal error:[/] {escape(type(error).__name__)}: {escape(str(error))} "
            "(a bug in vcall: please report it with the command you ran)"
        )
        sys.exit(ExitCode.INTERNAL_ERROR)
    except KeyboardInterrupt:
        if on_interrupt is not None:
            on_interrupt()
        _console().print("[yellow]interrupted[/]")
        sys.exit(ExitCode.INTERRUPTED)
