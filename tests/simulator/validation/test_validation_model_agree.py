"""The validator and the platform model agree on every out-of-range value (issue 10).

One source: ``spec.RANGED`` / ``spec.range_outcome``. For every ranged response field and
SmartCall parameter, a value just outside each end of its range goes through both: the
validator's finding must say, word for word, what the model then notes, and the model must then
use exactly the value the message names (or ignore the value, when it says so).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from response_builders import BASE_PARAMS, CALL_ID, encode, envelope

from vcall.simulator.findings import Severity
from vcall.simulator.fixture.scenario import (
    Action,
    CallSettings,
    Direction,
    Say,
    Scenario,
    Silence,
    Step,
)
from vcall.simulator.model import CallbackFlow, CallSession, CallState
from vcall.simulator.spec import (
    PLATFORM_DEFAULTS,
    RANGED,
    RESPONSE_FIELDS,
    OutOfRange,
    Stage,
    range_outcome,
)
from vcall.simulator.validation import check_smartcall_params, validate_response

EPOCH_MS = 1_763_700_000_000
Observe = Callable[[CallState], object]


def data(action: str, **fields: object) -> dict[str, object]:
    return {"call_id": CALL_ID, "action": action, **fields}


def answer(**fields: object) -> dict[str, object]:
    return data("answer", **{"action_code": "welcome.wav", **fields})


def scenario(*actions: Action, **call: Any) -> Scenario:
    steps = tuple(Step(action, index=index) for index, action in enumerate(actions))
    return Scenario("范围", steps, call=CallSettings(**call))


def drive(flow: CallbackFlow, reply: dict[str, object]) -> None:
    """Run one generator to its end, answering every callback with ``reply``."""
    try:
        next(flow)
        while True:
            flow.send(reply)
    except StopIteration:
        return


DTMF = {"dtmf_max_numbers", "dtmf_nonin_overtime"}
RANGE_RULES = {"range-fallback", "value-out-of-range", "session-timeout-too-long"}

OBSERVED: dict[str, tuple[Observe, object]] = {
    # name: (what the model uses, its value when the setting is ignored)
    "mute_time": (lambda s: s.mute_time_ms, PLATFORM_DEFAULTS.mute_time_ms),
    "pause_time": (lambda s: s.pause_time_ms, PLATFORM_DEFAULTS.pause_time_ms),
    "session_timeout": (lambda s: s.session_timeout_s, PLATFORM_DEFAULTS.session_timeout_s),
    "dtmf_max_numbers": (lambda s: s.pending_dtmf and s.pending_dtmf.max_numbers, None),
    "dtmf_nonin_overtime": (
        lambda s: s.pending_dtmf and s.pending_dtmf.timeout_s,
        PLATFORM_DEFAULTS.dtmf_nonin_overtime_s,
    ),
    "MuteTime": (lambda s: s.mute_time_ms, PLATFORM_DEFAULTS.mute_time_ms),
    "PauseTime": (lambda s: s.pause_time_ms, PLATFORM_DEFAULTS.pause_time_ms),
    "SessionTimeout": (lambda s: s.session_timeout_s, PLATFORM_DEFAULTS.session_timeout_s),
    "ActionCodeTimeBreak": (lambda s: s.playing and s.playing.time_break_ms, 0),
}
"""How to see what the model did with each ranged value it models; the others (TTS voice,
Volume, StreamAsr) are not modelled: only the note is compared."""


def outside_values(name: str) -> list[int]:
    valid = RANGED[name][0]
    values = []
    if valid.low is not None:
        values.append(valid.low - 1)
    if valid.high is not None:
        values.append(valid.high + 1)
    return values


WALK = [
    pytest.param(name, value, id=f"{name}={value}")
    for name in RANGED
    for value in outside_values(name)
]


def test_the_walk_covers_every_ranged_field_and_parameter() -> None:
    assert {param.values[0] for param in WALK} == set(RANGED)
    assert all(len(outside_values(name)) >= 1 for name in RANGED)


def validator_finding(name: str, value: int) -> Any:
    if name in RESPONSE_FIELDS:
        stage = Stage.FOLLOWUP if name in DTMF else Stage.CALLIN
        action = "dtmf" if name in DTMF else "answer"
        body = envelope({"call_id": CALL_ID, "action": action, "action_code": "a.wav", name: value})
        findings = validate_response(encode(body), stage, call_id=CALL_ID).findings
    else:
        findings = check_smartcall_params({**BASE_PARAMS, name: value})
    [finding] = [
        f for f in findings if f.path.removeprefix("data.") == name and f.rule in RANGE_RULES
    ]
    return finding


def model_run(name: str, value: int) -> tuple[CallState, list[str]]:
    if name not in RESPONSE_FIELDS:  # a SmartCall parameter: an outbound call
        params = {"VoiceCode": "hi.wav", name: value}
        scene = scenario(Silence(100), direction=Direction.OUTBOUND, smartcall=params)
        session = CallSession(scene, call_id=CALL_ID, start_epoch_ms=EPOCH_MS)
        drive(session.start(), data("donothing"))
        drive(session.play_step(scene.steps[0]), data("donothing"))
    elif name in DTMF:
        scene = scenario(Say("菜单", 500))
        session = CallSession(scene, call_id=CALL_ID, start_epoch_ms=EPOCH_MS)
        drive(session.start(), answer(action_code=""))
        menu = data("dtmf", action_code="menu.wav", **{name: value})
        drive(session.play_step(scene.steps[0]), menu)
    else:
        scene = scenario()
        session = CallSession(scene, call_id=CALL_ID, start_epoch_ms=EPOCH_MS)
        drive(session.start(), answer(**{name: value}))
    return session.state, [note.message for note in session.notes]


@pytest.mark.parametrize(("name", "value"), WALK)
def test_validator_and_model_agree(name: str, value: int) -> None:
    outcome = range_outcome(name, value)
    assert outcome is not None
    finding = validator_finding(name, value)
    state, notes = model_run(name, value)
    assert finding.message == outcome.message
    assert outcome.message in notes  # the model says what the validator says ...
    if name in OBSERVED:  # ... and does it
        observe, when_ignored = OBSERVED[name]
        expected = when_ignored if outcome.how is OutOfRange.IGNORED else outcome.used
        assert observe(state) == expected
    severity = Severity.ERROR if outcome.how is OutOfRange.IGNORED else Severity.WARNING
    assert finding.severity is severity


def test_session_timeout_is_capped_as_the_message_says() -> None:
    """Seed 002: 通话时长最长 3600 秒."""
    outcome = range_outcome("session_timeout", 7200)
    assert outcome is not None and outcome.used == 3600
    assert outcome.message.endswith("the platform caps it at 3600")
    state, _ = model_run("session_timeout", 7200)
    assert state.session_timeout_s == 3600
