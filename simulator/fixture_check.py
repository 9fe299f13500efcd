"""Static checks of fixture files, without running them (``vcall fixtures check``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from vcall.simulator.errors import VcallError
from vcall.simulator.findings import Finding, Severity
from vcall.simulator.fixture_loader import expand_fixture_paths, load_scenario
from vcall.simulator.scenario import Direction, Hangup, Say, Scenario

SOURCE = "fixture"


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
    if not scenario.steps:
        yield _finding(
            Severity.WARNING,
            scenario,
            1,
            "the scenario has no steps: only the start of the call is played",
        )


def _unreachable_steps(scenario: Scenario) -> Iterator[Finding]:
    for step in scenario.steps[:-1]:
        if isinstance(step.action, Hangup):
            rest = len(scenario.steps) - step.index - 1
            message = f"the caller hangs up at step {step.index + 1}; the {rest} step(s) after it can never run"
            yield _finding(Severity.ERROR, scenario, step.line, message)
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
            yield _finding(Severity.ERROR, scenario, step.line, f"early_media step: {where}")
        answered = answered or not early


def _expectations_on_hangup(scenario: Scenario) -> Iterator[Finding]:
    for step in scenario.steps:
        if isinstance(step.action, Hangup) and step.expect is not None:
            message = "the caller's hangup produces no callback, so its expect can never be met"
            yield _finding(Severity.ERROR, scenario, step.line, message)


def _finding(severity: Severity, scenario: Scenario, line: int, message: str) -> Finding:
    rule = "fixture-unreachable" if "never" in message else "fixture-suspicious"
    return Finding(rule, severity, "", f"{scenario.file}:{line}: {message}", SOURCE)
