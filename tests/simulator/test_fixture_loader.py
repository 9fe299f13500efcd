"""Loading fixture files into scenarios, and every way a fixture can be wrong (with file:line)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from vcall.simulator.errors import FixtureError, InputNotFoundError
from vcall.simulator.fixture_loader import (
    expand_fixture_paths,
    load_scenario,
    load_scenarios,
    parse_scenario,
)
from vcall.simulator.scenario import (
    BargeIn,
    Direction,
    EndReason,
    Expectation,
    Hangup,
    Match,
    MatchKind,
    Press,
    Say,
    Silence,
    Wait,
)
from vcall.simulator.spec import CallbackKind

FULL_INBOUND = """\
name: 订单查询：${customer}来电
description: Inbound caller asks where an order is; the bot answers and says goodbye.
tags: [inbound, smoke]
call:
  direction: inbound
  caller: 13800138000
  callee: "${env:VCALL_SERVICE_NUMBER}"
  orgcallee: "057126881111"
media:
  welcome.wav: 3s
  "您好，请问有什么可以帮您": 2s
  silence.wav: 0
variables:
  customer: 张先生
  question: ${customer}想查一下订单
answer:
  action: answer
  action_code: {contains: welcome}
steps:
  - say: 你好，我是${question}
    duration: 2s
    expect:
      callback: normal
      action: play
      action_code: {regex: "^order_status"}
      data.dynamic_id: {equals: order}
      msg: {contains: 成功}
      data.number: {absent: true}
      result: true
  - silence: 12s
    expect: {callback: mute, action: play}
  - press: "1#"
    gap: 300ms
    expect: {callback: dtmf, data.action: play}
  - barge_in: 等一下，我要转人工
    after: 500ms
    for: 2s
    expect: {callback: timebreak, action: break}
  - wait: 1m30s
  - wait: playback
  - wait: {}
  - hangup
end: caller_hangup
"""

FULL_OUTBOUND = """\
name: 外呼回访：满意度调查
call:
  direction: outbound
  caller: "057126880000"
  callee: 13900001111
  smartcall:
    VoiceCode: "opening.wav,$name$"
    VoiceCodeParam: {name: 张先生}
    MuteTime: 5000
    PauseTime: 800
    DynamicId: campaign-7
    EarlyMediaAsr: true
steps:
  - say: 喂喂
    early_media: true
  - say: 你好，哪位
    expect: {callback: normal}
  - hangup: {}
end: end_of_scenario
"""

ENVIRON = {"VCALL_SERVICE_NUMBER": "057126880000"}


def line_of(text: str, marker: str) -> int:
    """The 1-based line of the one line of ``text`` that contains ``marker``."""
    (line,) = [number for number, content in enumerate(text.splitlines(), 1) if marker in content]
    return line


def doc(*lines: str) -> str:
    """A fixture from its lines, so a test's line numbers can be read off the argument list."""
    return "\n".join(lines) + "\n"


# --- a full valid fixture -----------------------------------------------------------------------


def test_full_inbound_fixture_loads_every_field() -> None:
    scenario = parse_scenario(FULL_INBOUND, "order.yaml", environ=ENVIRON)
    assert scenario.name == "订单查询：张先生来电"
    assert scenario.description.startswith("Inbound caller asks")
    assert scenario.tags == ("inbound", "smoke")
    assert scenario.file == "order.yaml"
    assert scenario.end is EndReason.CALLER_HANGUP
    call = scenario.call
    assert (call.direction, call.caller, call.callee, call.orgcallee) == (
        Direction.INBOUND,
        "13800138000",
        "057126880000",
        "057126881111",
    )
    assert dict(call.smartcall) == {}
    assert dict(scenario.media) == {
        "welcome.wav": 3000,
        "您好，请问有什么可以帮您": 2000,
        "silence.wav": 0,
    }


def test_full_inbound_fixture_answer_expectation() -> None:
    scenario = parse_scenario(FULL_INBOUND, "order.yaml", environ=ENVIRON)
    assert scenario.answer == Expectation(
        (
            Match("data.action", MatchKind.EQUALS, "answer"),
            Match("data.action_code", MatchKind.CONTAINS, "welcome"),
        ),
        None,
        line_of(FULL_INBOUND, "answer:"),
    )


