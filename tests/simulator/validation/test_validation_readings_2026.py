"""The readings settled in December 2026 (SPEC-NOTES §7, issue 20), each against its source.

Every test names the seed page (or vendor page) whose words it rests on. The last tests read the
seed pages themselves (``shared/seeds``, found above the repository; skipped where absent) and
check that every rule's quote is on the page the rule cites.
"""

from __future__ import annotations

import re

import pytest
from response_builders import CALL_ID, Case, callin, encode, envelope, followup, only, params, raw
from seed_files import page_text, shared

from vcall.simulator.findings import Severity
from vcall.simulator.model import Callback
from vcall.simulator.replay.answers import validate_answer
from vcall.simulator.spec import (
    ECHOED_FIELDS,
    RESPONSE_FIELDS,
    SEED_CALLIN,
    SEED_FOLLOWUP,
    SEED_SMARTCALL,
    CallbackKind,
    Stage,
    TransferPhase,
    ValueType,
)
from vcall.simulator.transport.sender import Exchange
from vcall.simulator.validation import RULES, validate_response
from vcall.simulator.validation.data_rules import STAGE_PAGES


def rules_of(case: Case) -> list[str]:
    return [finding.rule for finding in case.findings()]


# --- separators: seed 001 "多个文件使用英文逗号(,)分隔", seed 002 "之间用英文逗号(,)分隔" --------------


def test_a_full_width_comma_between_files_is_an_error_with_a_hint() -> None:
    found = only(followup("", action_code="a.wav，b.wav").findings(), "separator-not-comma")
    assert found.severity is Severity.ERROR and found.seed == SEED_FOLLOWUP
    assert 'one file named "a.wav，b.wav"' in found.message
    assert found.message.endswith("did you mean ','?") and found.expected == "a.wav,b.wav"


def test_a_full_width_comma_between_a_file_and_a_variable_is_an_error() -> None:
    case = followup("", action_code="hi.wav，$name$", action_code_param={"name": "张先生"})
    assert only(case.findings(), "separator-not-comma").severity is Severity.ERROR


def test_a_full_width_comma_between_variables_only_is_spoken_text_a_warning() -> None:
    case = followup("", action_code="$a$，$b$", action_code_param={"a": "您好", "b": "张先生"})
    found = only(case.findings(), "separator-not-comma")
    assert found.severity is Severity.WARNING and "one TTS item" in found.message


def test_a_full_width_comma_in_a_tts_value_is_fine() -> None:
    """Seed 001's own action_code_param example is {"name":"喂,你好"} (seed 000: 喂，你好)."""
    case = followup("", action_code="$name$", action_code_param={"name": "喂，你好"})
    assert "separator-not-comma" not in rules_of(case)


def test_a_full_width_comma_in_prose_is_no_separator_slip() -> None:
    """Only a list of files, ids, URLs or $name$ is read as a meant list: a sentence is not."""
    for code in ("您好，这里是测试机器人", "您好，$name$"):
        assert "separator-not-comma" not in rules_of(callin("", action_code=code))


def test_a_full_width_comma_in_voice_code_is_an_error_citing_seed_002() -> None:
    found = only(params("", VoiceCode="a.wav，b.wav").findings(), "separator-not-comma")
    assert (found.severity, found.seed, found.path) == (Severity.ERROR, SEED_SMARTCALL, "VoiceCode")


# --- echoed values: seed 002's list, SPEC-NOTES §7, vendor doc 112703 -------------------------


def test_cc_name_of_a_parallel_transfer_is_graded_like_dynamic_id() -> None:
    """Vendor doc 112703: the parallel_transfer callback carries cc_name back."""
    case = followup("", action="parallel_transfer", action_code="hold.wav", cc_name="cc@aliyun")
    found = only(case.findings(), "forbidden-character")
    assert found.path == "data.cc_name" and "parallel_transfer callback" in found.message


def test_cc_name_with_an_action_that_ignores_it_is_not_echoed() -> None:
    case = followup("", action="play", action_code="a.wav", cc_name="cc@aliyun")
    assert "forbidden-character" not in rules_of(case)


