"""Steps that follow the bot: ``when:``/``then:``/``until:`` rounds, ``capture:`` and
``${captured.NAME}``.

The engine's :class:`~vcall.simulator.replay.engine.CallRunner` plays plain steps; this module
decides, from the bot's latest answer, which of them to play, and keeps the values a fixture
captures. Conditions use the expectation matcher (``replay.expectations``): a condition holds
when checking it as an expectation finds nothing.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from vcall.simulator.findings import Finding, Severity
from vcall.simulator.fixture.scenario import (
    BargeIn,
    Expectation,
    Match,
    MatchKind,
    Press,
    React,
    Say,
    Scenario,
    Step,
)
from vcall.simulator.replay.expectations import check_expectation, lookup
from vcall.simulator.replay.results import Turn

SOURCE = "fixture"
UNTIL_UNMET = "react-until-unmet"
CAPTURE_MISSING = "capture-missing"
CAPTURE_INVALID = "capture-invalid"
FIXTURE_FLOW_RULES = frozenset({UNTIL_UNMET, CAPTURE_MISSING, CAPTURE_INVALID})
"""What the fixture expected of the bot to steer its steps (warnings under ``--spec-only``)."""
_CAPTURED = re.compile(r"\$\{captured\.([^}]*)\}")
_KEYS = re.compile(r"[0-9*#]+")
_MISSING = lookup({}, "absent")
"""What ``lookup`` gives for a path the answer does not have."""


class Runner(Protocol):
    """What a reactive step needs of the call it runs in (``engine.CallRunner``)."""

    captures: Captures
    findings: list[Finding]
    last_turn: Turn | None

    @property
    def ended(self) -> bool: ...

    async def play_one(self, step: Step) -> list[Turn]: ...


class Captures:
    """The values a call has captured so far, by name."""

    def __init__(self, scenario: Scenario | None = None) -> None:
        self.values: dict[str, str] = {}
        self._users = _steps_using_captures(scenario) if scenario is not None else None

    def resolve(self, step: Step) -> tuple[Step | None, list[Finding]]:
        """``step`` with every ``${captured.NAME}`` filled in; None (and why) if it cannot be."""
        if self._users is not None and id(step) not in self._users:
            return step, []  # most steps: nothing to fill in, known without looking
        missing = [name for name in _names(step) if name not in self.values]
        if missing:
            message = (
                f"{_where(step)}: ${{captured.{missing[0]}}} was never captured "
                "(the step that captures it did not run); the step was skipped"
            )
            return None, [Finding(CAPTURE_MISSING, Severity.ERROR, "", message, SOURCE)]
        if not self.values:
            return step, []
        resolved = _resolved_step(step, self._fill)
        action = resolved.action
        if isinstance(action, Press) and not _KEYS.fullmatch(action.digits):
            message = f"{_where(step)}: press {action.digits!r} is not keys (0-9, *, #); skipped"
            return None, [Finding(CAPTURE_INVALID, Severity.ERROR, "", message, SOURCE)]
        return resolved, []

    def condition(self, expectation: Expectation) -> Expectation:
        return _resolved_expectation(expectation, self._fill) if self.values else expectation

    def take(self, step: Step, turns: Sequence[Turn], last_turn: Turn | None) -> list[Finding]:
        """Keep the values ``step`` captures from its last answer (or the call's latest one)."""
        if not step.capture:
            return []
        turn = turns[-1] if turns else last_turn
        envelope = turn.envelope if turn is not None else None
        findings = []
        for name, path in step.capture.items():
            value = lookup(envelope or {}, path)
            if envelope is None or value is _MISSING:
                message = f"{_where(step)}: capture {name}: {path} is absent in the answer"
                findings.append(Finding(CAPTURE_MISSING, Severity.ERROR, path, message, SOURCE))
                continue
            self.values[name] = _as_text(value)
        return findings

    def _fill(self, text: str, *, regex: bool = False) -> str:
        """``text`` with each ``${captured.NAME}`` filled in; in a ``regex:``, the value is
        escaped: what the bot answered is matched literally, never run as a pattern."""

        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in self.values:
                return match.group(0)
            return re.escape(self.values[name]) if regex else self.values[name]

        return _CAPTURED.sub(value, text)


async def play_reactive(runner: Runner, step: Step) -> list[Turn]:
    """Play a reactive step's rounds: ``then`` while ``when`` holds, until ``until`` holds."""
    react = step.action
    assert isinstance(react, React)
    turns: list[Turn] = []
    rounds = 0
    while not runner.ended and rounds < react.max_rounds:
        if react.until is not None and _holds(runner, react.until):
            break
        if react.when is not None and not _holds(runner, react.when):
            break
        rounds += 1
        for sub in react.then:
            if runner.ended:
                break
            turns.extend(await runner.play_one(sub))
        if react.until is None:
            break
    if react.until is not None and not _holds(runner, react.until):
        runner.findings.append(_until_unmet(runner, step, react, rounds))
    runner.findings.extend(runner.captures.take(step, (), runner.last_turn))
    return turns


def _holds(runner: Runner, condition: Expectation) -> bool:
    turn = runner.last_turn
    if turn is None:
        return False
    resolved = runner.captures.condition(condition)
    return not check_expectation(resolved, turn.callback.kind, turn.envelope, "")


def _until_unmet(runner: Runner, step: Step, react: React, rounds: int) -> Finding:
    assert react.until is not None
    turn = runner.last_turn
    found = check_expectation(
        runner.captures.condition(react.until),
        turn.callback.kind if turn else None,
        turn.envelope if turn else None,
        "until",
    )
    why = found[0].message if found else "until: no answer"
    ended = " (the call ended)" if runner.ended else ""
    message = (
        f"{_where(step)}: {why}; still not met after {rounds} round(s) of "
        f"at most {react.max_rounds}{ended}"
    )
    return Finding(UNTIL_UNMET, Severity.ERROR, "", message, SOURCE)


def _where(step: Step) -> str:
    return f"step {step.index + 1} ({step.kind}, line {step.line})"


_USERS_CACHE: dict[int, tuple[Scenario, frozenset[int]]] = {}
_USERS_CACHE_SIZE = 4096


def _steps_using_captures(scenario: Scenario) -> frozenset[int]:
    """Ids of the steps of ``scenario`` (``then:`` steps included) that use a captured value;
    computed once per scenario object (a load run plays the same scenarios many times)."""
    cached = _USERS_CACHE.get(id(scenario))
    if cached is not None and cached[0] is scenario:
        return cached[1]
    if len(_USERS_CACHE) >= _USERS_CACHE_SIZE:
        _USERS_CACHE.clear()
    flat = [s for top in scenario.steps for s in (top, *_then(top))]
    users = frozenset(id(step) for step in flat if _names(step))
    _USERS_CACHE[id(scenario)] = (scenario, users)
    return users


def _then(step: Step) -> tuple[Step, ...]:
    return step.action.then if isinstance(step.action, React) else ()


def _names(step: Step) -> list[str]:
    """The captured names ``step`` uses (cheap: most steps use none)."""
    return [name for text in _texts(step) if "${" in text for name in _CAPTURED.findall(text)]


def _texts(step: Step) -> Iterator[str]:
    action = step.action
    if isinstance(action, Say | BargeIn):
        yield action.words
    elif isinstance(action, Press):
        yield action.digits
    for match in step.expect.matches if step.expect is not None else ():
        if isinstance(match.value, str):
            yield match.value


def _resolved_step(step: Step, fill: Any) -> Step:
    action = step.action
    if isinstance(action, Say | BargeIn) and "${" in action.words:
        action = dataclasses.replace(action, words=fill(action.words))
    elif isinstance(action, Press) and "${" in action.digits:
        action = dataclasses.replace(action, digits=fill(action.digits))
    expect = _resolved_expectation(step.expect, fill) if step.expect is not None else None
    if action is step.action and expect is step.expect:
        return step
    return dataclasses.replace(step, action=action, expect=expect)


def _resolved_expectation(expectation: Expectation, fill: Any) -> Expectation:
    matches = tuple(_resolved_match(match, fill) for match in expectation.matches)
    if all(new is old for new, old in zip(matches, expectation.matches, strict=True)):
        return expectation
    return dataclasses.replace(expectation, matches=matches)


def _resolved_match(match: Match, fill: Any) -> Match:
    if isinstance(match.value, str) and "${" in match.value:
        regex = match.kind is MatchKind.REGEX  # a captured "(" or "(a+)+$" is text, not a regex
        return dataclasses.replace(match, value=fill(match.value, regex=regex))
    return match


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)
