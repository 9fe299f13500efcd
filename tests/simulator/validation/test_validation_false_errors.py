"""Answers the platform accepts are never errors (issue 10, "False errors"), each with its source."""

from __future__ import annotations

from response_builders import DROP, Case, callin, followup, only, params, rule_ids

from vcall.simulator.findings import Severity
from vcall.simulator.spec import VENDOR_OUTBOUND_CALLBACK
from vcall.simulator.validation import RULES


def errors(case: Case) -> list[str]:
    return [f.rule for f in case.findings() if f.is_error]


def test_answer_without_action_code_is_a_warning() -> None:
    """Seeds 000/004, callin table: action_code 可选."""
    for case in (callin("", action_code=DROP), callin("", action_code="")):
        found = only(case.findings(), "answer-plays-nothing")
        assert found.severity is Severity.WARNING
        assert "nothing is played until the caller speaks" in found.message
        assert errors(case) == []


def test_time_break_zero_or_less_is_off_not_invalid() -> None:
    """Seed 001: 取值大于0时生效; seed 002: 不设置或者为 0，不生效."""
    for value in (0, -1, -120):
        assert followup("", action_code_time_break=value).findings() == ()
    assert errors(followup("", action_code_time_break="0")) == []  # a lenient string


def test_smartcall_time_break_keeps_seed_003s_range_as_a_warning() -> None:
    """Seed 003: ActionCodeTimeBreak 取值必须大于0; seed 002: 0 is off -> warning, never error."""
    found = only(params("", ActionCodeTimeBreak=0).findings(), "range-fallback")
    assert found.severity is Severity.WARNING and "the platform uses 0 (off" in found.message


def test_number_is_for_transfer_only() -> None:
    """Seed 001: number 转接手机号码，action设为transfer时有效."""
    assert followup("", action="parallel_transfer", action_code="hold.wav").findings() == ()
    with_number = followup("", action="parallel_transfer", action_code="", number="13711111111")
    assert rule_ids(with_number.findings()) == ["field-ignored-for-action"]
    assert errors(followup("", action="transfer", action_code="")) == ["transfer-number-missing"]


def test_asr_base_id_outside_the_smartcall_list_is_a_warning_at_callin() -> None:
    """Seeds 000/004: the callin table lists no allowed values (example 11323223q23e34)."""
    case = callin("", asr_base_id="11323223q23e34")
    assert rule_ids(case.findings()) == ["asr-base-id-unknown"] and errors(case) == []
    assert errors(params("", AsrBaseId="english_8k")) == ["value-not-allowed"]  # seed 002 lists two


def test_integral_float_and_one_for_true_are_lenient_warnings() -> None:
    """SPEC-NOTES §3: accept lenient forms with a warning, like numeric strings."""
    assert rule_ids(followup("", mute_time=5000.0).findings()) == ["type-lenient-number"]
    assert rule_ids(followup("", action_code_break=1).findings()) == ["type-lenient-number"]
    assert errors(followup("", mute_time=5000.5)) == ["type-mismatch"]


def test_forbidden_characters_are_graded_by_how_surely_they_bite() -> None:
    """Seed 002: not allowed 在智能语音交互 SmartCall 回调中; SPEC-NOTES §4 grades it."""
    assert errors(followup("", dynamic_id="a=b")) == ["forbidden-character"]
    assert errors(params("", DynamicId="a:b")) == ["forbidden-character"]
    for case in (
        followup("", action_code="a@b.wav"),
        followup("", action_code="$t$", action_code_param={"t": "下午3:30"}),
        params("", VoiceCode="a*b.wav"),
        params("", VoiceCode="$t$", VoiceCodeParam='{"t": "¥100"}'),
        params("", OutId="a=b"),
    ):
        assert rule_ids(case.findings()) == ["forbidden-character-doubt"]
    url = followup("", action_code="http://cdn.example.com:8080/a.wav")
    assert url.findings() == ()


def test_parallel_bridge_monitor_cites_the_vendor_page() -> None:
    """The fact is in no seed: vendor doc 112703 (当请求参数is_monitor为true时，请勿使用
    parallel_bridge命令)."""
    assert RULES["parallel-bridge-monitor"].seed == VENDOR_OUTBOUND_CALLBACK