@pytest.mark.parametrize(
    "name",
    [n for n in ECHOED_FIELDS if RESPONSE_FIELDS[n].type is ValueType.STRING],
)
def test_every_echoed_string_field_is_an_error_with_a_forbidden_character(name: str) -> None:
    """SPEC-NOTES §7: every answer value the platform echoes falls under §4 alike."""
    case = followup("", action="parallel_transfer", action_code="hold.wav", **{name: "a=b"})
    found = only(case.findings(), "forbidden-character")
    assert found.path == f"data.{name}" and found.severity is Severity.ERROR


# --- parallel_bridge: seed 001 "parallel_bridge :并行桥接命令" --------------------------------


def _answered(status: int, body: bytes, headers: dict[str, str]) -> Exchange:
    """The endpoint's answer as the replay engine records it."""
    return Exchange(
        method="POST",
        url="http://127.0.0.1/",
        params={},
        placement="form",
        status=status,
        headers=headers,
        body=body,
        body_truncated=False,
        latency_ms=1.0,
    )


def _bridge(phase: TransferPhase | None, content: dict[str, str] | None = None) -> list[str]:
    kind = CallbackKind.PARALLEL_TRANSFER if content else CallbackKind.NORMAL
    callback = Callback(kind, CALL_ID, 0, 0, content or {"words": "转人工"}, 1, phase)
    body = encode(envelope({"call_id": CALL_ID, "action": "parallel_bridge", "action_code": ""}))
    result = validate_answer(callback, _answered(200, body, {"content-type": "application/json"}))
    assert result is not None
    return [finding.rule for finding in result.findings if finding.is_error]


def test_parallel_bridge_with_no_transfer_in_the_call_is_an_error() -> None:
    assert _bridge(TransferPhase.NONE) == ["parallel-bridge-nothing"]


def test_parallel_bridge_after_a_failed_transfer_is_an_error() -> None:
    failed = {"transfer_status": "fail", "fail_cause": "坐席全忙", "is_monitor": "false"}
    assert _bridge(TransferPhase.FAIL, failed) == ["parallel-bridge-nothing"]
    assert _bridge(None, failed) == ["parallel-bridge-nothing"]  # the request alone says it


def test_parallel_bridge_after_success_or_while_pending_or_unknown_is_fine() -> None:
    success = {"transfer_status": "success", "is_monitor": "false"}
    assert _bridge(TransferPhase.SUCCESS, success) == []
    assert _bridge(TransferPhase.PENDING) == []
    assert _bridge(None) == []


# --- a fail answer: seed 001 调用失败 {"result":"fail","msg":"fail reason","data":{}} ------------


def test_a_fail_answer_with_leftover_data_is_one_warning_never_an_error() -> None:
    leftover = {"action": "dance", "action_code": "", "mute_time": "abc", "dynamic_id": "a@b"}
    case = Case(
        "", top={"result": "fail", "msg": "fail reason", "data": {"call_id": CALL_ID, **leftover}}
    )
    findings = case.findings()
    assert not [f for f in findings if f.is_error]
    found = only(findings, "fail-data-ignored")
    assert found.severity is Severity.WARNING
    assert "action, action_code, mute_time, dynamic_id are ignored" in found.message
    assert sorted(f.rule for f in findings) == ["fail-data-ignored", "result-fail"]


def test_the_seed_fail_example_has_no_leftover_finding() -> None:
    case = raw("seed", b'{"result":"fail","msg":"fail reason", "data":{}}')
    assert rules_of(case) == ["result-fail"]


# --- dtmf: every dtmf_* field is 可选 in seed 001 -------------------------------------------


def test_dtmf_with_an_end_character_and_no_max_numbers_is_complete() -> None:
    case = followup("", action="dtmf", action_code="menu.wav", dtmf_end_character="#")
    assert "action-field-recommended" not in rules_of(case)


def test_dtmf_with_neither_limit_nor_end_character_is_still_a_warning() -> None:
    case = followup("", action="dtmf", action_code="menu.wav", dtmf_end_character="")
    assert only(case.findings(), "action-field-recommended").severity is Severity.WARNING


# --- citations: the page that states the rule ----------------------------------------------


def test_play_at_callin_cites_the_callin_page() -> None:
    found = only(callin("", action="play").findings(), "action-not-allowed-at-stage")
    assert found.seed == SEED_CALLIN


def test_answer_at_followup_cites_the_follow_up_page() -> None:
    found = only(followup("", action="answer").findings(), "action-not-allowed-at-stage")
    assert found.seed == SEED_FOLLOWUP


