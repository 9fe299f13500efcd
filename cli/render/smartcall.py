"""Console output of ``vcall smartcall`` and ``vcall emulator``: API results, the masked dry-run
request, batch summaries, and the emulator's API log. Secrets are masked before anything prints."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import httpx
from rich.console import Console
from rich.markup import escape

from vcall.cli.render.transcript import TranscriptPrinter
from vcall.simulator.emulator import ApiRequestHandled, EmulatorEvent, EmulatorProblem
from vcall.simulator.findings import Finding, Severity
from vcall.simulator.smartcall.batch import BatchSummary
from vcall.simulator.smartcall.client import SmartCallResult, mask_for_display
from vcall.simulator.smartcall.credentials import Credentials

_SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_SHOWN_IN_HEAD = frozenset({"CalledNumber"})


def mask_secrets(text: str, credentials: Credentials | None) -> str:
    """``text`` with every secret masked in any encoding and a long AccessKey id shortened
    (``client.mask_for_display``, on top of :mod:`vcall.simulator.secrets`)."""
    return mask_for_display(text, credentials)


def one_line(text: str) -> str:
    """Line breaks shown as ``\\n`` (a V3 string to sign has one), so a message stays one line."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


def result_to_dict(result: SmartCallResult) -> dict[str, Any]:
    return {
        "ok": result.ok,
        "code": result.code,
        "message": result.message,
        "request_id": result.request_id,
        "call_id": result.call_id,
        "http_status": result.http_status,
        "attempts": result.attempts,
        "hint": result.hint,
    }


def print_result(console: Console, errors: Console, result: SmartCallResult) -> None:
    """CallId and RequestId on success; otherwise the code, message and hint on ``errors``."""
    tries = f" [dim](after {result.attempts} attempts)[/]" if result.attempts > 1 else ""
    if result.ok:
        console.print(f"[green]call placed[/]{tries}")
        console.print(f"CallId     {escape(result.call_id)}")
        console.print(f"RequestId  {escape(result.request_id)}")
        return
    errors.print(
        f"[bold red]error:[/] {escape(result.code)}: {escape(one_line(result.message))} "
        f"[dim](HTTP {result.http_status})[/]{tries}"
    )
    if result.hint:
        errors.print(f"[yellow]hint:[/] {escape(result.hint)}")
    if result.request_id:
        errors.print(f"RequestId  {escape(result.request_id)}")


def request_to_dict(request: httpx.Request) -> dict[str, Any]:
    return {
        "method": request.method,
        "url": str(request.url),
        "headers": dict(request.headers.multi_items()),
        "params": dict(request.url.params.multi_items()),
        "body": request.content.decode("utf-8", "replace"),
    }


def masked(value: Any, credentials: Credentials) -> Any:
    """Every string inside ``value`` masked (dicts, lists and strings)."""
    if isinstance(value, str):
        return mask_secrets(value, credentials)
    if isinstance(value, dict):
        return {masked(k, credentials): masked(v, credentials) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(item, credentials) for item in value]
    return value


def print_findings_lines(console: Console, findings: Iterable[Finding], indent: str = "") -> None:
    for finding in findings:
        style = _SEVERITY_STYLE[finding.severity]
        where = f" {finding.path}" if finding.path else ""
        console.print(
            f"{indent}[{style}]{finding.severity.value}[/] [dim]{finding.rule}{escape(where)}[/]: "
            f"{escape(finding.message)}"
        )


def batch_summary_dict(summary: BatchSummary) -> dict[str, Any]:
    return {
        "total": summary.total,
        "placed": summary.placed,
        "skipped": summary.skipped,
        "succeeded": summary.succeeded,
        "failed": summary.failed,
        "unknown": summary.unknown,
        "invalid": summary.invalid,
        "result_csv": str(summary.result_csv),
        "journal": str(summary.journal) if summary.journal else None,
    }


def batch_summary_line(summary: BatchSummary) -> str:
    colour = "red" if summary.failed else "green"
    unknown = (
        f" · [bold yellow]{summary.unknown} unknown — not redialled[/] (--redial-unknown)"
        if summary.unknown
        else ""
    )
    invalid = f" · [bold red]{summary.invalid} invalid — not sent[/]" if summary.invalid else ""
    return (
        f"[{colour}]{summary.succeeded} placed, {summary.failed} failed[/]{unknown}{invalid} · "
        f"{summary.skipped} skipped (already OK) · {summary.total} row(s) · "
        f"results in {escape(str(summary.result_csv))}"
    )


class EmulatorPrinter:
    """The emulator's screen: one line per API request, then each call's transcript."""

    def __init__(self, console: Console, transcript: TranscriptPrinter) -> None:
        self.console = console
        self.transcript = transcript

    def __call__(self, event: EmulatorEvent) -> None:
        if isinstance(event, ApiRequestHandled):
            self._request(event)
        elif isinstance(event, EmulatorProblem):
            self.console.print(f"[bold red]problem:[/] {escape(event.message)}")
        else:
            self.transcript(event)

    def _request(self, event: ApiRequestHandled) -> None:
        answer = event.answer
        who = " ".join(part for part in (_signature_name(event), event.access_key_id) if part)
        callee = event.params.get("CalledNumber", "")
        to = f" → {escape(callee)}" if callee else ""
        when = event.at.strftime("%H:%M:%S")
        head = f"[dim]{when}[/] [bold]SmartCall[/] [dim]{escape(who)}[/]{to}"
        if answer.ok:
            self.console.print(f"{head}  [green]OK[/] CallId {escape(answer.call_id)}")
            shown = {k: v for k, v in event.params.items() if k not in _SHOWN_IN_HEAD}
            self.console.print(f"  [dim]{escape(describe_params(shown))}[/]")
        else:
            self.console.print(
                f"{head}  [red]{escape(answer.code)}[/] [dim](HTTP {answer.status})[/]: "
                f"{escape(one_line(answer.message))}"
            )
        print_findings_lines(self.console, event.findings, indent="  ")


def _signature_name(event: ApiRequestHandled) -> str:
    return event.signature.upper() if event.signature else "unsigned"


def describe_params(params: Mapping[str, object]) -> str:
    return " ".join(f"{name}={value}" for name, value in params.items())
