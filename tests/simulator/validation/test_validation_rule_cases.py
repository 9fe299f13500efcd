"""Every rule id: one input that triggers it and a near miss where it stays quiet."""

from __future__ import annotations

import pytest
from response_builders import (
    CALL_ID,
    DROP,
    VALID_BODY,
    Case,
    callin,
    followup,
    params,
    raw,
    rule_ids,
)

from vcall.simulator.spec import MAX_RESPONSE_BYTES, Stage, TransferPhase
from vcall.simulator.validation import RULES

TTS_VOICE = {"tts_conf": True, "tts_style": "xiaoyun", "tts_volume": 50, "tts_speed": 0}

# rule id -> [(trigger, quiet), ...]; shared rules have a pair per place they apply.
CASES: dict[str, list[tuple[Case, Case]]] = {
    "http-status": [(raw("500", VALID_BODY, status=500), raw("200", VALID_BODY, status=200))],
    "content-type-not-json": [
        (
            raw("html", VALID_BODY, headers={"Content-Type": "text/html"}),
            raw("json", VALID_BODY, headers={"content-type": "application/json; charset=utf-8"}),
        )
    ],
    "body-too-large": [
        (raw("huge", b" " * MAX_RESPONSE_BYTES + b"{}"), raw("padded", VALID_BODY + b" " * 1000))
    ],
    "body-empty": [(raw("blank", b" \r\n"), raw("valid", VALID_BODY))],
    "body-not-utf8": [
        (raw("gbk", '{"msg": "成功"}'.encode("gbk")), raw("utf8", '{"msg": "成功"}'.encode()))
    ],
    "body-bom": [(raw("bom", b"\xef\xbb\xbf" + VALID_BODY), raw("no bom", VALID_BODY))],
    "body-too-deep": [
        (
            raw("deep", b"[" * 100_000),
            raw("nested param", VALID_BODY.replace(b'"menu.wav"', b"[[[]]]")),
        )
    ],
    "body-not-json": [(raw("truncated", VALID_BODY[:-1]), raw("valid", VALID_BODY))],
    "body-not-object": [(raw("array", b"[1, 2]"), raw("object", VALID_BODY))],
    "json-duplicate-key": [
        (raw("twice", b'{"result": "success", "result": "fail"}'), raw("once", VALID_BODY))
    ],
    "json-non-finite-number": [
        (raw("nan", VALID_BODY.replace(b'"menu.wav"', b"NaN")), raw("number", VALID_BODY))
    ],
    "json-lone-surrogate": [
        (
            raw("lone", VALID_BODY.replace(b'"menu.wav"', b'"\\ud800menu.wav"')),
            raw("pair", VALID_BODY.replace(b'"menu.wav"', b'"\\ud83d\\ude00menu.wav"')),
        )
    ],
    "envelope-result": [(Case("ok", top={"result": "ok"}), Case("fail", top={"result": "fail"}))],
    "envelope-msg": [(Case("no msg", top={"msg": DROP}), Case("empty msg", top={"msg": ""}))],
    "envelope-data": [
        (
            raw("no data", b'{"result": "success", "msg": ""}'),
            raw("fail {}", b'{"result": "fail", "msg": "", "data": {}}'),
        )
    ],
    "unknown-key": [
        (followup("typo", mute_tim=5000), Case("tolerated code", top={"code": 200})),
        (Case("top typo", top={"reslt": "success"}), followup("known", mute_time=5000)),
        (params("typo", Spead=1), params("rpc common", Action="SmartCall", Version="2017-05-25")),
    ],
    "result-fail": [
        (
            Case("fail", top={"result": "fail", "data": {}}),
            Case("success", top={"result": "success"}),
        )
    ],
    "data-call-id-missing": [
        (followup("no call_id", call_id=DROP), Case("fail {}", top={"result": "fail", "data": {}}))
    ],
    "data-call-id-mismatch": [
        (followup("other", call_id="1^2"), followup("same", call_id=CALL_ID))
    ],
    "action-missing": [
        (followup("no action", action=DROP), Case("fail {}", top={"result": "fail", "data": {}}))
    ],
    "action-unknown": [(followup("typo", action="plya"), followup("play", action="play"))],
    "action-not-allowed-at-stage": [
        (callin("play at callin", action="play"), callin("hangup at callin", action="hangup")),
        (followup("answer later", action="answer"), followup("hangup later", action="hangup")),
    ],
    "action-code-missing": [
        (
            followup("play empty", action_code=""),
            followup("hangup empty", action="hangup", action_code=""),
        )
    ],
    "answer-plays-nothing": [
        (
            callin("answer bare", action_code=DROP),
            callin("hangup bare", action="hangup", action_code=DROP),
        ),
        (callin("answer empty", action_code=""), callin("answer file", action_code="hi.wav")),
    ],
    "action-code-absent": [
        (
            followup("hangup no key", action="hangup", action_code=DROP),
            followup("hangup empty", action="hangup", action_code=""),
        )
    ],
    "transfer-number-missing": [
        (
            followup("no number", action="transfer"),
            followup("number", action="transfer", number="13711111111"),
        )
    ],
    "action-field-recommended": [
        (
            followup("dtmf bare", action="dtmf"),
            followup("dtmf max", action="dtmf", dtmf_max_numbers=4),
        )
    ],
    "field-ignored-for-action": [
        (
            followup("number with play", number="13711111111"),
            followup("number with transfer", action="transfer", number="13711111111"),
        )
    ],
    "transfer-number-unusual": [
        (
            followup("dashes", action="transfer", number="0571-26880000"),
            followup("plus", action="transfer", number="+8613711111111"),
        ),
        (
            followup("words", action="transfer", number="转人工"),
            followup("plain", action="transfer", number="13711111111"),
        ),
    ],
    "number-implausible": [
        (
            params("show words", CalledShowNumber="abc"),
            params("show landline", CalledShowNumber="4001112222"),
        ),
    ],
    "parallel-bridge-monitor": [
        (
            followup("monitor", action="parallel_bridge", is_monitor=True),
            followup("no monitor", action="parallel_bridge", is_monitor=False),
        ),
        (
            Case(
                "request monitor",
                data={"action": "parallel_bridge", "action_code": ""},
                options={"request_content": {"transfer_status": "success", "is_monitor": "true"}},
            ),
            Case(
                "request no monitor",
                data={"action": "parallel_bridge", "action_code": ""},
                options={"request_content": {"transfer_status": "success", "is_monitor": "false"}},
            ),
        ),
    ],
    "nothing-playing": [
        (
            Case(
                "idle",
                data={"action": "continue"},
                options={"request_content": {"is_playing": "false"}},
            ),
            Case(
                "playing",
                data={"action": "continue"},
                options={"request_content": {"is_playing": "true"}},
            ),
        )
    ],
    "value-null": [
        (followup("null", dynamic_id=None), followup("text", dynamic_id="abc")),
        (followup("empty number", mute_time=""), followup("empty id", dynamic_id="")),
    ],
    "type-mismatch": [
        (followup("word", mute_time="abc"), followup("int", mute_time=5000)),
        (params("word", PauseTime="long"), params("numeric text", PauseTime="800")),
    ],
    "type-lenient-string": [
        (followup("text int", mute_time="5000"), followup("int", mute_time=5000)),
        (followup("text bool", action_code_break="true"), followup("bool", action_code_break=True)),
    ],
    "type-lenient-number": [
        (followup("int id", dynamic_id=123), followup("text id", dynamic_id="123")),
        (followup("float ms", mute_time=5000.0), followup("int ms", mute_time=5000)),
        (followup("one", action_code_break=1), followup("true", action_code_break=True)),
    ],
    "field-not-for-stage": [
        (followup("later", session_timeout=600), callin("callin", session_timeout=600))
    ],
    "setting-ignored-after-first": [
        (followup("later", pause_time=800), callin("first", pause_time=800)),
        (
            Case(
                "callin again",
                stage=Stage.CALLIN,
                data={"pause_time": 800},
                options={"previous_settings": {"pause_time": 500}},
            ),
            Case(
                "callin other",
                stage=Stage.CALLIN,
                data={"pause_time": 800},
                options={"previous_settings": {"mute_time": 5000}},
            ),
        ),
    ],
    "range-fallback": [
        (followup("over", mute_time=30000), followup("edge", mute_time=20000)),
        (params("under", PauseTime=200), params("edge", PauseTime=300)),
    ],
    "value-out-of-range": [
        (
            followup("zero", action="dtmf", dtmf_max_numbers=0),
            followup("edge", action="dtmf", dtmf_max_numbers=50),
        ),
        (params("volume", Volume=5), params("volume edge", Volume=-4)),
    ],
    "session-timeout-too-long": [
        (callin("over", session_timeout=3601), callin("edge", session_timeout=3600)),
        (params("over", SessionTimeout="7200"), params("edge", SessionTimeout="3600")),
    ],
    "value-not-allowed": [
        (
            followup("digit end", action="dtmf", dtmf_max_numbers=4, dtmf_end_character="0"),
            followup("hash end", action="dtmf", dtmf_max_numbers=4, dtmf_end_character="#"),
        ),
        (
            params("asr", AsrBaseId="english_8k"),
            params("dialect", AsrBaseId="dialect_customer_service_8k"),
        ),
    ],
    "asr-base-id-unknown": [
        (
            callin("custom base", asr_base_id="11323223q23e34"),
            callin("dialect", asr_base_id="dialect_customer_service_8k"),
        )
    ],
    "tts-style-unknown": [
        (
            callin("xiaoyum", **{**TTS_VOICE, "tts_style": "xiaoyum"}),
            callin("xiaoyan", **{**TTS_VOICE, "tts_style": "xiaoyan"}),  # seeds 000/003/004
        ),
        (params("xiaoyum", TtsStyle="xiaoyum"), params("xiaoyan", TtsStyle="xiaoyan")),
    ],
    "tts-conf-incomplete": [
        (callin("conf only", tts_conf=True), callin("complete", **TTS_VOICE)),
        (
            params("conf only", TtsConf="True"),
            params("complete", TtsConf="true", TtsStyle="xiaoyun", TtsVolume=50, TtsSpeed=0),
        ),
    ],
    "tts-settings-ignored": [
        (callin("volume alone", tts_volume=50), callin("with conf", **TTS_VOICE)),
        (params("speed alone", TtsSpeed=100), params("conf false alone", TtsConf=False)),
    ],
    "tts-params-invalid": [
        (followup("broken", action_code_param="{name:"), followup("empty", action_code_param="")),
        (
            followup("object value", action_code="$n$", action_code_param={"n": {"a": 1}}),
            followup("number value", action_code="$n$", action_code_param={"n": 100}),
        ),
        (
            params("array", VoiceCodeParam="[1]"),
            params("object", VoiceCode="$n$", VoiceCodeParam='{"n": "您好"}'),
        ),
    ],
    "tts-variable-missing": [
        (
            followup("no value", action_code="$name$"),
            followup("value", action_code="$name$", action_code_param='{"name": "王先生"}'),
        ),
        (
            params("no value", VoiceCode="a.wav,$name$"),
            params("value", VoiceCode="a.wav,$name$", VoiceCodeParam={"name": "王先生"}),
        ),
    ],
    "tts-param-unused": [
        (
            followup("unused", action_code_param={"name": "王先生"}),
            followup("used", action_code="$name$", action_code_param={"name": "王先生"}),
        ),
        (params("unused", VoiceCodeParam='{"name": "王先生"}'), params("none", VoiceCodeParam="")),
    ],
    "forbidden-character": [
        (
            followup("caret id", dynamic_id="a^b"),
            followup(
                "url and variable",
                action_code="https://example.com/a.wav,$n$",
                action_code_param={"n": "您好"},
            ),
        ),
        (params("dynamic id", DynamicId="step=1"), params("dynamic id ok", DynamicId="step_1")),
    ],
    "forbidden-character-doubt": [
        (
            followup("at in file", action_code="a@b.wav"),
            followup("port and query", action_code="http://cdn.example.com:8080/a.wav?v=1"),
        ),
        (
            followup("clock time", action_code="$t$", action_code_param={"t": "下午3:30"}),
            followup("clock words", action_code="$t$", action_code_param={"t": "下午三点半"}),
        ),
        (params("out id", OutId="order=1"), params("out id ok", OutId="order_1")),
    ],
    "time-break-ignored": [
        (
            followup("unbreakable", action_code_time_break=120, action_code_break=False),
            followup("breakable", action_code_time_break=120, action_code_break=True),
        )
    ],
    "separator-not-comma": [
        (  # seed 001 action_code: 多个文件使用英文逗号(,)分隔
            followup("full-width", action_code="a.wav，b.wav"),
            followup("english", action_code="a.wav,b.wav"),
        ),
        (  # seed 002 VoiceCode: 之间用英文逗号(,)分隔
            params(
                "full-width", VoiceCode="welcome.wav，$name$", VoiceCodeParam='{"name": "张先生"}'
            ),
            params("english", VoiceCode="welcome.wav,$name$", VoiceCodeParam='{"name": "张先生"}'),
        ),
    ],
    "parallel-bridge-nothing": [
        (  # seed 001 并行桥接命令: bridges the agent a parallel transfer reached
            Case(
                "no transfer",
                data={"action": "parallel_bridge", "action_code": ""},
                options={"transfer_phase": TransferPhase.NONE},
            ),
            Case(
                "transfer succeeded",
                data={"action": "parallel_bridge", "action_code": ""},
                options={"transfer_phase": TransferPhase.SUCCESS},
            ),
        ),
        (
            Case(
                "request says fail",
                data={"action": "parallel_bridge", "action_code": ""},
                options={"request_content": {"transfer_status": "fail", "is_monitor": "false"}},
            ),
            Case(
                "request says success",
                data={"action": "parallel_bridge", "action_code": ""},
                options={"request_content": {"transfer_status": "success", "is_monitor": "false"}},
            ),
        ),
    ],
    "fail-data-ignored": [
        (  # seed 001's 调用失败 example: data: {}
            Case("leftover action", top={"result": "fail"}),
            Case("only call_id", top={"result": "fail", "data": {"call_id": CALL_ID}}),
        )
    ],
    "param-required-missing": [(params("no voice", VoiceCode=DROP), params("all", OutId="1"))],
    "param-unsupported": [(params("speed", Speed=1), params("volume", Volume=1))],
    "value-byte-length": [
        (params("long", OutId="订单号码一二三四五六"), params("fits", OutId="订单12345")),
        (params("empty", OutId=""), params("one", OutId="1")),
    ],
    "number-not-mainland": [
        (params("us", CalledNumber="+14155550100"), params("plus86", CalledNumber="+8613700000000"))
    ],
}
SPECIAL = {"internal-error"}
"""Rules tested on their own (they need a broken rule to fire)."""

PAIRS = [
    pytest.param(rule, trigger, quiet, id=f"{rule}: {trigger.label} / {quiet.label}")
    for rule, pairs in CASES.items()
    for trigger, quiet in pairs
]


def test_every_registered_rule_has_cases() -> None:
    assert set(CASES) | SPECIAL == set(RULES)


@pytest.mark.parametrize(("rule", "trigger", "quiet"), PAIRS)
def test_rule_triggers(rule: str, trigger: Case, quiet: Case) -> None:
    findings = [finding for finding in trigger.findings() if finding.rule == rule]
    assert findings, f"{rule} did not fire on {trigger.label}: {rule_ids(trigger.findings())}"
    assert all(finding.severity is RULES[rule].severity for finding in findings)
    assert all(finding.message and finding.seed for finding in findings)


@pytest.mark.parametrize(("rule", "trigger", "quiet"), PAIRS)
def test_rule_stays_quiet(rule: str, trigger: Case, quiet: Case) -> None:
    assert rule not in rule_ids(quiet.findings())


def test_base_response_and_params_are_clean() -> None:
    for stage in Stage:
        assert Case("base", stage=stage).findings() == ()
    assert params("base").findings() == ()