def test_full_inbound_fixture_steps_in_order_with_their_lines() -> None:
    scenario = parse_scenario(FULL_INBOUND, "order.yaml", environ=ENVIRON)
    actions = [step.action for step in scenario.steps]
    assert actions == [
        Say("你好，我是张先生想查一下订单", 2000, False),
        Silence(12_000),
        Press("1#", 300),
        BargeIn("等一下，我要转人工", 500, 2000),
        Wait(90_000),
        Wait(None),
        Wait(None),
        Hangup(),
    ]
    assert [step.kind for step in scenario.steps] == [
        "say",
        "silence",
        "press",
        "barge_in",
        "wait",
        "wait",
        "wait",
        "hangup",
    ]
    assert [step.index for step in scenario.steps] == list(range(8))
    markers = [
        "- say:",
        "- silence:",
        "- press:",
        "- barge_in:",
        "- wait: 1m30s",
        "- wait: playback",
    ]
    markers += ["- wait: {}", "- hangup"]
    assert [step.line for step in scenario.steps] == [line_of(FULL_INBOUND, m) for m in markers]


def test_full_inbound_fixture_expectations_of_each_match_form() -> None:
    scenario = parse_scenario(FULL_INBOUND, "order.yaml", environ=ENVIRON)
    say = scenario.steps[0].expect
    assert say is not None
    assert say.callback is CallbackKind.NORMAL
    assert say.line == line_of(FULL_INBOUND, "- say:") + 2  # say, duration, expect
    assert say.matches == (
        Match("data.action", MatchKind.EQUALS, "play"),
        Match("data.action_code", MatchKind.REGEX, "^order_status"),
        Match("data.dynamic_id", MatchKind.EQUALS, "order"),
        Match("msg", MatchKind.CONTAINS, "成功"),
        Match("data.number", MatchKind.ABSENT, True),
        Match("result", MatchKind.EQUALS, True),
    )
    kinds = [step.expect.callback if step.expect else None for step in scenario.steps]
    assert kinds[:4] == [
        CallbackKind.NORMAL,
        CallbackKind.MUTE,
        CallbackKind.DTMF,
        CallbackKind.TIMEBREAK,
    ]
    assert scenario.steps[2].expect == Expectation(
        (Match("data.action", MatchKind.EQUALS, "play"),),
        CallbackKind.DTMF,
        line_of(FULL_INBOUND, "expect: {callback: dtmf"),
    )
    assert all(step.expect is None for step in scenario.steps[4:])


def test_full_outbound_fixture_with_smartcall_settings_and_early_media() -> None:
    scenario = parse_scenario(FULL_OUTBOUND, "survey.yaml", environ={})
    assert scenario.call.direction is Direction.OUTBOUND
    assert scenario.call.callee == "13900001111"
    assert dict(scenario.call.smartcall) == {
        "VoiceCode": "opening.wav,$name$",
        "VoiceCodeParam": {"name": "张先生"},
        "MuteTime": 5000,
        "PauseTime": 800,
        "DynamicId": "campaign-7",
        "EarlyMediaAsr": True,
    }
    assert scenario.steps[0].action == Say("喂喂", None, True)
    assert scenario.steps[2].action == Hangup()
    assert scenario.end is EndReason.END_OF_SCENARIO
    assert scenario.answer is None


def test_defaults_for_a_minimal_fixture() -> None:
    scenario = parse_scenario(doc("name: 最简单", "steps: []"), environ={})
    assert scenario.steps == ()
    assert scenario.call.direction is Direction.INBOUND
    assert scenario.call.caller and scenario.call.callee
    assert (scenario.description, scenario.tags, scenario.end, scenario.answer) == (
        "",
        (),
        None,
        None,
    )
    assert dict(scenario.media) == {}
    assert scenario.file == "<fixture>"


def test_load_scenario_reads_a_file_and_keeps_its_path(tmp_path: Path) -> None:
    path = tmp_path / "order.yaml"
    path.write_text(FULL_INBOUND, encoding="utf-8")
    scenario = load_scenario(path, environ=ENVIRON)
    assert scenario.file == str(path)
    assert len(scenario.steps) == 8


# --- variables ----------------------------------------------------------------------------------


