"""What vcall sends obeys the rules it enforces: seed 002 (SmartCall, 接口说明): "以下字符不可以在
智能语音交互 SmartCall 回调中出现: @ = : "" $ { } ^ * ¥". Every callback of every built-in
``check`` behaviour and every shipped fixture, and every caller line of ``explore``, goes through
the forbidden-character rule. ``call_id`` is the platform's own (``123^321``, seed 001) and is
not in ``content``."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from importlib import resources
from pathlib import Path

import pytest

from vcall.simulator.dialogue_map.moves import builtin_lines
from vcall.simulator.explore.suite import builtin_suite
from vcall.simulator.fixture.loader import LoadOptions, load_scenarios
from vcall.simulator.fixture.scenario import Scenario
from vcall.simulator.replay.engine import SimulationConfig, simulate
from vcall.simulator.replay.targets import EXAMPLE_BOT, resolve_target
from vcall.simulator.validation.values import blank_play_code_syntax, forbidden_positions

ECHOED_PLAY_CODES = frozenset({"content.current_media_code"})
"""The bot's own ``action_code`` item played back: its ``$name$`` and URL syntax are exempt, as
the rule exempts them in the answer (README, "Forbidden characters")."""

FIXTURES = sorted(
    str(entry)
    for entry in resources.files("vcall.fixtures").iterdir()
    if entry.name.endswith((".yaml", ".yml"))
)


def _values(value: object, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _values(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _values(item, f"{path}[{index}]")
    elif isinstance(value, str):
        yield path, value


def _forbidden_sent(scenarios: Sequence[Scenario]) -> list[str]:
    config = SimulationConfig(seed=1, spec_only=True, concurrency=8)
    run = simulate(list(scenarios), resolve_target(EXAMPLE_BOT), config)
    assert len(run.calls) == len(scenarios) and all(call.turns for call in run.calls)
    found = []
    for call in run.calls:
        for turn in call.turns:
            where = f"{call.scenario.name} turn {turn.number} {turn.callback.kind.value}"
            for path, text in _values(dict(turn.callback.content), "content"):
                judged = blank_play_code_syntax(text) if path in ECHOED_PLAY_CODES else text
                hits, _ = forbidden_positions(judged)
                if hits:
                    found.append(f"{where} {path}: {text!r}")
    return found


def test_the_forbidden_rule_finds_what_this_test_looks_for() -> None:
    assert forbidden_positions("zhang.san@example.com")[0] == [("@", 9)]


def test_no_builtin_behaviour_sends_a_forbidden_character() -> None:
    suite = builtin_suite()
    assert len(suite) >= 22
    assert _forbidden_sent([behaviour.scenario for behaviour in suite]) == []


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda path: Path(path).name)
def test_no_shipped_fixture_sends_a_forbidden_character(fixture: str) -> None:
    scenarios = load_scenarios([fixture], options=LoadOptions(seed=0))
    assert _forbidden_sent(scenarios) == []


def test_no_caller_line_of_explore_holds_a_forbidden_character() -> None:
    lines = builtin_lines()
    assert len(lines) > 10
    assert [line for line in lines if forbidden_positions(line)[0]] == []
