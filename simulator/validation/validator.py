"""``validate_response``: every rule over one response body. Never raises on any body."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vcall.simulator.findings import Finding, Severity, has_errors
from vcall.simulator.spec import Stage, TransferPhase
from vcall.simulator.validation.body import parse_body
from vcall.simulator.validation.context import (
    BODY_RULES,
    DATA_RULES,
    ENVELOPE_RULES,
    FAIL_DATA_RULES,
    build_context,
)
from vcall.simulator.validation.memo import CleanMemo, memo_key
from vcall.simulator.validation.registry import INTERNAL_ERROR

# These modules register their rules in the rule sets on import.
from vcall.simulator.validation import envelope, data_rules, field_rules  # noqa: F401  isort: skip
from vcall.simulator.validation import tts_reading_rule  # noqa: F401  isort: skip


CLEAN_ANSWERS = CleanMemo()
"""Answers every rule passed, known again without running them (``memo.py``)."""


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """The findings on one response, with its envelope and ``data`` when they were objects."""

    findings: tuple[Finding, ...]
    data: dict[str, Any] | None = None
    envelope: dict[str, Any] | None = None

    @property
    def valid(self) -> bool:
        """No finding of severity error (warnings allowed)."""
        return not has_errors(self.findings)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if finding.is_error)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    @property
    def infos(self) -> tuple[Finding, ...]:
        """Information (severity info): no doubt about the answer."""
        return tuple(f for f in self.findings if f.is_info)

    def to_dict(self) -> dict[str, Any]:
        return {"valid": self.valid, "findings": [finding.to_dict() for finding in self.findings]}


def _as_bytes(body: bytes | bytearray | memoryview | str) -> bytes:
    if type(body) is bytes:
        return body
    if isinstance(body, str):
        return body.encode("utf-8", "surrogatepass")
    return bytes(body)


def validate_response(
    body: bytes,
    stage: Stage,
    *,
    status: int | None = None,
    headers: Mapping[str, str] | None = None,
    call_id: str | None = None,
    request_content: Mapping[str, object] | None = None,
    previous_settings: Mapping[str, object] | None = None,
    transfer_phase: TransferPhase | None = None,
) -> ValidationResult:
    """Check a response body the endpoint returned for a callback at ``stage``.

    ``call_id`` is the request's call id (``data.call_id`` must equal it); ``request_content``
    the callback's content (e.g. ``is_playing``); ``previous_settings`` the settings already
    made in this call (e.g. ``pause_time``); ``transfer_phase`` where the call's parallel
    transfer stood (``parallel_bridge`` needs one). Any body is accepted: problems become
    findings. The ``data`` of a ``result: fail`` answer gets one rule (``fail-data-ignored``).
    """
    try:
        stage = stage if type(stage) is Stage else Stage(stage)
        body = _as_bytes(body)
        parsed = parse_body(body)
        key = None
        if CLEAN_ANSWERS.may_have(body):  # every rule passed this very answer before? (memo.py)
            key = memo_key(body, parsed, stage, status, headers, call_id, request_content,
                           previous_settings, transfer_phase)  # fmt: skip
            if CLEAN_ANSWERS.passed(key):
                envelope: dict[str, Any] = parsed.value  # type: ignore[assignment]
                return ValidationResult((), envelope["data"], envelope)
        context = build_context(
            b"",
            stage,
            status=status,
            headers=headers,
            call_id=call_id,
            request_content=request_content,
            previous_settings=previous_settings,
            transfer_phase=transfer_phase,
            parsed=parsed,
        )
    except Exception as error:  # the validator must never raise
        message = f"reading the response failed: {type(error).__name__}: {error}"[:300]
        return ValidationResult((INTERNAL_ERROR.at("", message),))
    findings = BODY_RULES.run(context, context.body.issues)
    if context.envelope is not None:
        findings.extend(ENVELOPE_RULES.run(context, context.envelope_facts))
    if context.data is not None:
        if context.failed:
            findings.extend(FAIL_DATA_RULES.run(context))
        else:
            findings.extend(DATA_RULES.run(context, context.facts))
    if not findings and CLEAN_ANSWERS.enabled:
        if key is None:
            key = memo_key(body, parsed, stage, status, headers, call_id, request_content,
                           previous_settings, transfer_phase)  # fmt: skip
        if key is not None:
            CLEAN_ANSWERS.remember(key, body)
    return ValidationResult(tuple(findings), context.data, context.envelope)
