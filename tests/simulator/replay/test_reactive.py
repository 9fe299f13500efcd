"""Reactive steps (when/then/until/max), capture and ${captured.NAME}, against the example bot."""

from __future__ import annotations

import pytest
from engine_support import replay_one, rules, scenario, shipped

from vcall.simulator.errors import FixtureError
from vcall.simulator.fixture.loader import parse_scenario
from vcall.simulator.spec import CallbackKind

START = """\
name: 反应式
call: {caller: "13900002222", callee: "057126880000"}
media: {welcome.wav: 4s, menu.wav: 6s, goodbye.wav: 2s}
steps:
  - wait: playback
"""


def words_sent(call: object) -> list[str]:
    return [
        str(turn.callback.content.get("words"))
        for turn in call.turns  # type: ignore[attr-defined]
        if turn.callback.kind is CallbackKind.NORMAL
    ]


def test_the_shipped_reactive_menu_retries_then_presses_when_the_menu_plays() -> None:
    call = replay_one(shipped("reactive_menu_retry.yaml"), strict=True)
    assert call.findings == ()
    assert words_sent(call) == ["喂，你好", "我想用按键自助服务"]
    assert [turn.action for turn in call.turns] == ["answer", "play", "dtmf", "dtmf", "transfer"]
    assert [turn.callback.content.get("dtmf_digits") for turn in call.turns[3:]] == ["9", "2"]


def test_until_repeats_the_round_until_it_holds() -> None:
    text = START + (
        "  - say: 喂\n"
        "  - until: {dynamic_id: order}\n"
        "    max: 5\n"
        "    then:\n"
        "      - wait: playback\n"
        "      - say: 快递\n"
    )
    call = replay_one(scenario(text))
    assert call.findings == ()
    assert words_sent(call) == ["喂", "快递"]


def test_until_not_met_within_max_is_an_error_after_max_rounds() -> None:
    text = START + (
        "  - say: 喂\n"
        "  - until: {action: transfer}\n"
        "    when: {action_code_param: {contains: 没有听清}}\n"
        "    max: 2\n"
        "    then:\n"
        "      - wait: playback\n"
        "      - say: 嗯嗯那个\n"
    )
    call = replay_one(scenario(text))
    assert words_sent(call) == ["喂", "嗯嗯那个", "嗯嗯那个"]
    assert rules(call.findings) == ["react-until-unmet"]
    message = call.findings[0].message
    assert message.startswith("step 3 (react, line 7): until: data.action should equal 'transfer'")
    assert message.endswith("still not met after 2 round(s) of at most 2")


def test_when_that_does_not_hold_plays_nothing_and_the_call_goes_on() -> None:
    text = START + (
        "  - say: 我想查快递\n"
        "  - when: {action: dtmf}\n"
        '    then: [press: "2"]\n'
        "  - wait: playback\n"
        "  - say: 没有了，谢谢\n"
        "    expect: {action: hangup}\n"
    )
    call = replay_one(scenario(text))
    assert call.findings == ()
    assert [turn.callback.kind for turn in call.turns].count(CallbackKind.DTMF) == 0


@pytest.mark.parametrize(
    ("opening", "expected"),
    [("我要按键自助", ["dtmf", "transfer"]), ("我想查快递", ["play", "hangup"])],
)
def test_steps_follow_whichever_prompt_the_bot_plays(opening: str, expected: list[str]) -> None:
    text = START + (
        f"  - say: {opening}\n"
        "  - when: {action_code: {contains: menu}}\n"
        '    then: [press: "2"]\n'
        "  - when: {action_code_param: {contains: 预计明天送达}}\n"
        "    then: [wait: playback, say: 好的谢谢]\n"
    )
    call = replay_one(scenario(text))
    assert call.findings == ()
    assert [turn.action for turn in call.turns[1:]] == expected


def test_a_captured_value_is_used_in_later_words_and_expectations() -> None:
    text = START + (
        "  - say: 我想查快递\n"
        "    capture: {state: dynamic_id, said: msg}\n"
        "  - wait: playback\n"
        "  - say: 刚才是${captured.state}，${captured.said}\n"
        '    expect: {dynamic_id: "${captured.state}"}\n'
    )
    call = replay_one(scenario(text))
    assert words_sent(call)[1] == "刚才是order，成功"
    assert rules(call.findings) == ["expect-mismatch"]  # the bot went back to its menu state
    assert "data.dynamic_id should equal 'order', got 'menu'" in call.findings[0].message


