"""Checking an endpoint's answer to one callback: the validator, given the callback's context."""

from __future__ import annotations

from collections.abc import Mapping

from vcall.simulator.model import Callback
from vcall.simulator.replay.results import Exchange
from vcall.simulator.spec import stage_of
from vcall.simulator.validation import ValidationResult, validate_response


def validate_answer(
    callback: Callback, exchange: Exchange, previous_settings: Mapping[str, object] | None = None
) -> ValidationResult | None:
    """The validator's verdict on the answer, or None when no answer came back.

    ``previous_settings``: the fields earlier answers of the call set (``vcall tap`` knows them).
    """
    if exchange.error is not None:
        return None
    return validate_response(
        exchange.body,
        stage_of(callback.kind),
        status=exchange.status,
        headers=exchange.headers,
        call_id=callback.call_id,
        request_content=callback.content,
        previous_settings=previous_settings,
    )
