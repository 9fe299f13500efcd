"""``--check-placement``: does the endpoint take the parameters in the form body *and* the query?

The callback page says POST, yet every example puts the four parameters in the query string; the platform's
placement is not documented (docs/platform.md §1). Before a run, vcall sends the first callback of the
first scenario both ways, on throwaway calls, and checks both answers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Iterator, Sequence
from itertools import chain

from vcall.simulator.findings import Finding, has_errors
from vcall.simulator.fixture import Scenario
from vcall.simulator.model import Callback, CallbackFlow, CallSession
from vcall.simulator.replay.answers import validate_answer
from vcall.simulator.replay.results import PlacementReport
from vcall.simulator.transport import Exchange, Placement


def first_callback(scenario: Scenario, call_id: str, start_epoch_ms: int) -> Callback | None:
    """The first callback the platform sends in ``scenario``: ``callin`` for an inbound call; for
    an outbound call, the first one its steps produce. ``None`` if the scenario sends none."""
    session = CallSession(scenario, call_id=call_id, start_epoch_ms=start_epoch_ms)
    flows: Iterator[CallbackFlow] = chain(
        [session.start()], (session.play_step(step) for step in scenario.steps)
    )
    for flow in flows:
        for callback in flow:
            flow.close()
            return callback
    return None


Send = Callable[[Callback, Placement], Awaitable[Exchange]]
"""Delivers one callback with the given placement (the engine's, with its timeout)."""


async def check_placement(
    scenarios: Sequence[Scenario],
    send: Send,
    *,
    new_call_id: Callable[[], str],
    start_epoch_ms: int,
) -> PlacementReport | None:
    """Send the first callback form-encoded, then (on a second throwaway call id) in the query.

    ``None`` when no scenario sends any callback (nothing to check with).
    """
    callback = _first_of(scenarios, new_call_id(), start_epoch_ms)
    if callback is None:
        return None
    form, form_findings = await _try(send, callback, Placement.FORM)
    again = dataclasses.replace(callback, call_id=new_call_id())
    query, query_findings = await _try(send, again, Placement.QUERY)
    return PlacementReport(
        form,
        query,
        _accepted(form, form_findings),
        _accepted(query, query_findings),
        form_findings,
        query_findings,
    )


def _first_of(scenarios: Sequence[Scenario], call_id: str, start_epoch_ms: int) -> Callback | None:
    for scenario in scenarios:
        callback = first_callback(scenario, call_id, start_epoch_ms)
        if callback is not None:
            return callback
    return None


async def _try(
    send: Send, callback: Callback, placement: Placement
) -> tuple[Exchange, tuple[Finding, ...]]:
    """One delivery and the validator's findings on its answer (none when no answer came)."""
    exchange = await send(callback, placement)
    result = validate_answer(callback, exchange)
    return exchange, result.findings if result is not None else ()


def _accepted(exchange: Exchange, findings: tuple[Finding, ...]) -> bool:
    """Taken: an HTTP 2xx answer without any error finding."""
    status = exchange.status
    return (
        exchange.error is None
        and status is not None
        and 200 <= status < 300
        and not has_errors(findings)
    )
