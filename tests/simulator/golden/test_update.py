"""``--update-expectations``: expectations rewritten from observed answers, comments and layout kept."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from vcall.simulator.errors import UsageError
from vcall.simulator.fixture.loader import load_scenarios
from vcall.simulator.golden.update import plan_expectation_updates, write_updates
from vcall.simulator.replay.engine import SimulationConfig, run_scenarios
from vcall.simulator.replay.results import RunResult
from vcall.simulator.replay.targets import EXAMPLE_BOT, resolve_target

STALE = """\
# Parcel inquiry. The bot's prompts changed last week;
# these expectations still describe the old ones.
name: 快递查询（旧的期望）
call:
  caller: "13800138000"   # a test number
  callee: "057126880000"
media:
  welcome.wav: 4s
  goodbye.wav: 2s

answer:
  action: answer
  action_code: hello.wav       # renamed since
steps:
  - wait: playback
  - say: 你好，我想查一下我的快递到哪了
    expect:
      callback: normal
      action: play
      action_code_param: {contains: 上海转运中心}   # moved to Hangzhou
      dynamic_id: 'orders'
      msg: 成功
  - wait: playback

  # the goodbye
  - say: 好的，没有了，谢谢
    expect: {callback: normal, action: play, action_code: "bye.wav"}
end: transfer
"""


def run(*patterns: str) -> RunResult:
    scenarios = load_scenarios(list(patterns), environ={})
    config = SimulationConfig(seed=7)
    return asyncio.run(run_scenarios(scenarios, resolve_target(EXAMPLE_BOT), config))


@pytest.fixture
def stale(tmp_path: Path) -> Path:
    path = tmp_path / "parcel.yaml"
    path.write_text(STALE, "utf-8")
    return path


def test_failing_expectations_take_the_observed_values_and_nothing_else_changes(
    stale: Path,
) -> None:
    before = run(str(stale))
    assert before.failed == 1
    plan = plan_expectation_updates(before)
    assert [update.path for update in plan.updates] == [str(stale)]
    write_updates(plan)
    new = stale.read_text("utf-8")
    changed = [
        (old, line)
        for old, line in zip(STALE.splitlines(), new.splitlines(), strict=True)
        if old != line
    ]
    param_old, param_new = changed.pop(1)
    assert changed == [
        (
            "  action_code: hello.wav       # renamed since",
            "  action_code: welcome.wav     # renamed since",
        ),
        ("      dynamic_id: 'orders'", "      dynamic_id: 'order'"),
        (
            '    expect: {callback: normal, action: play, action_code: "bye.wav"}',
            '    expect: {callback: normal, action: hangup, action_code: "goodbye.wav"}',
        ),
        ("end: transfer", "end: bot_hangup"),
    ]
    assert param_old.startswith("      action_code_param: {contains: 上海转运中心}")
    assert param_new.startswith(
        '      action_code_param: \'{"text": "您最近的一笔快递已到达杭州转运中心'
    )
    assert param_new.endswith("# moved to Hangzhou")
    assert run(str(stale)).failed == 0


def test_every_comment_and_blank_line_survives(stale: Path) -> None:
    write_updates(plan_expectation_updates(run(str(stale))))
    new = stale.read_text("utf-8").splitlines()
    for line in STALE.splitlines():
        if line.lstrip().startswith("#") or not line.strip():
            assert line in new
    assert len(new) == len(STALE.splitlines())
    assert [line.split("#")[1] for line in new if " # " in line or "   #" in line] == [
        line.split("#")[1] for line in STALE.splitlines() if " # " in line or "   #" in line
    ]


def test_a_passing_fixture_is_left_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text(STALE.split("end:")[0].replace("transfer", "x") + "end: bot_hangup\n", "utf-8")
    write_updates(plan_expectation_updates(run(str(path))))
    assert plan_expectation_updates(run(str(path))).updates == ()


def test_the_plan_alone_writes_nothing_and_its_diff_shows_the_change(stale: Path) -> None:
    plan = plan_expectation_updates(run(str(stale)))
    assert stale.read_text("utf-8") == STALE
    diff = plan.updates[0].diff
    assert f"--- a/{stale}" in diff and "-end: transfer" in diff and "+end: bot_hangup" in diff
    assert plan.changed == 6


def test_values_written_with_placeholders_are_left_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "vars.yaml"
    path.write_text(
        "name: 变量\nvariables: {state: orders}\nmedia: {welcome.wav: 4s}\nsteps:\n"
        "  - wait: playback\n  - say: 查快递\n    expect:\n      dynamic_id: ${state}\n"
        "      action: transfer\n",
        "utf-8",
    )
    plan = plan_expectation_updates(run(str(path)))
    assert plan.skipped == (f"{path}:8: dynamic_id is written with ${{...}}; left as it is",)
    assert plan.updates[0].changes == (f"{path}:9: action: 'transfer' -> 'play'",)


def test_variants_that_answer_differently_are_left_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "variants.yaml"
    path.write_text(
        "name: 说法\nmedia: {welcome.wav: 4s}\nsteps:\n  - wait: playback\n"
        "  - say: [查快递, 转人工]\n    expect: {action: hangup}\n",
        "utf-8",
    )
    plan = plan_expectation_updates(run(str(path)))
    assert plan.updates == ()
    assert plan.skipped == (
        f"{path}:6: action: answered differently (variants, rows or rounds); left as it is",
    )


def test_an_interrupted_run_updates_nothing(stale: Path) -> None:
    done = run(str(stale))
    interrupted = RunResult(done.calls, done.wall_ms, interrupted=True)
    with pytest.raises(UsageError, match="interrupted"):
        plan_expectation_updates(interrupted)