def test_env_variables_come_from_the_injected_environ_not_the_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VCALL_SERVICE_NUMBER", "from-the-process")
    scenario = parse_scenario(FULL_INBOUND, environ={"VCALL_SERVICE_NUMBER": "057100000000"})
    assert scenario.call.callee == "057100000000"


def test_env_variables_default_to_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VCALL_SERVICE_NUMBER", "057199999999")
    assert parse_scenario(FULL_INBOUND).call.callee == "057199999999"


def test_variables_are_substituted_inside_expectations_and_lists() -> None:
    text = doc(
        "name: ${who}",
        "tags: ['${tag}']",
        "variables:",
        "  who: 李女士",
        "  tag: vip",
        "  code: ${env:VCALL_CODE}",
        "steps:",
        "  - say: 我是${who}",
        "    expect: {action_code: {contains: '${code}'}}",
    )
    scenario = parse_scenario(text, environ={"VCALL_CODE": "order_status"})
    assert scenario.name == "李女士"
    assert scenario.tags == ("vip",)
    step = scenario.steps[0]
    assert step.action == Say("我是李女士")
    assert step.expect is not None
    assert step.expect.matches == (Match("data.action_code", MatchKind.CONTAINS, "order_status"),)


def test_text_without_variables_keeps_dollar_signs() -> None:
    text = doc("name: x", "steps:", "  - say: 价格是$5，{code}和$text$")
    assert parse_scenario(text, environ={}).steps[0].action == Say("价格是$5，{code}和$text$")


# --- YAML 1.1 pitfalls --------------------------------------------------------------------------


def test_unquoted_phone_numbers_become_strings_as_written() -> None:
    text = doc(
        "name: x",
        "call:",
        "  caller: 13800138000",
        "  callee: 01012345670",  # only digits 0-7 after a 0: YAML 1.1 octal
        "  orgcallee: 057126881111",
        "steps: []",
    )
    call = parse_scenario(text, environ={}).call
    assert (call.caller, call.callee, call.orgcallee) == (
        "13800138000",
        "01012345670",
        "057126881111",
    )


@pytest.mark.parametrize(
    ("written", "digits"), [("123", "123"), ("0123", "0123"), ("7", "7"), ("'1#'", "1#")]
)
def test_press_digits_keep_their_text(written: str, digits: str) -> None:
    text = doc("name: x", "steps:", f"  - press: {written}")
    assert parse_scenario(text, environ={}).steps[0].action == Press(digits)


def test_sexagesimal_looking_words_stay_text() -> None:
    text = doc("name: x", "steps:", "  - say: 10:30")
    assert parse_scenario(text, environ={}).steps[0].action == Say("10:30")


def test_plain_integers_in_expectations_stay_numbers() -> None:
    text = doc("name: x", "steps:", "  - say: 你好", "    expect: {mute_time: 5000, number: 0571}")
    expect = parse_scenario(text, environ={}).steps[0].expect
    assert expect is not None
    assert expect.matches == (
        Match("data.mute_time", MatchKind.EQUALS, 5000),
        Match("data.number", MatchKind.EQUALS, "0571"),
    )


# --- JSON ---------------------------------------------------------------------------------------


def test_json_fixtures_are_accepted_with_line_numbers() -> None:
    text = doc(
        "{",
        '  "name": "JSON 格式",',
        '  "call": {"caller": 13800138000},',
        '  "steps": [',
        '    {"say": "你好"},',
        "    {",
        '      "silence": "6s",',
        '      "expect": {"callback": "mute"}',
        "    },",
        '    "hangup"',
        "  ]",
        "}",
    )
    scenario = parse_scenario(text, "call.json", environ={})
    assert scenario.name == "JSON 格式"
    assert scenario.call.caller == "13800138000"
    assert [step.action for step in scenario.steps] == [Say("你好"), Silence(6000), Hangup()]
    assert [step.line for step in scenario.steps] == [5, 6, 10]
    expect = scenario.steps[1].expect
    assert expect is not None
    assert (expect.callback, expect.line) == (CallbackKind.MUTE, 8)


def test_json_errors_point_at_the_line() -> None:
    text = '{\n  "name": "x",\n  "steps": [\n    {"silence": 12}\n  ]\n}\n'
    with pytest.raises(FixtureError) as caught:
        parse_scenario(text, "call.json", environ={})
    assert str(caught.value).startswith("call.json:4: silence: 12 has no unit")


