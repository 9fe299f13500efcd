"""Checking a step's expectations against the answer to its last callback."""

from __future__ import annotations

from typing import Any

import pytest

from vcall.simulator.findings import Severity
from vcall.simulator.fixture.scenario import Expectation, Match, MatchKind
from vcall.simulator.replay.expectations import SOURCE, check_expectation, check_match, lookup
from vcall.simulator.spec import CallbackKind

ENVELOPE: dict[str, Any] = {
    "result": True,
    "msg": "操作成功",
    "data": {
        "action": "play",
        "action_code": "order_status.wav",
        "action_code_param": "您的快递已到达杭州转运中心",
        "dynamic_id": "order",
        "mute_time": 5000,
        "tts_conf": False,
        "items": [{"code": "a.wav"}, {"code": "b.wav"}],
        "empty": "",
        "nothing": None,
    },
}
WHERE = "step 2 (say)"


def check(path: str, kind: MatchKind, value: Any, envelope: dict[str, Any] = ENVELOPE) -> bool:
    """True when the match passes."""
    return check_match(Match(path, kind, value), envelope, WHERE) is None


# --- lookup -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("result", True),
        ("msg", "操作成功"),
        ("data.action", "play"),
        ("data.mute_time", 5000),
        ("data.items.1.code", "b.wav"),
        ("data.nothing", None),
    ],
)
def test_lookup_follows_dotted_paths_from_the_envelope_root(path: str, value: Any) -> None:
    assert lookup(ENVELOPE, path) == value


@pytest.mark.parametrize(
    "path", ["action", "data.missing", "data.action.deeper", "data.items.2", "data.items.x"]
)
def test_lookup_of_a_missing_path_is_not_none(path: str) -> None:
    missing = lookup(ENVELOPE, path)
    assert missing is not None
    assert missing is lookup({}, "x")


# --- each match kind ----------------------------------------------------------------------------


def test_equals_passes_and_fails_on_text() -> None:
    assert check("data.action", MatchKind.EQUALS, "play")
    assert not check("data.action", MatchKind.EQUALS, "hangup")
    assert not check("data.action", MatchKind.EQUALS, "Play")


@pytest.mark.parametrize(
    ("expected", "actual", "passes"),
    [
        (5000, 5000, True),
        (5000, "5000", True),
        (5000, " 5000 ", True),
        (5000, "05000", False),
        (5000, 5001, False),
        ("5000", 5000, False),
        (1.5, "1.5", True),
        (True, True, True),
        (True, "true", True),
        (True, "True", True),
        ("true", True, True),
        (False, "false", True),
        (True, False, False),
        (True, "yes", False),
        (False, 0, False),
        (True, 1, False),
        (None, None, True),
        ({"a": 1}, {"a": 1}, True),
    ],
)
def test_equals_is_lenient_between_numbers_or_booleans_and_their_text(
    expected: Any, actual: Any, passes: bool
) -> None:
    assert check("data.x", MatchKind.EQUALS, expected, {"data": {"x": actual}}) is passes


def test_equals_on_an_absent_value_fails() -> None:
    assert not check("data.missing", MatchKind.EQUALS, None)


def test_regex_searches_anywhere_in_the_text() -> None:
    assert check("data.action_code", MatchKind.REGEX, "^order_")
    assert check("data.action_code", MatchKind.REGEX, r"status\.wav$")
    assert check("data.action_code_param", MatchKind.REGEX, "杭州.+中心")
    assert not check("data.action_code", MatchKind.REGEX, "^status")


def test_regex_and_contains_see_numbers_and_booleans_as_json_text() -> None:
    assert check("data.mute_time", MatchKind.REGEX, r"^\d{4}$")
    assert check("data.tts_conf", MatchKind.CONTAINS, "false")
    assert check("result", MatchKind.REGEX, "^true$")


def test_regex_and_contains_see_objects_and_lists_as_compact_json() -> None:
    assert check("data.items", MatchKind.CONTAINS, '{"code":"a.wav"}')
    assert check("data", MatchKind.REGEX, '"dynamic_id":"order"')
    assert check("data", MatchKind.CONTAINS, "杭州转运中心")


def test_contains_passes_and_fails() -> None:
    assert check("data.action_code_param", MatchKind.CONTAINS, "杭州转运中心")
    assert check("data.empty", MatchKind.CONTAINS, "")
    assert not check("data.action_code_param", MatchKind.CONTAINS, "北京")


def test_regex_and_contains_fail_when_the_value_is_absent() -> None:
    assert not check("data.missing", MatchKind.REGEX, ".*")
    assert not check("data.missing", MatchKind.CONTAINS, "")


@pytest.mark.parametrize(
    ("path", "absent", "passes"),
    [
        ("data.number", True, True),
        ("data.number", False, False),
        ("data.action", True, False),
        ("data.action", False, True),
        ("data.nothing", True, False),  # present with a null value
        ("data.empty", False, True),
    ],
)
def test_absent_true_and_false(path: str, absent: bool, passes: bool) -> None:
    assert check(path, MatchKind.ABSENT, absent) is passes


