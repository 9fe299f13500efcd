"""Did the caller reach its goal? The rule-based judge reads the end of the call.

With a ``success:`` matcher, every part it gives must hold (a prompt heard, a transfer, how the
call ended, an action). Without one: a goal that asks for a person is met when the call is handed
over; any other goal when a prompt after the caller's request serves it (shares its words, no
apology) and the call then ends without the caller giving up.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from vcall.simulator.dialogue_map import usable_data
from vcall.simulator.fixture import EndReason
from vcall.simulator.persona.caller import PersonaCall
from vcall.simulator.persona.hearing import HANDOVER_ACTIONS, Heard
from vcall.simulator.persona.model import SuccessMatcher
from vcall.simulator.persona.rules import serves, wants_agent

HANDOVER_ENDINGS = frozenset(
    {EndReason.TRANSFER, EndReason.PARALLEL_TRANSFER, EndReason.PARALLEL_BRIDGE}
)


@dataclass(frozen=True, slots=True)
class Verdict:
    met: bool
    reason: str
    time_to_goal_ms: float | None = None
    stuck: str = ""
    """Where the caller got stuck (the prompt it kept hearing, or the last one), when not met."""
    explanation: str = ""
    """An LLM judge's words, when one judged."""
    judge: str = "rules"


def judge_call(call: PersonaCall) -> Verdict:
    matcher = call.persona.success
    if call.error:
        return _not_met(call, f"the brain failed: {call.error}")
    if call.result.unreachable:
        return _not_met(call, "the endpoint could not be reached")
    if matcher is not None and not matcher.empty:
        return _by_matcher(call, matcher)
    if wants_agent(call.persona.goal):
        at = _handover_at(call, "any")
        if at is None:
            return _not_met(call, "the call was never handed to a person")
        return Verdict(True, "the call was handed over to a person", at)
    return _by_words(call)


def _by_matcher(call: PersonaCall, matcher: SuccessMatcher) -> Verdict:
    moments: list[float] = []
    if matcher.heard:
        pattern = re.compile(matcher.heard)
        found = next((h for h in call.prompts if pattern.search(h.text)), None)
        if found is None:
            return _not_met(call, f"never heard a prompt matching {matcher.heard!r}")
        moments.append(found.at_ms)
    if matcher.transfer:
        at = _handover_at(call, matcher.transfer)
        if at is None:
            wanted = "" if matcher.transfer == "any" else f" to {matcher.transfer}"
            return _not_met(call, f"the call was never handed over{wanted}")
        moments.append(at)
    if matcher.action:
        turn = next(
            (
                t
                for t in call.result.turns
                if (usable_data(t) or {}).get("action") == matcher.action
            ),
            None,
        )
        if turn is None:
            return _not_met(call, f"the bot never answered with action {matcher.action}")
        moments.append(turn.callback.at_ms)
    if matcher.end is not None:
        ended = call.result.end_reason
        if ended is not matcher.end:
            actual = ended.value if ended else "still up"
            return _not_met(call, f"the call ended by {actual}, not {matcher.end.value}")
        moments.append(call.result.duration_ms)
    return Verdict(True, "success: every part met", max(moments) if moments else None)


def _handover_at(call: PersonaCall, number: str) -> float | None:
    for turn in call.result.turns:
        data = usable_data(turn) or {}
        if data.get("action") in HANDOVER_ACTIONS and number in (
            "any",
            "",
            str(data.get("number", "")),
        ):
            return turn.callback.at_ms
    if call.result.end_reason in HANDOVER_ENDINGS and number in ("any", ""):
        return float(call.result.duration_ms)
    return None


def _by_words(call: PersonaCall) -> Verdict:
    goal = call.persona.goal + call.persona.say
    asked = next(
        (
            line.at_ms
            for line in call.transcript
            if line.speaker == "caller" and line.text != "wait"
        ),
        None,
    )
    served = (
        None
        if asked is None
        else next((h for h in call.prompts if h.at_ms >= asked and serves(h, goal)), None)
    )
    if served is None:
        return _not_met(call, "no answer of the bot served the goal")
    if call.gave_up:
        return _not_met(call, "the caller gave up before the call ended")
    return Verdict(True, f"served by {_short(served.text)!r}", served.at_ms)


def _not_met(call: PersonaCall, reason: str) -> Verdict:
    if call.gave_up and "gave up" not in reason:
        reason += f"; the caller gave up after {call.persona.turn_budget} turns"
    return Verdict(False, reason, None, stuck_at(call.prompts))


def stuck_at(prompts: tuple[Heard, ...]) -> str:
    """The prompt the caller heard most often (twice or more), else the last one."""
    if not prompts:
        return ""
    counts = Counter(h.text for h in prompts)
    text, times = counts.most_common(1)[0]
    if times >= 2:
        return f"{_short(text)} (heard {times} times)"
    return _short(prompts[-1].text)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
