"""``vcall smartcall``: place a SmartCall call (or a CSV batch of them), signed like the official SDK.

Every SmartCall parameter is a flag generated from ``spec.SMARTCALL_PARAMS`` (``--called-number``,
``--voice-code-param``, ...); ``--params-file FILE`` (JSON or YAML) gives them from a file, flags
override. Parameters are checked before anything is sent: errors stop (exit 1), warnings print.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress

from vcall.cli.errors import handled_errors
from vcall.cli.exit_codes import ExitCode
from vcall.cli.render.output import output_console
from vcall.cli.render.smartcall import (
    batch_summary_dict,
    batch_summary_line,
    mask_secrets,
    masked,
    print_findings_lines,
    print_result,
    request_to_dict,
    result_to_dict,
)
from vcall.simulator import spec
from vcall.simulator.bounded_read import TooLargeError, read_bounded
from vcall.simulator.errors import FixtureError, InputNotFoundError, UsageError, VcallError
from vcall.simulator.findings import Finding, has_errors
from vcall.simulator.safe_yaml import PARAMS_BOUNDS, safe_load
from vcall.simulator.smartcall import (
    DEFAULT_ENDPOINT,
    DEFAULT_QPS,
    BatchRun,
    BatchSummary,
    Credentials,
    SignatureKind,
    SmartCallClient,
    SmartCallResult,
    describe_request_masked,
    read_input,
    resolve_credentials,
)
from vcall.simulator.validation import check_smartcall_params

PARAMS_PANEL = "SmartCall parameters"
_PARAM_PREFIX = "param_"
_INTEGER_TYPES = (spec.ValueType.INTEGER,)
_BOOLEAN_TYPES = (spec.ValueType.BOOLEAN,)


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


class Signature(StrEnum):
    V3 = "v3"
    V1 = "v1"


EPILOG = """\
[bold]Examples[/]

  vcall smartcall --called-number 13800138000 --called-show-number 057126880000 \\
      --voice-code '$name$,survey_opening.wav' --voice-code-param '{"name":"张先生"}'
  printf 'CalledNumber: "13800138000"\\nCalledShowNumber: "057126880000"\\nVoiceCode: survey_opening.wav\\n' > call.yaml
  vcall smartcall --params-file call.yaml --mute-time 5000 --dry-run
  vcall smartcall --endpoint http://127.0.0.1:8081 --params-file call.yaml   [dim](vcall emulator)[/]
  printf 'CalledNumber\\n13800138000\\n13900139000\\n' > calls.csv   [dim](one call per row)[/]
  vcall smartcall --batch calls.csv --qps 10 --called-show-number 057126880000 --voice-code survey_opening.wav

Credentials, first found: --access-key-id/--access-key-secret/--security-token, then
ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET/ALIBABA_CLOUD_SECURITY_TOKEN, then ~/.aliyun/config.json
(profile --profile, else ALIBABA_CLOUD_PROFILE, else its current one).

[bold]Batches[/] are journalled (FILE.result.csv.journal) before each request: run the same
command again to resume; rows whose request may have been sent are never dialled again unless
--redial-unknown.

[bold]Exit codes[/]: 0 placed · 1 parameter errors (nothing sent) · 2 usage or credentials ·
3 endpoint unreachable, or batch rows unknown · 4 the API answered with an error code ·
130 Ctrl-C (what was done so far is printed)
"""


# --- the options -------------------------------------------------------------------------------


def _options(
    params_file: Annotated[
        Path | None,
        typer.Option(
            "--params-file", help="JSON or YAML file of SmartCall parameters; flags override."
        ),
    ] = None,
    params_old: Annotated[
        Path | None, typer.Option("--params", hidden=True, help="Deprecated: --params-file.")
    ] = None,
    batch: Annotated[
        Path | None,
        typer.Option("--batch", help="CSV, one call per row (columns: parameter names)."),
    ] = None,
    result: Annotated[
        Path | None,
        typer.Option("--result", help="Batch result CSV (default: FILE.result.csv); resumable."),
    ] = None,
    qps: Annotated[
        float,
        typer.Option(
            "--qps", min=0.001, max=spec.SMARTCALL_QPS_LIMIT, help="Batch: calls per second."
        ),
    ] = DEFAULT_QPS,
    redial_unknown: Annotated[
        bool,
        typer.Option(
            "--redial-unknown",
            help="Batch: dial again rows whose request may have been sent but got no answer.",
        ),
    ] = False,
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid",
            help="Batch: send the valid rows and report the invalid ones (default: none sent).",
        ),
    ] = False,
    endpoint: Annotated[
        str, typer.Option("--endpoint", help="API host or URL, e.g. http://127.0.0.1:8081.")
    ] = DEFAULT_ENDPOINT,
    signature: Annotated[
        Signature, typer.Option("--signature", help="v3 (ACS3-HMAC-SHA256) or v1 (HMAC-SHA1).")
    ] = Signature.V3,
    access_key_id: Annotated[str | None, typer.Option("--access-key-id")] = None,
    access_key_secret: Annotated[str | None, typer.Option("--access-key-secret")] = None,
    security_token: Annotated[
        str | None, typer.Option("--security-token", help="STS token.")
    ] = None,
    profile: Annotated[
        str | None, typer.Option("--profile", help="Profile of ~/.aliyun/config.json.")
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Print the signed request (secrets masked); send nothing."),
    ] = False,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", case_sensitive=False, help="text or json.")
    ] = OutputFormat.TEXT,
) -> None:
    """The command's own options (SmartCall parameters are added from the spec)."""


