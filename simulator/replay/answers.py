"""Checking an endpoint's answer to one callback: the validator, given the callback's context."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from vcall.simulator.model import Callback
from vcall.simulator.spec import stage_of
from vcall.simulator.transport import Exchange
from vcall.simulator.validation import ValidationResult, validate_response


def validate_answer(
    callback: Callback, exchange: Exchange, previous_settings: Mapping[str, object] | None = None
) -> ValidationResult | None:
    """The validator's verdict on the answer, or None when no answer came back.

    ``previous_settings``: the fields earlier answers of the call set (``vcall tap`` knows them).
    """
    if exchange.error is not None:
        return None
    result = validate_response(
        exchange.body,
        stage_of(callback.kind),
        status=exchange.status,
        headers=exchange.headers,
        call_id=callback.call_id,
        request_content=callback.content,
        previous_settings=previous_settings,
        transfer_phase=callback.transfer_phase,
    )
    return _grouped_by_status(result)


BODY_RULES_AFTER_BAD_STATUS = frozenset(
    {"content-type-not-json", "body-empty", "body-not-json", "body-not-object", "body-not-utf8"}
)
"""What an error page (HTTP 4xx/5xx) naturally is: reported as part of the status, not apart."""


def _grouped_by_status(result: ValidationResult) -> ValidationResult:
    """An error status and what follows from it (an HTML error page is not JSON): one finding."""
    if not result.findings:  # the load path's common case: nothing to group
        return result
    status = next((f for f in result.findings if f.rule == "http-status"), None)
    if status is None or not status.is_error:  # 201 with a body: the body is judged apart
        return result
    follow = [f for f in result.findings if f.rule in BODY_RULES_AFTER_BAD_STATUS]
    if not follow:
        return result
    detail = "; ".join(f.message for f in follow)
    merged = dataclasses.replace(status, message=f"{status.message} ({detail})")
    kept = tuple(
        merged if f is status else f
        for f in result.findings
        if f.rule not in BODY_RULES_AFTER_BAD_STATUS
    )
    return dataclasses.replace(result, findings=kept)
