"""Checking properties on single calls: what ``explore`` plays to confirm ``silence-ends`` and
``no-repeat``, and what ``vcall simulate --properties`` checks on each played call.

A call is read from its turns alone (each callback and the answer to it), so a call replayed
from a fixture and one played by the explorer are judged alike.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass

from vcall.simulator.dialogue_map import state_of
from vcall.simulator.findings import Finding, Severity
from vcall.simulator.fixture import EndReason
from vcall.simulator.properties.model import ENDING_ACTIONS, Kind, MoveKind, Property
from vcall.simulator.replay import CallResult, RunResult, Turn
from vcall.simulator.spec import DTMF_NO_INPUT, CallbackKind

NO_CHANGE = frozenset({"continue", "donothing"})


def _content(turn: Turn) -> dict[str, object]:
    return dict(turn.callback.content)


def is_silence(turn: Turn) -> bool:
    """A callback for a caller who said and pressed nothing (mute, key no-input)."""
    kind = turn.callback.kind
    if kind is CallbackKind.MUTE:
        return True
    return kind is CallbackKind.DTMF and _content(turn).get("dtmf_digits") in (
        None,
        "",
        DTMF_NO_INPUT,
    )


def is_input(turn: Turn) -> bool:
    """A callback carrying what the caller said or pressed."""
    kind = turn.callback.kind
    if kind in (CallbackKind.NORMAL, CallbackKind.TIMEBREAK):
        return True
    return kind is CallbackKind.DTMF and not is_silence(turn)


def usable_answer(turn: Turn) -> dict[str, object] | None:
    """The answer's ``data`` when the platform would act on it (HTTP 2xx, ``success``)."""
    status = turn.exchange.status
    if (
        status is None
        or not 200 <= status < 300
        or (turn.envelope or {}).get("result") != "success"
    ):
        return None
    return turn.data


def silence_violation(turns: Sequence[Turn], limit: int) -> str:
    """A silent caller re-prompted past ``limit`` silences: ``limit + 1`` silence callbacks of
    one kind in a row with no input between (the bot should have ended the call after the
    ``limit``-th). Mute and key no-input are counted apart: a bot that gives up on keys and
    asks in words starts a new count."""
    run = 0
    kind = None
    for turn in turns:
        if is_silence(turn):
            run = run + 1 if turn.callback.kind is kind else 1
            kind = turn.callback.kind
            if run > limit:
                return f"the caller stayed silent {run} times (turn {turn.number}) and the call went on"
        elif is_input(turn):
            run, kind = 0, None
    return ""


def _prompt(data: dict[str, object]) -> str:
    kept = {k: data.get(k) for k in ("action", "action_code", "action_code_param")}
    return json.dumps(kept, sort_keys=True, ensure_ascii=False, default=str)


def repeat_violation(turns: Sequence[Turn], limit: int) -> str:
    """The same prompt answered more than ``limit`` times in a row (``continue``/``donothing``
    and unusable answers are neither a new prompt nor a break)."""
    last = ""
    run = 0
    for turn in turns:
        data = usable_answer(turn)
        if data is None or data.get("action") in NO_CHANGE or not data.get("action_code"):
            continue
        prompt = _prompt(data)
        run = run + 1 if prompt == last else 1
        last = prompt
        if run > limit:
            code = str(data.get("action_code"))[:60]
            return f"the bot played {code!r} {run} times in a row (turn {turn.number})"
    return ""


@dataclass(frozen=True, slots=True)
class CallViolation:
    """A property a single call breaks, and where."""

    property: Property
    message: str


def check_call(result: CallResult, properties: Sequence[Property]) -> list[CallViolation]:
    """The properties ``result`` breaks. ``reachable`` is a claim about every path: a single
    call cannot break it; it is judged once per run over all its calls (:mod:`.reach`)."""
    return check_turns(result.turns, result.end_reason, properties)


