"""The JSON report: a stable, documented shape of a run (see docs/output.md and docs/ci.md)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from vcall.simulator import __version__
from vcall.simulator.atomic import write_atomic
from vcall.simulator.replay import CallResult, RunResult, Turn
from vcall.simulator.text_safety import json_text

REPORT_VERSION = 1


def run_to_dict(run: RunResult, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """``extra``: more top-level keys (``coverage``), after the run's own."""
    return {
        "report_version": REPORT_VERSION,
        "vcall": __version__,
        "passed": run.passed,
        "failed": run.failed,
        "errors": run.spec_errors,
        "expectation_misses": run.expectation_misses,
        "interrupted": run.interrupted,
        "wall_ms": round(run.wall_ms, 3),
        "placement": _placement(run),
        "calls": [call_to_dict(call, run.strict) for call in run.calls],
        **(extra or {}),
    }


def call_to_dict(call: CallResult, strict: bool = False) -> dict[str, Any]:
    return {
        "name": call.scenario.name,
        "file": call.scenario.file,
        "call_id": call.call_id,
        "passed": not call.failed(strict),
        "errors": call.spec_errors,
        "expectation_misses": call.expectation_misses,
        "end_reason": call.end_reason.value if call.end_reason else None,
        "duration_ms": call.duration_ms,
        "wall_ms": round(call.wall_ms, 3),
        "call_findings": [finding.to_dict() for finding in call.call_findings],
        "notes": [
            {"at_ms": note.at_ms, "step": note.step_index, "message": note.message}
            for note in call.notes
        ],
        "turns": [turn_to_dict(turn) for turn in call.turns],
        "app_output": list(call.app_output),
    }


def turn_to_dict(turn: Turn) -> dict[str, Any]:
    callback, exchange = turn.callback, turn.exchange
    return {
        "number": turn.number,
        "step": turn.step_index,
        "callback": {
            "content_type": callback.kind.value,
            "at_ms": callback.at_ms,
            "timestamp": callback.timestamp_ms,
            "content": dict(callback.content),
        },
        "request": {
            "method": exchange.method,
            "url": exchange.url,
            "placement": exchange.placement,
        },
        "response": {
            "status": exchange.status,
            "body": exchange.body_text if exchange.error is None or exchange.body else None,
            "error": exchange.error,
            "latency_ms": round(exchange.latency_ms, 3),
        },
        "action": turn.action,
        "findings": [finding.to_dict() for finding in turn.findings],
    }


def _placement(run: RunResult) -> dict[str, Any] | None:
    report = run.placement
    if report is None:
        return None
    return {
        "form_ok": report.form_ok,
        "query_ok": report.query_ok,
        "findings": [finding.to_dict() for finding in report.findings],
    }


def write_json_report(
    run: RunResult, path: str | Path, extra: Mapping[str, Any] | None = None
) -> None:
    text = json_text(run_to_dict(run, extra))
    write_atomic(path, text + "\n")
