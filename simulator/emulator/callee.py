"""Who answers an emulated call: the steps of a fixture, or the default polite callee.

An accepted SmartCall request becomes an outbound :class:`Scenario` whose ``call.smartcall`` holds
the parameters as received (``VoiceCode``, ``VoiceCodeParam``, ``DynamicId``, ``MuteTime``, ...):
the platform model plays it exactly as ``vcall simulate`` plays an outbound fixture.

The default polite callee waits for the opening, says it can talk, answers one question and says
goodbye. It is a script it abandons when the bot ends the call first, so a bot that hangs up after
the answer is not blamed for the goodbye it never heard (only the steps played are kept).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import MappingProxyType

from vcall.simulator import spec
from vcall.simulator.fixture import Action, CallSettings, Direction, Say, Scenario, Step, Wait

POLITE_CALLEE_NAME = "default polite callee"
POLITE_SCRIPT: tuple[Action, ...] = (
    Wait(),
    Say("喂，你好，方便的，你说吧"),
    Wait(),
    Say("嗯，挺满意的，没什么问题"),
    Wait(),
    Say("好的，谢谢，再见"),
)
"""Wait for the opening; can talk; (the bot asks something); an answer; goodbye."""
EMULATOR_TAG = "emulator"


def smartcall_settings(params: Mapping[str, str]) -> dict[str, str]:
    """The received parameters the platform acts on: SmartCall's own, by their API names."""
    return {name: value for name, value in params.items() if name in spec.SMARTCALL_PARAMS}


def polite_callee_steps() -> tuple[Step, ...]:
    return tuple(Step(action, index=index) for index, action in enumerate(POLITE_SCRIPT))


def build_call_scenario(params: Mapping[str, str], fixture: Scenario | None = None) -> Scenario:
    """The outbound call a SmartCall request places: the fixture's callee (its steps, media,
    expectations) or the polite callee, with the request's numbers and settings."""
    callee = params.get("CalledNumber", "")
    call = CallSettings(
        direction=Direction.OUTBOUND,
        caller=params.get("CalledShowNumber", ""),
        callee=callee,
        smartcall=MappingProxyType(smartcall_settings(params)),
    )
    if fixture is not None:
        tags = tuple(dict.fromkeys((*fixture.tags, EMULATOR_TAG)))
        return dataclasses.replace(fixture, call=call, answer=None, tags=tags)
    return Scenario(
        name=f"SmartCall → {callee}",
        steps=polite_callee_steps(),
        call=call,
        description=POLITE_CALLEE_NAME,
        tags=(EMULATOR_TAG,),
    )