# --- findings -----------------------------------------------------------------------------------


def test_a_mismatch_finding_says_what_where_expected_and_got() -> None:
    finding = check_match(Match("data.action", MatchKind.EQUALS, "hangup"), ENVELOPE, WHERE)
    assert finding is not None
    assert (finding.rule, finding.severity, finding.path, finding.seed) == (
        "expect-mismatch",
        Severity.ERROR,
        "data.action",
        SOURCE,
    )
    assert finding.message == "step 2 (say): data.action should equal 'hangup', got 'play'"
    assert (finding.expected, finding.actual) == ("equal 'hangup'", "'play'")


@pytest.mark.parametrize(
    ("match", "expected", "actual"),
    [
        (Match("data.number", MatchKind.EQUALS, "057126880001"), "equal '057126880001'", "absent"),
        (Match("data.action", MatchKind.ABSENT, True), "be absent", "'play'"),
        (Match("data.number", MatchKind.ABSENT, False), "be present", "absent"),
        (Match("msg", MatchKind.CONTAINS, "失败"), "contain '失败'", "'操作成功'"),
        (Match("data.dynamic_id", MatchKind.REGEX, "^menu$"), "match '^menu$'", "'order'"),
    ],
)
def test_mismatch_descriptions(match: Match, expected: str, actual: str) -> None:
    finding = check_match(match, ENVELOPE, WHERE)
    assert finding is not None
    assert (finding.expected, finding.actual) == (expected, actual)
    assert finding.message == f"{WHERE}: {match.path} should {expected}, got {actual}"


def test_check_expectation_passes_when_everything_matches() -> None:
    expectation = Expectation(
        (
            Match("data.action", MatchKind.EQUALS, "play"),
            Match("data.number", MatchKind.ABSENT, True),
        ),
        CallbackKind.NORMAL,
    )
    assert check_expectation(expectation, CallbackKind.NORMAL, ENVELOPE, WHERE) == []


def test_check_expectation_reports_every_failing_match_in_order() -> None:
    expectation = Expectation(
        (
            Match("data.action", MatchKind.EQUALS, "hangup"),
            Match("data.dynamic_id", MatchKind.EQUALS, "order"),
            Match("msg", MatchKind.CONTAINS, "失败"),
        )
    )
    findings = check_expectation(expectation, CallbackKind.NORMAL, ENVELOPE, WHERE)
    assert [finding.path for finding in findings] == ["data.action", "msg"]


def test_callback_kind_mismatch_is_a_finding_alongside_match_findings() -> None:
    expectation = Expectation(
        (Match("data.action", MatchKind.EQUALS, "hangup"),), CallbackKind.MUTE
    )
    findings = check_expectation(expectation, CallbackKind.NORMAL, ENVELOPE, WHERE)
    assert [finding.rule for finding in findings] == ["expect-callback", "expect-mismatch"]
    callback = findings[0]
    assert callback.severity is Severity.ERROR
    assert callback.path == "content_type"
    assert (callback.expected, callback.actual) == ("mute", "normal")
    assert "mute" in callback.message and "normal" in callback.message
    assert callback.message.startswith(WHERE)


def test_no_callback_is_one_finding_whatever_was_expected() -> None:
    expectation = Expectation(
        (Match("data.action", MatchKind.EQUALS, "play"),), CallbackKind.NORMAL
    )
    findings = check_expectation(expectation, None, None, WHERE)
    assert [(f.rule, f.severity) for f in findings] == [("expect-no-callback", Severity.ERROR)]
    assert findings[0].message.startswith(f"{WHERE}: ")


def test_an_unusable_answer_fails_presence_matches_and_passes_absence_matches() -> None:
    expectation = Expectation(
        (
            Match("data.action", MatchKind.EQUALS, "play"),
            Match("data.number", MatchKind.ABSENT, True),
        )
    )
    findings = check_expectation(expectation, CallbackKind.NORMAL, None, WHERE)
    assert [(f.path, f.actual) for f in findings] == [("data.action", "absent")]


def test_expectations_on_an_answer_without_data_are_one_finding() -> None:
    expectation = Expectation(
        (
            Match("data.action", MatchKind.EQUALS, "hangup"),
            Match("data.dynamic_id", MatchKind.EQUALS, "order"),
            Match("msg", MatchKind.CONTAINS, "成功"),
        )
    )
    for envelope, why in (
        (None, "it is not a JSON object"),
        ({"result": "success", "msg": "x", "data": "oops"}, "it has no data object"),
        ({"result": "fail", "msg": "x", "data": {}}, "its result is 'fail', its data empty"),
    ):
        findings = check_expectation(expectation, CallbackKind.NORMAL, envelope, WHERE)
        assert [finding.path for finding in findings] == ["data", "msg"], envelope
        assert why in findings[0].message and "none of the 2 expected values" in findings[0].message