@dataclass(frozen=True, slots=True)
class SmartCallOptions:
    params_file: Path | None
    params_old: Path | None
    batch: Path | None
    result: Path | None
    qps: float
    redial_unknown: bool
    skip_invalid: bool
    endpoint: str
    signature: Signature
    access_key_id: str | None
    access_key_secret: str | None
    security_token: str | None
    profile: str | None
    dry_run: bool
    output_format: OutputFormat


def param_option_name(param: spec.SmartCallParam) -> str:
    """The Python name of a parameter's option (``param_CalledNumber``)."""
    return _PARAM_PREFIX + param.name


def param_help(param: spec.SmartCallParam) -> str:
    """``MuteTime: silence before a mute callback (1000–20000 ms, default 10000)``."""
    details = []
    if param.range is not None:
        details.append(f"{param.range.describe()} {param.unit}".strip())
    elif param.unit:
        details.append(param.unit)
    if param.default is not None:
        details.append(f"default {param.default}")
    if param.required:
        details.append("required")
    shown = f" ({', '.join(details)})" if details else ""
    return f"{param.name}: {param.description}{shown}"


def _param_parameter(param: spec.SmartCallParam) -> inspect.Parameter:
    if param.type in _BOOLEAN_TYPES:
        kind: Any = bool | None
        decls = (f"{param.flag}/--no-{param.flag.removeprefix('--')}",)
    else:
        kind = int | None if param.type in _INTEGER_TYPES else str | None
        decls = (param.flag,)
    option = typer.Option(*decls, help=param_help(param), rich_help_panel=PARAMS_PANEL)
    return inspect.Parameter(
        param_option_name(param),
        inspect.Parameter.KEYWORD_ONLY,
        default=None,
        annotation=Annotated[kind, option],
    )


def command_signature() -> inspect.Signature:
    own = inspect.signature(_options, eval_str=True).parameters.values()
    own_params = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own]
    generated = [_param_parameter(p) for p in spec.SMARTCALL_PARAMS.values()]
    return inspect.Signature([*own_params, *generated])


# --- parameters --------------------------------------------------------------------------------


MAX_PARAMS_FILE_BYTES = 1024 * 1024
"""vcall's choice: a parameters file is a few lines; a larger one is refused before it is read."""


def load_params_file(path: Path) -> dict[str, object]:
    """A JSON or YAML mapping of SmartCall parameter names to values."""
    try:
        text = read_bounded(path, MAX_PARAMS_FILE_BYTES).decode("utf-8")
    except TooLargeError:
        raise UsageError(f"{path}: larger than {MAX_PARAMS_FILE_BYTES} bytes") from None
    except FileNotFoundError:
        raise InputNotFoundError(f"{path}: no such file") from None
    except OSError as error:
        raise InputNotFoundError(f"{path}: cannot read ({error.strerror or error})") from None
    except UnicodeDecodeError as error:
        raise InputNotFoundError(f"{path}: cannot read ({error})") from None
    try:
        document = safe_load(text, str(path), PARAMS_BOUNDS)
    except FixtureError as error:
        raise UsageError(str(error)) from None
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise UsageError(f"{path}: expected a mapping of SmartCall parameter names to values")
    return {str(name): value for name, value in document.items()}


