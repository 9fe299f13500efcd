"""``vcall validate-response``: check one response body against the spec, offline."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Annotated

import typer

from vcall.cli.errors import handled_errors
from vcall.cli.exit_codes import ExitCode
from vcall.cli.render.findings import print_findings
from vcall.cli.render.output import output_console
from vcall.simulator.bounded_read import read_prefix, read_stream_prefix
from vcall.simulator.errors import InputNotFoundError, UsageError
from vcall.simulator.findings import Finding
from vcall.simulator.spec import MAX_RESPONSE_BYTES, CallbackKind, Stage
from vcall.simulator.validation import ValidationResult, validate_response

STDIN = "-"


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


HELP = (
    "Check a response body your endpoint returns, without running a call.\n\n"
    "Reads FILE, or stdin when FILE is [bold]-[/] or absent and a body is piped in. Every "
    "problem is a finding with a stable rule id (see docs/rules.md).\n\n"
    "Exit status: 0 no errors (warnings allowed unless [bold]--strict[/]), 1 errors found, "
    "2 usage error."
)

EPILOG = """[bold]Examples[/]

[cyan]vcall validate-response answer.json --stage callin[/]
[cyan]vcall validate-response answer.json --stage callin --format json --strict[/]

An answer to check, from a running bot (here [cyan]vcall example-bot[/]):

[cyan]curl -s http://127.0.0.1:8080/callback \\
  -d 'call_id=100001616500^100001871490' -d timestamp=1717000000000 \\
  -d content_type=callin -o answer.json \\
  --data-urlencode 'content={"caller":"13800138000","callee":"057126880000"}'[/]

[cyan]curl -s http://127.0.0.1:8080/callback -d content_type=mute -d 'content={}' \\
  -d 'call_id=100001616500^100001871490' -d timestamp=1717000009000 |
  vcall validate-response - --stage followup \\
    --call-id '100001616500^100001871490'[/]"""


def read_body(file: str | None) -> bytes:
    """The bytes of ``file``, or of stdin for ``-`` (or no file with piped input): at most one
    byte more than an answer may have (the rest is not read; the validator says too large)."""
    if file is None or file == STDIN:
        if file is None and sys.stdin.isatty():
            raise UsageError("no input: give a FILE, or pipe a response body on stdin")
        return read_stream_prefix(sys.stdin.buffer, MAX_RESPONSE_BYTES)
    try:
        return read_prefix(file, MAX_RESPONSE_BYTES)  # more than the limit: body-too-large
    except FileNotFoundError:
        raise InputNotFoundError(f"{file}: no such file") from None
    except IsADirectoryError:
        raise InputNotFoundError(f"{file}: is a directory, expected a file") from None
    except OSError as error:
        raise InputNotFoundError(f"{file}: cannot read ({error.strerror})") from None


def exit_code(findings: tuple[Finding, ...], *, strict: bool) -> ExitCode:
    """FAILED on any error, or on any finding at all with ``strict``."""
    if any(finding.is_error for finding in findings) or (strict and findings):
        return ExitCode.FAILED
    return ExitCode.OK


def render(result: ValidationResult, output_format: OutputFormat, source: str) -> None:
    if output_format is OutputFormat.JSON:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    print_findings(output_console(), result.findings, title=source)


def parse_stage(value: str) -> Stage:
    """``--stage``: callin or followup; a callback kind says which of the two it is."""
    text = value.strip().lower()
    if text in (Stage.CALLIN, Stage.FOLLOWUP):
        return Stage(text)
    if text in {kind.value for kind in CallbackKind} or text == "parallel_transfer":
        raise typer.BadParameter(
            f"{value!r} is a callback kind, not a stage: use followup "
            "(the answer to any callback after callin)"
        )
    raise typer.BadParameter(f"{value!r}: use callin or followup")


def _complete_stage(incomplete: str) -> list[str]:
    return [stage.value for stage in Stage if stage.value.startswith(incomplete)]


def validate_response_command(
    stage: Annotated[
        Stage,
        typer.Option(
            "--stage",
            metavar="callin|followup",
            parser=parse_stage,
            autocompletion=_complete_stage,
            help="callin: the answer to the first inbound callback; followup: any later one.",
        ),
    ],
    file: Annotated[
        str | None,
        typer.Argument(metavar="FILE|-", help="Response body to check; - or nothing reads stdin."),
    ] = None,
    call_id: Annotated[
        str | None,
        typer.Option("--call-id", help="The request's call_id: data.call_id must equal it."),
    ] = None,
    output_format: Annotated[
        OutputFormat,
        typer.Option("--format", case_sensitive=False, help="text (a table) or json."),
    ] = OutputFormat.TEXT,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail (exit 1) on warnings too.")
    ] = False,
) -> None:
    with handled_errors():
        body = read_body(file)
    result = validate_response(body, stage, call_id=call_id)
    render(result, output_format, "stdin" if file in (None, STDIN) else str(file))
    raise typer.Exit(exit_code(result.findings, strict=strict))


def register(app: typer.Typer) -> None:
    """Add the command to the application."""
    app.command("validate-response", help=HELP, epilog=EPILOG)(validate_response_command)