def test_capturing_a_path_the_answer_lacks_is_an_error() -> None:
    text = START + "  - say: 我想查快递\n    capture: {agent: data.number}\n"
    call = replay_one(scenario(text))
    assert rules(call.findings) == ["capture-missing"]
    assert "capture agent: data.number is absent in the answer" in call.findings[0].message


def test_a_value_captured_in_a_round_that_never_ran_skips_the_step_that_uses_it() -> None:
    text = START + (
        "  - say: 我想查快递\n"
        "  - when: {action: dtmf}\n"
        "    then:\n"
        '      - press: "1"\n'
        "        capture: {menu: dynamic_id}\n"
        "  - press: ${captured.menu}\n"
    )
    call = replay_one(scenario(text))
    assert rules(call.findings) == ["capture-missing"]
    assert (
        "step 4 (press, line 11): ${captured.menu} was never captured" in call.findings[0].message
    )


def test_a_captured_value_that_is_not_keys_is_not_pressed() -> None:
    text = (
        START
        + "  - say: 我想查快递\n    capture: {state: dynamic_id}\n  - press: ${captured.state}\n"
    )
    call = replay_one(scenario(text))
    assert rules(call.findings) == ["capture-invalid"]
    assert [turn.callback.kind for turn in call.turns].count(CallbackKind.DTMF) == 0


@pytest.mark.parametrize(
    ("steps", "line", "message"),
    [
        ("  - then: [say: 你好]\n", 3, "then: needs when: (play it if ...) or until:"),
        ("  - when: {action: play}\n    then: []\n", 4, "then: expected a list of steps"),
        (
            "  - when: {action: play}\n    max: 2\n    then: [say: 你好]\n",
            4,
            "max: bounds the rounds",
        ),
        (
            "  - until: {action: play}\n    max: 21\n    then: [say: 你好]\n",
            4,
            "max: 21 is not a number of rounds from 1 to 20",
        ),
        (
            "  - until: {action: play}\n    then:\n      - when: {action: play}\n        then: [say: 你好]\n",
            6,
            "a then: step cannot itself be reactive",
        ),
        ("  - say: 你好\n    capture: {1st: dynamic_id}\n", 4, "capture: '1st' is not a name"),
        (
            "  - say: 你好\n    capture: [dynamic_id]\n",
            4,
            "capture: expected a mapping of name: path",
        ),
        (
            "  - when: {action: play}\n    then: [say: 你好]\n    expect: {action: play}\n",
            5,
            "unknown key 'steps[0].expect'",
        ),
        (
            "  - say: 我是${captured.name}\n  - say: 你好\n    capture: {name: dynamic_id}\n",
            3,
            "${captured.name}: no earlier step captures 'name'",
        ),
    ],
)
def test_reactive_and_capture_errors_name_the_line(steps: str, line: int, message: str) -> None:
    with pytest.raises(FixtureError) as caught:
        parse_scenario("name: x\nsteps:\n" + steps, "bad.yaml", environ={})
    assert caught.value.line == line, str(caught.value)
    assert message in str(caught.value)


@pytest.mark.parametrize("captured", ["(", "(a+)+$", "a.b*[", "\\"])
def test_a_captured_value_in_a_regex_is_matched_literally(captured: str) -> None:
    import time

    from vcall.simulator.fixture.scenario import Expectation, Match, MatchKind
    from vcall.simulator.replay.expectations import check_expectation
    from vcall.simulator.replay.reactive import Captures

    captures = Captures()
    captures.values["said"] = captured
    expectation = Expectation((Match("msg", MatchKind.REGEX, "^${captured.said}$"),), line=3)
    resolved = captures.condition(expectation)
    started = time.perf_counter()
    literal = {"result": "success", "msg": captured, "data": {}}
    hostile = {"result": "success", "msg": "a" * 40 + "!", "data": {}}
    normal = CallbackKind.NORMAL
    assert check_expectation(resolved, normal, literal, "") == []  # the value itself matches
    assert check_expectation(resolved, normal, hostile, "") != []  # and nothing else does
    assert time.perf_counter() - started < 1.0  # no catastrophic backtracking