def gather_params(file_params: Mapping[str, object], flags: Mapping[str, object]) -> dict[str, Any]:
    """The file's parameters, overridden by the flags given (``None``: not given)."""
    merged = dict(file_params)
    merged.update({name: value for name, value in flags.items() if value is not None})
    return merged


def flag_values(values: Mapping[str, Any]) -> dict[str, object]:
    return {p.name: values.get(param_option_name(p)) for p in spec.SMARTCALL_PARAMS.values()}


# --- the command -------------------------------------------------------------------------------


def build_client(
    credentials: Credentials, endpoint: str, signature: SignatureKind
) -> SmartCallClient:
    """The client the command uses (tests replace this to inject a transport and a clock)."""
    return SmartCallClient(credentials, endpoint=endpoint, signature=signature)


def smartcall_command(**values: Any) -> None:
    """Place a SmartCall call (or a batch) on the API, signed like the official SDK."""
    own = set(inspect.signature(_options).parameters)
    options = SmartCallOptions(**{k: v for k, v in values.items() if k in own})
    console = output_console()
    errors = output_console(stderr=True)
    with handled_errors(on_interrupt=lambda: _print_interrupted_batch(errors)):
        params_file = _params_file(options, errors)
        file_params = load_params_file(params_file) if params_file else {}
        params = gather_params(file_params, flag_values(values))
        if options.batch is not None:
            code = _run_batch(options, options.batch, params, console, errors)
        else:
            code = _place_one(options, params, console, errors)
    raise typer.Exit(code)


def _credentials(options: SmartCallOptions) -> Credentials:
    return resolve_credentials(
        access_key_id=options.access_key_id,
        access_key_secret=options.access_key_secret,
        security_token=options.security_token,
        profile=options.profile,
    )


PARAMS_DEPRECATED = (
    "warning: --params FILE is deprecated in smartcall, use --params-file FILE "
    "(--params elsewhere is where the callback parameters go: form or query)"
)


def _params_file(options: SmartCallOptions, errors: Console) -> Path | None:
    """``--params-file``, or the old spelling ``--params`` with a one-line deprecation notice."""
    if options.params_old is None:
        return options.params_file
    if options.params_file is not None:
        raise UsageError("--params is the old spelling of --params-file: give one of them")
    errors.print(PARAMS_DEPRECATED, markup=False)
    return options.params_old


def _checked(params: Mapping[str, object], errors: Console) -> bool:
    """Print the findings; ``False`` when there are errors."""
    findings = check_smartcall_params(params)
    print_findings_lines(errors, findings)
    return not has_errors(findings)


def _place_one(
    options: SmartCallOptions, params: dict[str, Any], console: Console, errors: Console
) -> ExitCode:
    if not _checked(params, errors):
        errors.print("[red]parameter errors: nothing was sent[/]")
        return ExitCode.FAILED
    credentials = _credentials(options)
    with build_client(credentials, options.endpoint, options.signature.value) as client:
        if options.dry_run:
            _print_dry_run(console, client, params, credentials, options.output_format)
            return ExitCode.OK
        result = client.place_call(params)
    _print_result(console, errors, result, credentials, options.output_format)
    return ExitCode.OK if result.ok else ExitCode.API_ERROR


def _print_dry_run(
    console: Console,
    client: SmartCallClient,
    params: Mapping[str, object],
    credentials: Credentials,
    output_format: OutputFormat,
) -> None:
    request = client.prepare(params)
    if output_format is OutputFormat.JSON:
        data = masked(request_to_dict(request), credentials)
        console.print_json(json.dumps(data, ensure_ascii=False))
        return
    console.print("[dim]dry run: this request would be sent (secrets masked)[/]")
    console.out(describe_request_masked(request, credentials), highlight=False)


def _print_result(
    console: Console,
    errors: Console,
    result: SmartCallResult,
    credentials: Credentials,
    output_format: OutputFormat,
) -> None:
    safe = masked_result(result, credentials)
    if output_format is OutputFormat.JSON:
        console.print_json(json.dumps(result_to_dict(safe), ensure_ascii=False))
        return
    print_result(console, errors, safe)


def masked_result(result: SmartCallResult, credentials: Credentials) -> SmartCallResult:
    """The API may echo what it was sent (a string to sign): never show a secret from it
    (``parse_response`` masked it already; the AccessKey id is shortened for display)."""
    return dataclasses.replace(
        result,
        code=mask_secrets(result.code, credentials),
        message=mask_secrets(result.message, credentials),
        request_id=mask_secrets(result.request_id, credentials),
    )