def check_turns(
    turns: Sequence[Turn], end_reason: EndReason | None, properties: Sequence[Property]
) -> list[CallViolation]:
    """:func:`check_call` over a call's turns (and how it ended, when known)."""
    found: list[CallViolation] = []
    for prop in properties:
        message = _call_message(turns, end_reason, prop)
        if message:
            found.append(CallViolation(prop, message))
    return found


def _call_message(turns: Sequence[Turn], end_reason: EndReason | None, prop: Property) -> str:
    if prop.kind is Kind.SILENCE_ENDS:
        return silence_violation(turns, prop.limit)
    if prop.kind is Kind.NO_REPEAT:
        return repeat_violation(turns, prop.limit)
    if prop.kind is Kind.CAN_END:
        if end_reason is EndReason.SESSION_TIMEOUT:
            return "the call ran into the session timeout"
        return ""
    if prop.kind is Kind.WHEN_THEN:
        return _when_then(turns, prop)
    if prop.kind is Kind.NEVER:
        return _never(turns, prop)
    return ""


def _asked(turn: Turn, prop: Property) -> bool:
    content = _content(turn)
    for move in prop.when:
        if move.kind is MoveKind.SAY and turn.callback.kind is CallbackKind.NORMAL:
            if move.value in str(content.get("words", "")):
                return True
        elif move.kind is MoveKind.PRESS and turn.callback.kind is CallbackKind.DTMF:
            if str(content.get("dtmf_digits", "")) == move.value:
                return True
        elif move.kind is MoveKind.SILENCE and is_silence(turn):
            return True
    return False


def _when_then(turns: Sequence[Turn], prop: Property) -> str:
    state = None
    for index, turn in enumerate(turns):
        in_state = (state is None and prop.where.any) or (
            state is not None and prop.where.test(state)
        )
        data = usable_answer(turn)
        if in_state and _asked(turn, prop):
            following = turns[index : index + prop.within]
            if any((usable_answer(t) or {}).get("action") in prop.actions for t in following):
                return ""
            if len(following) == prop.within or index + len(following) == len(turns):
                wanted = " or ".join(sorted(prop.actions))
                return f"turn {turn.number}: the caller's request got no {wanted} within {prop.within} turns"
        if data is not None and data.get("action") not in NO_CHANGE:
            state = state_of(data)
    return ""


def _never(turns: Sequence[Turn], prop: Property) -> str:
    state = None
    for turn in turns:
        data = usable_answer(turn)
        if data is None or data.get("action") in NO_CHANGE:
            continue
        answered = state_of(data)
        if state is not None and prop.where.test(state) and prop.target.test(answered):
            return f"turn {turn.number}: an answer with {prop.target.describe()}"
        state = answered
    return ""


PROPERTY_RULE = "property-violated"
SOURCE = "properties"


def property_findings(result: CallResult, properties: Sequence[Property]) -> tuple[Finding, ...]:
    """Each property the call breaks as an error finding (rule ``property-violated``)."""
    return as_findings(check_call(result, properties))


def as_findings(violations: Sequence[CallViolation]) -> tuple[Finding, ...]:
    return tuple(
        Finding(
            "property-violated",
            Severity.ERROR,
            "",
            f"property {found.property.name!r} ({found.property.describe()}): {found.message}",
            SOURCE,
        )
        for found in violations
    )


def with_properties(result: CallResult, properties: Sequence[Property]) -> CallResult:
    """The call with the findings of the properties it breaks added to its call findings."""
    found = property_findings(result, properties)
    if not found:
        return result
    return dataclasses.replace(result, call_findings=(*result.call_findings, *found))


def run_with_properties(run: RunResult, properties: Sequence[Property]) -> RunResult:
    """``simulate --properties``: every played call checked (one checker for explore, simulate
    and tap); a violation fails its call."""
    if not properties:
        return run
    calls = tuple(with_properties(call, properties) for call in run.calls)
    return dataclasses.replace(run, calls=calls)


__all__ = [
    "ENDING_ACTIONS",
    "PROPERTY_RULE",
    "CallViolation",
    "as_findings",
    "check_call",
    "check_turns",
    "property_findings",
    "repeat_violation",
    "run_with_properties",
    "silence_violation",
    "with_properties",
]
