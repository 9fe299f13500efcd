"""Static checks of fixture files, without running them (``vcall fixtures check``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from vcall.simulator.errors import VcallError
from vcall.simulator.findings import Finding, Severity
from vcall.simulator.fixture_loader import expand_fixture_paths, load_scenario
from vcall.simulator.model.responses import ENDING_ACTIONS
from vcall.simulator.scenario import Direction, Expectation, Hangup, MatchKind, Say, Scenario

SOURCE = "fixture"
UNREACHABLE = "fixture-unreachable"
"""Something in the file can never happen: a step that never runs, an expectation never met."""
SUSPICIOUS = "fixture-suspicious"


@dataclass(frozen=True, slots=True)
class FixtureCheck:
    """What was found in one fixture file; ``scenario`` is None when it did not load."""

    file: str
    scenario: Scenario | None
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return not any(finding.is_error for finding in self.findings)


def check_fixtures(patterns: Sequence[str]) -> list[FixtureCheck]:
    """Load and check every fixture file the patterns name; one result per file."""
    return [check_fixture(path) for path in expand_fixture_paths(patterns)]


def check_fixture(path: Path) -> FixtureCheck:
    try:
        scenario = load_scenario(path)
    except VcallError as error:
        return FixtureCheck(
            str(path), None, (Finding("fixture-invalid", Severity.ERROR, "", str(error), SOURCE),)
        )
    return FixtureCheck(str(path), scenario, tuple(scenario_findings(scenario)))


def scenario_findings(scenario: Scenario) -> Iterator[Finding]:
    """Problems a loader cannot see: steps that can never run, expectations that can never be met."""
    yield from _unreachable_steps(scenario)
    yield from _misplaced_early_media(scenario)
    yield from _expectations_on_hangup(scenario)
    yield from _ending_against_end(scenario)
    if not scenario.steps:
        message = "the scenario has no steps: only the start of the call is played"
        yield _finding(SUSPICIOUS, Severity.WARNING, scenario, 1, message)


def _unreachable_steps(scenario: Scenario) -> Iterator[Finding]:
    for step in scenario.steps[:-1]:
        if isinstance(step.action, Hangup):
            rest = len(scenario.steps) - step.index - 1
            message = f"the caller hangs up at step {step.index + 1}; the {rest} step(s) after it can never run"
            yield _finding(UNREACHABLE, Severity.ERROR, scenario, step.line, message)
            return


def _misplaced_early_media(scenario: Scenario) -> Iterator[Finding]:
    answered = False
    for step in scenario.steps:
        early = isinstance(step.action, Say) and step.action.early_media
        if early and (answered or scenario.call.direction is Direction.INBOUND):
            where = (
                "inbound calls have none"
                if not answered
                else "it must come before the call is answered"
            )
            message = f"early_media step: {where}"
            yield _finding(SUSPICIOUS, Severity.ERROR, scenario, step.line, message)
        answered = answered or not early


def _expectations_on_hangup(scenario: Scenario) -> Iterator[Finding]:
    for step in scenario.steps:
        if isinstance(step.action, Hangup) and step.expect is not None:
            message = "the caller's hangup produces no callback, so its expect can never be met"
            yield _finding(UNREACHABLE, Severity.ERROR, scenario, step.line, message)


def _ending_against_end(scenario: Scenario) -> Iterator[Finding]:
    """The first step that expects a call-ending action decides how the call ends, so an ``end:``
    naming another reason can never be met together with it."""
    for step in scenario.steps:
        action = expected_action(step.expect)
        reason = ENDING_ACTIONS.get(action or "")
        if reason is None:
            continue
        if scenario.end is not None and scenario.end is not reason:
            message = (
                f"step {step.index + 1} expects action {action}, which ends the call by "
                f"{reason.value}, so 'end: {scenario.end.value}' can never be met"
            )
            yield _finding(UNREACHABLE, Severity.ERROR, scenario, step.line, message)
        return


def expected_action(expectation: Expectation | None) -> str | None:
    """The action an expectation requires with ``action: NAME`` (None for any other form)."""
    for match in expectation.matches if expectation else ():
        if match.path == "data.action" and match.kind is MatchKind.EQUALS:
            return str(match.value)
    return None


def _finding(rule: str, severity: Severity, scenario: Scenario, line: int, message: str) -> Finding:
    return Finding(rule, severity, "", f"{scenario.file}:{line}: {message}", SOURCE)
