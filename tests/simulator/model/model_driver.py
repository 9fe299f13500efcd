"""Helpers for the platform-model tests: build scenarios in code, answer callbacks from a script."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from vcall.simulator.fixture.scenario import Action, CallSettings, Direction, Scenario, Step
from vcall.simulator.model import Callback, CallbackFlow, CallSession, ResponseData
from vcall.simulator.spec import CallbackKind

CALL_ID = "100001616500^100001871490"
EPOCH_MS = 1_763_700_000_000
"""2025-11-21 04:40:00 UTC = 12:40:00 in Shanghai."""

Responder = Callable[[Callback], ResponseData | None]


def data(action: str, **fields: Any) -> dict[str, Any]:
    """A response's ``data`` object."""
    return {"call_id": CALL_ID, "action": action, **fields}


def answer(action_code: str = "welcome.wav", **fields: Any) -> dict[str, Any]:
    return data("answer", action_code=action_code, **fields)


def scenario(
    *actions: Action,
    direction: Direction = Direction.INBOUND,
    smartcall: Mapping[str, Any] | None = None,
    media: Mapping[str, int] | None = None,
    orgcallee: str = "",
) -> Scenario:
    steps = tuple(Step(action, index=index) for index, action in enumerate(actions))
    call = CallSettings(direction=direction, smartcall=smartcall or {}, orgcallee=orgcallee)
    return Scenario("测试场景", steps, call=call, media=media or {})


@dataclass
class Script:
    """Answers callbacks in order from a list; ``donothing`` once the list runs out.

    An entry may be a data dict, ``None`` (an unusable answer) or a responder function.
    """

    answers: list[Any] = field(default_factory=list)
    seen: list[Callback] = field(default_factory=list)

    def __call__(self, callback: Callback) -> ResponseData | None:
        self.seen.append(callback)
        if not self.answers:
            return data("donothing")
        entry = self.answers.pop(0)
        return entry(callback) if callable(entry) else entry


def drive(flow: CallbackFlow, respond: Responder) -> list[Callback]:
    """Run one generator to its end, answering every callback."""
    sent: list[Callback] = []
    try:
        callback = next(flow)
        while True:
            sent.append(callback)
            callback = flow.send(respond(callback))
    except StopIteration:
        return sent


@dataclass
class Call:
    session: CallSession
    callbacks: list[Callback]
    per_step: list[list[Callback]]

    def kinds(self) -> list[CallbackKind]:
        return [callback.kind for callback in self.callbacks]

    def of(self, kind: CallbackKind) -> list[Callback]:
        return [callback for callback in self.callbacks if callback.kind is kind]

    def messages(self) -> list[str]:
        return [note.message for note in self.session.notes]


def run_call(
    scene: Scenario, answers: Iterable[Any] | Responder = (), *, finish: bool = True
) -> Call:
    """Play a whole scenario: start, every step, finish."""
    respond: Responder = answers if callable(answers) else Script(list(answers))
    session = CallSession(scene, call_id=CALL_ID, start_epoch_ms=EPOCH_MS)
    callbacks = drive(session.start(), respond)
    per_step = []
    for step in scene.steps:
        step_callbacks = drive(session.play_step(step), respond)
        per_step.append(step_callbacks)
        callbacks += step_callbacks
    if finish:
        callbacks += drive(session.finish(), respond)
    return Call(session, callbacks, per_step)
