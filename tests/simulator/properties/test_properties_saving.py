"""``explore --save``: one fixture per violated property, red on the faulty bot and green once
the bot is fixed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from props_bots import bot_from, menu_bot

from vcall.simulator.explore.run import ExploreConfig, explore
from vcall.simulator.fixture.loader import load_scenarios
from vcall.simulator.properties import BuiltinOptions, builtin_properties, parse_properties
from vcall.simulator.replay.engine import SimulationConfig, simulate
from vcall.simulator.replay.targets import app_target

LINES = ("查话费", "投诉", "你好")
TEAM = """\
properties:
  - name: complaint-agent
    in: {action_code: {contains: complaint}}
    when: {say: 转人工}
    then: {action: [transfer, parallel_transfer]}
  - name: complaint-never-hangs-up
    in: {action_code: {contains: complaint}}
    never: {action: hangup}
"""
BUILTINS = builtin_properties(BuiltinOptions(on=frozenset({"goodbye-ends"})))


def _replay(fixture: Path, **faults: Any) -> bool:
    """Whether the fixture passes against the bot with ``faults``."""
    scenarios = load_scenarios([str(fixture)])
    run = simulate(
        list(scenarios), app_target("bot", bot_from(menu_bot(**faults))), SimulationConfig()
    )
    return run.failed == 0


@pytest.mark.parametrize(
    ("fault", "name"),
    [
        ("stuck_balance", "call-can-end"),
        ("silence_forever", "silence-ends"),
        ("goodbye", "goodbye-ends"),
        ("agent_in_complaint", "complaint-agent"),
        ("complaint_hangs_up", "complaint-never-hangs-up"),
    ],
)
def test_a_saved_property_fixture_replays_red_then_green_once_fixed(
    fault: str, name: str, tmp_path: Path
) -> None:
    faulty = {fault: fault not in ("goodbye", "agent_in_complaint")}
    properties = (*BUILTINS, *parse_properties(TEAM, "team.yaml"))
    config = ExploreConfig(lines=LINES, properties=properties, save_dir=tmp_path)
    result = explore(app_target("bot", bot_from(menu_bot(**faulty))), config)
    outcome = next(o for o in result.properties if o.property.name == name)
    assert outcome.violated and outcome.saved, result.properties
    fixture = Path(outcome.saved)
    assert fixture.parent == tmp_path and "property" in fixture.read_text("utf-8")
    assert not _replay(fixture, **faulty)
    assert _replay(fixture)
