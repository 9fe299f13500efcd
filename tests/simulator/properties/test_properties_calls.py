"""One checker, single calls: ``simulate --properties`` checks each played call; a violation is
an error finding of that call."""

from __future__ import annotations

from props_bots import bot_from, menu_bot

from vcall.simulator.fixture.loader import parse_scenario
from vcall.simulator.properties import (
    BuiltinOptions,
    builtin_properties,
    parse_properties,
    run_with_properties,
)
from vcall.simulator.properties.calls import PROPERTY_RULE
from vcall.simulator.replay.engine import SimulationConfig, simulate
from vcall.simulator.replay.results import RunResult
from vcall.simulator.replay.targets import app_target

SILENT = """\
name: 一直不说话
steps:
  - wait: playback
  - say: 你好
  - silence: 60s
"""
REPEATED = """\
name: 一直说听不懂的话
steps:
  - wait: playback
  - say: 你好
  - wait: playback
  - say: 嗯嗯
  - wait: playback
  - say: 啊
  - wait: playback
  - say: 喂？
  - wait: playback
  - say: 哦
"""
COMPLAINT = """\
name: 投诉后说了别的
steps:
  - wait: playback
  - say: 你好
  - wait: playback
  - say: 我要投诉
  - wait: playback
  - say: 算了
"""
TEAM = """\
properties:
  - name: 投诉分支绝不挂机
    in: {action_code: {contains: complaint}}
    never: {action: hangup}
"""
BUILTINS = builtin_properties(BuiltinOptions())


def _run(fixture: str, properties, **faults) -> RunResult:  # type: ignore[no-untyped-def]
    scenario = parse_scenario(fixture, "call.yaml")
    target = app_target("bot", bot_from(menu_bot(**faults)))
    return run_with_properties(simulate([scenario], target, SimulationConfig()), properties)


def _broken(run: RunResult) -> list[str]:
    return [f.message for call in run.calls for f in call.findings if f.rule == PROPERTY_RULE]


def test_a_silent_caller_never_hung_up_on_breaks_silence_ends_in_that_call() -> None:
    run = _run(SILENT, BUILTINS, silence_forever=True)
    assert any("'silence-ends'" in message for message in _broken(run))
    assert run.failed == 1
    assert _broken(_run(SILENT, BUILTINS)) == []


def test_the_same_prompt_to_every_input_breaks_no_repeat_in_that_call() -> None:
    run = _run(REPEATED, BUILTINS, repeat_forever=True)
    assert [m for m in _broken(run) if "'no-repeat'" in m]
    assert _broken(_run(REPEATED, BUILTINS)) == []


def test_a_team_never_property_is_checked_on_a_played_call() -> None:
    properties = parse_properties(TEAM, "team.yaml")
    run = _run(COMPLAINT, properties, complaint_hangs_up=True)
    assert _broken(run) and "an answer with action equals 'hangup'" in _broken(run)[0]
    assert _broken(_run(COMPLAINT, properties)) == []
