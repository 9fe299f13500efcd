"""Static fixture checks (``vcall.simulator.fixture_check``): rules, severities, lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from vcall.simulator.findings import Severity
from vcall.simulator.fixture_check import check_fixture, expected_action, scenario_findings
from vcall.simulator.fixture_loader import parse_scenario


def findings(text: str) -> list[tuple[str, Severity, str]]:
    scenario = parse_scenario(text, "t.yaml")
    return [(f.rule, f.severity, f.message) for f in scenario_findings(scenario)]


def test_a_sound_scenario_has_no_findings() -> None:
    text = "name: 好\nsteps:\n  - say: 你好\n    expect: {action: hangup}\n  - wait: 1s\n  - hangup\nend: bot_hangup\n"
    assert findings(text) == []


def test_steps_after_a_caller_hangup_never_run() -> None:
    text = "name: x\nsteps:\n  - say: 你好\n  - hangup\n  - press: '1'\n  - say: 喂\n"
    assert findings(text) == [
        (
            "fixture-unreachable",
            Severity.ERROR,
            "t.yaml:4: the caller hangs up at step 2; the 2 step(s) after it can never run",
        )
    ]


@pytest.mark.parametrize(
    ("action", "end", "reason"),
    [("hangup", "transfer", "bot_hangup"), ("transfer", "caller_hangup", "transfer")],
)
def test_an_ending_action_contradicting_end_is_never_met(
    action: str, end: str, reason: str
) -> None:
    text = f"name: x\nsteps:\n  - say: 你好\n    expect: {{action: {action}}}\nend: {end}\n"
    assert findings(text) == [
        (
            "fixture-unreachable",
            Severity.ERROR,
            f"t.yaml:3: step 1 expects action {action}, which ends the call by {reason}, "
            f"so 'end: {end}' can never be met",
        )
    ]


def test_only_the_first_ending_expectation_decides() -> None:
    text = (
        "name: x\nsteps:\n  - say: 转人工\n    expect: {action: transfer}\n"
        "  - say: 喂\n    expect: {action: hangup}\nend: transfer\n"
    )
    assert findings(text) == []


def test_early_media_on_an_inbound_call_is_an_error() -> None:
    text = "name: x\nsteps:\n  - say: 喂\n    early_media: true\n"
    assert findings(text) == [
        (
            "fixture-suspicious",
            Severity.ERROR,
            "t.yaml:3: early_media step: inbound calls have none",
        )
    ]


def test_expected_action_reads_only_an_equals_match() -> None:
    steps = parse_scenario(
        "name: x\nsteps:\n  - say: a\n    expect: {action: play}\n"
        "  - say: b\n    expect: {action: {regex: '^p'}}\n  - say: c\n",
        "t.yaml",
    ).steps
    assert [expected_action(step.expect) for step in steps] == ["play", None, None]


def test_a_file_that_does_not_load_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\nstpes: []\n", encoding="utf-8")
    result = check_fixture(path)
    assert result.scenario is None and not result.ok
    assert [(f.rule, f.message) for f in result.findings] == [
        ("fixture-invalid", f"{path}:2: unknown key 'stpes' (did you mean 'steps'?)")
    ]