# --- batch -------------------------------------------------------------------------------------


class _WithDefaults:
    """Places each row's call with the flag/file parameters as defaults under the row's cells;
    messages are masked before they reach the result CSV."""

    def __init__(self, client: SmartCallClient, defaults: Mapping[str, object]) -> None:
        self.client = client
        self.defaults = dict(defaults)

    def place_call(self, params: Mapping[str, object]) -> SmartCallResult:
        result = self.client.place_call({**self.defaults, **params})
        return masked_result(result, self.client.credentials)


def default_result_path(rows_csv: Path) -> Path:
    return rows_csv.with_name(f"{rows_csv.stem}.result.csv")


_RUNNING: list[BatchRun] = []
"""The batch under way, so that Ctrl-C can say what it had done."""


def _run_batch(
    options: SmartCallOptions,
    rows_csv: Path,
    defaults: dict[str, Any],
    console: Console,
    errors: Console,
) -> ExitCode:
    result_csv = options.result or default_result_path(rows_csv)
    table = read_input(rows_csv, defaults=set(defaults))
    invalid = _invalid_rows(table.rows, defaults, errors)
    if invalid and not options.skip_invalid:
        errors.print(
            f"[red]{rows_csv}: parameter errors in {len(invalid)} row(s): nothing was sent[/] "
            "(--skip-invalid sends the valid rows)"
        )
        return ExitCode.FAILED
    if options.dry_run:
        valid = len(table.rows) - len(invalid)
        console.print(
            f"dry run: {len(table.rows)} row(s) checked, {valid} valid, {len(invalid)} invalid, "
            "nothing sent"
        )
        return ExitCode.FAILED if invalid else ExitCode.OK
    credentials = _credentials(options)
    with build_client(credentials, options.endpoint, options.signature.value) as client:
        batch = BatchRun(
            rows_csv,
            result_csv,
            _WithDefaults(client, defaults),
            qps=options.qps,
            defaults=set(defaults),
            redial_unknown=options.redial_unknown,
            invalid=invalid,
        )
        _RUNNING[:] = [batch]
        summary = _batch_with_progress(batch, errors)
    _print_batch(console, summary, options.output_format)
    if summary.failed:
        return ExitCode.API_ERROR
    if summary.unknown:
        return ExitCode.UNREACHABLE
    return ExitCode.FAILED if summary.invalid else ExitCode.OK


def _print_interrupted_batch(errors: Console) -> None:
    if _RUNNING:
        errors.print(f"interrupted: {batch_summary_line(_RUNNING[0].summary())}")


def _invalid_rows(
    rows: tuple[dict[str, str], ...], defaults: Mapping[str, object], errors: Console
) -> dict[int, str]:
    """Each row with an error finding, by number, with its first error (all are printed)."""
    invalid: dict[int, str] = {}
    for number, row in enumerate(rows, start=1):
        params = {**defaults, **{k: v for k, v in row.items() if v != ""}}
        findings: tuple[Finding, ...] = check_smartcall_params(params)
        if findings:
            errors.print(f"row {number}:")
            print_findings_lines(errors, findings, indent="  ")
        if has_errors(findings):
            first = next(f for f in findings if f.is_error)
            invalid[number] = f"{first.rule}: {first.message}"
    return invalid


def _batch_with_progress(batch: BatchRun, errors: Console) -> BatchSummary:
    """Place the rows with a progress bar on stderr (stdout stays clean for --format json)."""
    with Progress(console=errors, transient=True) as progress:
        task = progress.add_task("placing calls", total=len(batch.to_place()))

        def advance(_number: int, _result: SmartCallResult) -> None:
            progress.advance(task)

        batch.on_result = advance
        try:
            return batch.run()
        except VcallError:
            errors.print(f"stopped: {batch_summary_line(batch.summary())}")
            raise


def _print_batch(console: Console, summary: BatchSummary, output_format: OutputFormat) -> None:
    if output_format is OutputFormat.JSON:
        console.print_json(json.dumps(batch_summary_dict(summary), ensure_ascii=False))
    else:
        console.print(batch_summary_line(summary))


smartcall_command.__signature__ = command_signature()  # type: ignore[attr-defined]


def register(app: typer.Typer) -> None:
    app.command("smartcall", epilog=EPILOG)(smartcall_command)