# --- voices: seeds 000/004 example tts_style xiaoyan, seed 003 默认为xiaoyan --------------------


def test_xiaoyan_is_a_documented_voice() -> None:
    voice = {"tts_conf": True, "tts_volume": 50, "tts_speed": 0}
    assert "tts-style-unknown" not in rules_of(callin("", tts_style="xiaoyan", **voice))
    smartcall = params("", TtsConf="true", TtsStyle="xiaoyan", TtsVolume=50, TtsSpeed=0)
    assert "tts-style-unknown" not in rules_of(smartcall)


# --- a TTS variable without a value on an action that plays nothing --------------------------


def test_tts_variable_missing_on_donothing_is_a_warning() -> None:
    """Seed 001: donothing 不做任何处理 -- nothing is played, nothing is left unspoken."""
    found = only(
        followup("", action="donothing", action_code="$x$").findings(), "tts-variable-missing"
    )
    assert found.severity is Severity.WARNING and "不做任何处理" in found.message


def test_tts_variable_missing_on_play_stays_an_error() -> None:
    found = only(followup("", action_code="$x$").findings(), "tts-variable-missing")
    assert found.severity is Severity.ERROR


# --- transport: no seed names a status or a Content-Type (SPEC-NOTES §7) ---------------------


VALID = encode(envelope({"call_id": CALL_ID, "action": "play", "action_code": "menu.wav"}))


def test_content_type_advice_is_information_not_a_warning() -> None:
    result = validate_response(
        VALID, Stage.FOLLOWUP, call_id=CALL_ID, headers={"content-type": "text/plain"}
    )
    (found,) = result.findings
    assert (found.rule, found.severity) == ("content-type-not-json", Severity.INFO)
    assert result.valid and not result.warnings and result.infos == (found,)


@pytest.mark.parametrize(
    ("status", "severity"),
    [
        (201, Severity.WARNING),
        (204, Severity.WARNING),
        (500, Severity.ERROR),
        (302, Severity.ERROR),
    ],
)
def test_another_2xx_is_a_warning_any_other_status_an_error(
    status: int, severity: Severity
) -> None:
    result = validate_response(VALID, Stage.FOLLOWUP, call_id=CALL_ID, status=status)
    found = only(result.findings, "http-status")
    assert found.severity is severity
    if severity is Severity.WARNING:
        assert f"the platform's handling of {status} is undocumented" in found.message


def test_201_with_a_broken_body_keeps_the_body_error_apart() -> None:
    callback = Callback(CallbackKind.NORMAL, CALL_ID, 0, 0, {"words": "你好"}, 1)
    result = validate_answer(callback, _answered(201, b"<html>", {}))
    assert result is not None
    assert {(f.rule, f.severity) for f in result.findings} >= {
        ("http-status", Severity.WARNING),
        ("body-not-json", Severity.ERROR),
    }


# --- every rule's quote is on the page it cites ---------------------------------------------


SHARED = shared()
needs_shared = pytest.mark.skipif(SHARED is None, reason="shared/seeds is not beside the repo")


def _page(source: str) -> str | None:
    return page_text(source)  # None: a vendor page with no stored copy, its quote unchecked


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("rule_id", RULES)
def test_every_rule_quotes_the_page_it_cites(rule_id: str) -> None:
    info = RULES[rule_id]
    assert info.quote, f"{rule_id} has no quote of {info.seed}"
    page = _page(info.seed)
    if page is None:
        pytest.skip(f"no copy of {info.seed} is at hand")
    assert _words(info.quote) in _words(page), f"{rule_id}: {info.quote!r} is not in {info.seed}"


@needs_shared
@pytest.mark.parametrize("stage", list(Stage))
def test_the_page_cited_for_each_stage_lists_its_actions(stage: Stage) -> None:
    seed, quote = STAGE_PAGES[stage]
    page = _page(seed)
    assert page is not None and _words(quote) in _words(page)


def test_the_quote_check_can_fail() -> None:
    """The check above is no formality: a quote of the wrong page is not found in it."""
    if SHARED is None:
        pytest.skip("shared/seeds is not beside the repo")
    callin_words = STAGE_PAGES[Stage.CALLIN][1]
    page = _page(SEED_FOLLOWUP)
    assert page is not None and _words(callin_words) not in _words(page)