# --- errors: file:line and the message ----------------------------------------------------------

ERROR_CASES = {
    "unknown top-level key": (
        doc("name: x", "stpes:", "  - say: 你好"),
        2,
        "unknown key 'stpes' (did you mean 'steps'?)",
    ),
    "unknown key far from any": (
        doc("name: x", "steps: []", "zzz: 1"),
        3,
        "unknown key 'zzz' (expected one of: name, description",
    ),
    "unknown step option": (
        doc("name: x", "steps:", "  - say: 你好", "    durration: 2s"),
        4,
        "unknown key 'steps[0].durration' (did you mean 'duration'?)",
    ),
    "option of another step kind": (
        doc("name: x", "steps:", "  - silence: 5s", "    gap: 300ms"),
        4,
        "unknown key 'steps[0].gap'",
    ),
    "two step kinds in one item": (
        doc("name: x", "steps:", "  - say: 你好", "  - say: 喂", "    silence: 2s"),
        4,
        "steps[1]: exactly one of say, silence, press, barge_in, wait, hangup (found say, silence)",
    ),
    "misspelt step kind": (
        doc("name: x", "steps:", "  - sya: 你好"),
        3,
        "unknown key 'steps[0].sya' (did you mean 'say'?)",
    ),
    "step without a kind": (
        doc("name: x", "steps:", "  - expect: {action: play}"),
        3,
        "steps[0]: exactly one of say, silence, press, barge_in, wait, hangup (found none)",
    ),
    "step that is an unknown word": (
        doc("name: x", "steps:", "  - say: 你好", "  - hangpu"),
        4,
        "steps[1]: expected a step such as",
    ),
    "bare-number duration": (
        doc("name: x", "steps:", "  - silence: 12"),
        3,
        "silence: 12 has no unit: write 12ms or 12s",
    ),
    "garbage duration option": (
        doc("name: x", "steps:", "  - say: 你好", "    duration: 2 seconds"),
        4,
        "duration: '2 seconds' is not a duration",
    ),
    "negative wait": (
        doc("name: x", "steps:", "  - wait: -3s"),
        3,
        "wait: '-3s' is not a duration",
    ),
    "too long silence": (
        doc("name: x", "steps:", "  - silence: 25h"),
        3,
        "silence: '25h' is longer than 24h",
    ),
    "media duration": (
        doc("name: x", "media:", "  welcome.wav: 3s", "  menu.wav: 6", "steps: []"),
        4,
        "media.menu.wav: 6 has no unit",
    ),
    "bad press digits": (
        doc("name: x", "steps:", "  - press: 12a"),
        3,
        "press: '12a' is not keys (0-9, *, #)",
    ),
    "press yes": (
        doc("name: x", "steps:", "  - press: yes"),
        3,
        "press: True is not keys",
    ),
    "barge_in without for": (
        doc("name: x", "steps:", "  - barge_in: 等一下", "    after: 1s"),
        3,
        "barge_in: 'for' (how long the caller talks) is required",
    ),
    "hangup with a value": (
        doc("name: x", "steps:", "  - hangup: now"),
        3,
        "hangup takes no value",
    ),
    "early_media not a boolean": (
        doc("name: x", "steps:", "  - say: 喂", "    early_media: 1"),
        4,
        "early_media: expected true or false",
    ),
    "unset variable": (
        doc("name: x", "steps:", "  - say: 你好", "  - say: 我是${who}"),
        4,
        "variable 'who' is not set (used as ${who})",
    ),
    "unset env var": (
        doc("name: x", "call:", "  caller: ${env:VCALL_TEST_UNSET}", "steps: []"),
        3,
        "environment variable 'VCALL_TEST_UNSET' is not set (used as ${env:VCALL_TEST_UNSET})",
    ),
    "unset env var inside variables": (
        doc("name: x", "variables:", "  a: 1", "  token: ${env:VCALL_TEST_UNSET}", "steps: []"),
        4,
        "environment variable 'VCALL_TEST_UNSET' is not set",
    ),
    "variables not a mapping": (
        doc("name: x", "variables: [a, b]", "steps: []"),
        2,
        "variables: expected a mapping",
    ),
    "variable without a value": (
        doc("name: x", "variables:", "  a: 1", "  b:", "steps: []"),
        4,
        "variables.b: expected a text or number value",
    ),
    "invalid regex": (
        doc(
            "name: x",
            "steps:",
            "  - say: 你好",
            "    expect:",
            "      callback: normal",
            "      action: {regex: '(['}",
        ),
        6,
        "steps[0].expect.action: invalid regex '(['",
    ),
    "unknown match form": (
        doc("name: x", "steps:", "  - say: 你好", "    expect:", "      action: {equal: play}"),
        5,
        "steps[0].expect.action: 'equal' is not equals, regex, contains or absent",
    ),
    "two match forms": (
        doc(
            "name: x",
            "steps:",
            "  - say: 你好",
            "    expect:",
            "      action: {equals: play, regex: p}",
        ),
        5,
        "give one of equals, regex, contains, absent",
    ),
    "expect not a mapping": (
        doc("name: x", "steps:", "  - say: 你好", "    expect: play"),
        4,
        "steps[0].expect: expected a mapping",
    ),
    "bad callback kind": (
        doc(
            "name: x",
            "steps:",
            "  - say: 你好",
            "    expect:",
            "      action: play",
            "      callback: nromal",
        ),
        6,
        "steps[0].expect.callback: 'nromal' is not one of callin, normal, mute, dtmf, timebreak",
    ),
    "bad end reason": (
        doc("name: x", "steps: []", "end: hungup"),
        3,
        "end: 'hungup' is not one of bot_hangup, caller_hangup, session_timeout, transfer, "
        "parallel_transfer, parallel_bridge, end_of_scenario",
    ),
    "endpoint_failed is not an expectable end": (
        doc("name: x", "steps: []", "end: endpoint_failed"),
        3,
        "end: 'endpoint_failed' is not one of",
    ),
    "answer on outbound": (
        doc(
            "name: x", "call:", "  direction: outbound", "answer:", "  action: answer", "steps: []"
        ),
        4,
        "answer: outbound calls have no callin to answer",
    ),
    "smartcall on inbound": (
        doc(
            "name: x",
            "call:",
            "  caller: '13800138000'",
            "  smartcall:",
            "    MuteTime: 5000",
            "steps: []",
        ),
        4,
        "call.smartcall: only outbound calls have SmartCall settings",
    ),
    "unknown SmartCall param": (
        doc(
            "name: x",
            "call:",
            "  direction: outbound",
            "  smartcall:",
            "    VoiceCode: opening.wav",
            "    MuteTiem: 5000",
            "steps: []",
        ),
        6,
        "unknown key 'call.smartcall.MuteTiem' (did you mean 'MuteTime'?)",
    ),
    "unknown call key": (
        doc("name: x", "call:", "  calller: '13800138000'", "steps: []"),
        3,
        "unknown key 'call.calller' (did you mean 'caller'?)",
    ),
    "bad direction": (
        doc("name: x", "call:", "  direction: outgoing", "steps: []"),
        3,
        "call.direction: 'outgoing' is not inbound or outbound",
    ),
    "phone number not a scalar": (
        doc("name: x", "call:", "  caller: [1, 2]", "steps: []"),
        3,
        "call.caller: expected a phone number",
    ),
    "duplicate top-level key": (
        doc("name: x", "steps: []", "name: y"),
        3,
        "duplicate key 'name'",
    ),
    "duplicate nested key": (
        doc(
            "name: x",
            "steps:",
            "  - say: 你好",
            "    expect:",
            "      action: play",
            "      action: hangup",
        ),
        6,
        "duplicate key 'action'",
    ),
    "invalid YAML: bad indentation": (
        doc("name: x", "steps:", "  - say: 你好", "   - say: 喂"),
        4,
        "invalid YAML:",
    ),
    "invalid YAML: unclosed flow": (
        doc("name: x", "tags: [a, b", "steps: []"),
        3,
        "invalid YAML:",
    ),
    "invalid YAML: tab": (
        doc("name: x", "steps:", "\t- say: 你好"),
        3,
        "invalid YAML: found character '\\t'",
    ),
    "a list document": (doc("- say: 你好"), 1, "a fixture must be a mapping with name and steps"),
    "a scalar document": (doc("你好"), 1, "a fixture must be a mapping with name and steps"),
    "an empty document": ("", 1, "a fixture must be a mapping with name and steps"),
    "missing name": (doc("description: x", "steps: []"), 1, "'name' is required"),
    "empty name": (doc("description: x", "name: ''", "steps: []"), 2, "'name' is required"),
    "missing steps": (doc("name: x"), 1, "'steps' is required"),
    "steps not a list": (doc("name: x", "steps:", "  say: 你好"), 2, "steps: expected a list"),
    "tags not a list": (doc("name: x", "tags: smoke", "steps: []"), 2, "tags: expected a list"),
}


