"""The one place where library exceptions become a one-line message and an exit code."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

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
def handled_errors(on_interrupt: Callable[[], None] | None = None) -> Iterator[None]:
    """Turn library errors into a one-line message and ``sys.exit(code)``; never a traceback."""
    try:
        yield
    except errors.VcallError as error:
        sys.exit(report_error(error))
    except KeyboardInterrupt:
        if on_interrupt is not None:
            on_interrupt()
        _console().print("[yellow]interrupted[/]")
        sys.exit(ExitCode.INTERRUPTED)
