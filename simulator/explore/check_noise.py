"""``vcall check``'s ``request-through-asr-noise``: did the bot still understand a request that
ASR noise reached it as?

The behaviour (tag :data:`NOISE_TAG`) says a common request through the fixture's ``asr:``
noise; :func:`as_written` is the same call with every sentence as the fixture wrote it, played
beside it. The bot understood the noisy request when it answered it as it answered the request
as written (the same state: action, what plays, ``dynamic_id``, numbers masked).
"""

from __future__ import annotations

import dataclasses

from vcall.simulator.dialogue_map import Identity, state_of, usable_data
from vcall.simulator.fixture import Say, Scenario
from vcall.simulator.replay import CallResult
from vcall.simulator.spec import CallbackKind
from vcall.simulator.text_safety import neutralize_controls

NOISE_TAG = "asr-noise"
AS_WRITTEN = " (as written)"


def as_written(scenario: Scenario) -> Scenario | None:
    """The call with its sentences as written (``None``: ASR noise changed none of them)."""
    steps = []
    changed = False
    for step in scenario.steps:
        action = step.action
        if isinstance(action, Say) and action.intended:
            action = dataclasses.replace(action, words=action.intended, intended="")
            changed = True
        steps.append(dataclasses.replace(step, action=action))
    if not changed:
        return None
    return dataclasses.replace(scenario, name=scenario.name + AS_WRITTEN, steps=tuple(steps))


def understood_note(noisy: CallResult, written: CallResult | None) -> str:
    """Whether the bot answered the noisy request as the written one; empty when unknown."""
    if written is None:
        return ""
    heard, meant = _answer_to_speech(noisy), _answer_to_speech(written)
    if heard is None or meant is None:
        return ""
    said, shown = heard
    if shown == meant[1]:
        return f"understood through ASR noise: “{said}” answered as “{meant[0]}”"
    return (
        f"not understood through ASR noise: “{said}” got {shown}, while “{meant[0]}” got {meant[1]}"
    )


def _answer_to_speech(call: CallResult) -> tuple[str, str] | None:
    """(the words, the state label of the answer) of the call's last ``normal`` callback."""
    for turn in reversed(call.turns):
        if turn.callback.kind is CallbackKind.NORMAL:
            data = usable_data(turn)
            if data is None:
                return None
            words = str(turn.callback.content.get("words", ""))
            label = state_of(data, Identity.NORMAL).label  # the bot's text: shown, never obeyed
            return neutralize_controls(words), neutralize_controls(label)
    return None