@pytest.mark.parametrize(("text", "line", "message"), ERROR_CASES.values(), ids=ERROR_CASES.keys())
def test_errors_start_with_file_and_the_right_line(text: str, line: int, message: str) -> None:
    with pytest.raises(FixtureError) as caught:
        parse_scenario(text, "bad.yaml", environ={})
    error = caught.value
    assert (error.file, error.line) == ("bad.yaml", line)
    assert str(error).startswith(f"bad.yaml:{line}: ")
    assert message in str(error)
    assert "\n" not in str(error)


def test_load_scenario_errors_name_the_file_path(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(doc("name: x", "stpes: []"), encoding="utf-8")
    with pytest.raises(FixtureError, match=rf"^{re.escape(str(path))}:2: unknown key 'stpes'"):
        load_scenario(path, environ={})


def test_load_scenario_of_a_missing_file_is_input_not_found(tmp_path: Path) -> None:
    with pytest.raises(InputNotFoundError, match="no such fixture file"):
        load_scenario(tmp_path / "absent.yaml")


def test_load_scenario_of_a_non_utf8_file_is_a_fixture_error(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes("name: 你好\nsteps: []\n".encode("gbk"))
    with pytest.raises(FixtureError, match=rf"^{re.escape(str(path))}: cannot read"):
        load_scenario(path)


# --- expand_fixture_paths -----------------------------------------------------------------------

MINIMAL = doc("name: x", "steps: []")


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fixture directory (cwd = tmp_path): nested files, a non-fixture file, an empty folder."""
    monkeypatch.chdir(tmp_path)
    files = ["suite/b.yaml", "suite/a.yml", "suite/deep/c.json", "suite/notes.txt", "other/d.yaml"]
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "empty").mkdir()
    return tmp_path


def test_a_file_is_returned_as_given(tree: Path) -> None:
    assert expand_fixture_paths(["other/d.yaml"]) == [Path("other/d.yaml")]


def test_a_directory_gives_its_fixture_files_sorted_and_recursive(tree: Path) -> None:
    assert expand_fixture_paths(["suite"]) == [
        Path("suite/a.yml"),
        Path("suite/b.yaml"),
        Path("suite/deep/c.json"),
    ]


def test_a_glob_gives_its_matching_files(tree: Path) -> None:
    assert expand_fixture_paths(["**/*.yaml"]) == [Path("other/d.yaml"), Path("suite/b.yaml")]


def test_each_file_is_returned_once_in_first_seen_order(tree: Path) -> None:
    found = expand_fixture_paths(
        ["other/d.yaml", "suite", "suite/b.yaml", "./other/../other/d.yaml"]
    )
    assert found == [
        Path("other/d.yaml"),
        Path("suite/a.yml"),
        Path("suite/b.yaml"),
        Path("suite/deep/c.json"),
    ]


def test_files_outside_the_working_directory_stay_absolute(
    tree: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "e.yaml"
    elsewhere.write_text(MINIMAL, encoding="utf-8")
    assert expand_fixture_paths([str(elsewhere)]) == [elsewhere.resolve()]


@pytest.mark.parametrize("pattern", ["missing.yaml", "missing/", "nothing/*.yaml", "empty"])
def test_a_missing_path_is_input_not_found(tree: Path, pattern: str) -> None:
    with pytest.raises(InputNotFoundError, match=rf"^{re.escape(pattern)}: no "):
        expand_fixture_paths([pattern])


def test_load_scenarios_loads_each_expanded_file(tree: Path) -> None:
    scenarios = load_scenarios(["suite"], environ={})
    assert [os.path.basename(s.file) for s in scenarios] == ["a.yml", "b.yaml", "c.json"]
