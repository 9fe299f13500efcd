"""The example bot, driven directly with hand-built callbacks over an in-process ASGI transport."""

from __future__ import annotations

import asyncio
import json
from importlib import resources
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vcall.simulator import example_bot
from vcall.simulator.example_bot import AGENT_NUMBER, create_app
from vcall.simulator.fixture.loader import load_scenario
from vcall.simulator.fixture.scenario import EndReason
from vcall.simulator.persona import GOAL_MET, FixturePersonas
from vcall.simulator.replay.engine import SimulationConfig, run_scenarios
from vcall.simulator.replay.results import CallResult
from vcall.simulator.replay.targets import EXAMPLE_BOT, resolve_target
from vcall.simulator.spec import (
    ACTIONS,
    FORBIDDEN_CHARACTERS,
    RESPONSE_FIELDS,
    TTS_VARIABLE_PATTERN,
    CallbackKind,
    ValueType,
    stage_of,
)
from vcall.simulator.transport.sender import Placement
from vcall.simulator.validation import validate_response

CALL_ID = "100001616500^100001871490"
TIMESTAMP = "1763700000000"
FORM, QUERY = "form", "query"


def callback(kind: str, content: dict[str, Any] | str) -> dict[str, str]:
    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
    return {"call_id": CALL_ID, "timestamp": TIMESTAMP, "content_type": kind, "content": text}


async def _send(params: dict[str, str], placement: str, method: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=create_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://bot.test") as client:
        if placement == FORM:
            return await client.request(method, "/callback", data=params)
        return await client.request(method, "/", params=params)


def send(params: dict[str, str], placement: str = FORM, method: str = "POST") -> httpx.Response:
    return asyncio.run(_send(params, placement, method))


def answer(kind: str, content: dict[str, Any], placement: str = FORM) -> dict[str, Any]:
    """The ``data`` of the bot's answer, after checking it follows the spec."""
    response = send(callback(kind, content), placement)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    envelope = response.json()
    assert envelope["result"] == "success" and envelope["msg"] == "成功"
    assert_follows_spec(CallbackKind(kind), envelope["data"])
    return dict(envelope["data"])


def assert_follows_spec(kind: CallbackKind, data: dict[str, Any]) -> None:
    """SPEC-NOTES §3/§4, checked field by field (independently of vcall's validator)."""
    assert data["call_id"] == CALL_ID
    assert data["action"] in ACTIONS and stage_of(kind) in ACTIONS[data["action"]].stages
    assert isinstance(data["action_code"], str)
    for name, value in data.items():
        spec = RESPONSE_FIELDS[name]
        assert stage_of(kind) in spec.stages, name
        if spec.type is ValueType.INTEGER:
            assert type(value) is int and (spec.range is None or spec.range.contains(value)), name
        elif spec.type is ValueType.BOOLEAN:
            assert type(value) is bool, name
        if spec.choices:
            assert value in spec.choices, name
    params = json.loads(data.get("action_code_param", "{}"))
    variables = TTS_VARIABLE_PATTERN.findall(data["action_code"])
    assert sorted(params) == sorted(variables)
    spoken_or_echoed = [data.get("dynamic_id", ""), *params.values()]
    files = TTS_VARIABLE_PATTERN.sub("", data["action_code"])
    assert not FORBIDDEN_CHARACTERS & set("".join(spoken_or_echoed) + files)
    if ACTIONS[data["action"]].requires:
        assert all(data.get(name) for name in ACTIONS[data["action"]].requires)


def spoken(data: dict[str, Any]) -> str:
    return str(json.loads(data.get("action_code_param", "{}")).get("text", ""))


def normal(words: str, **extra: str) -> dict[str, Any]:
    content = {"role": "B", "identity": "id2", "words": words, "begin_offset": "4000"}
    return answer("normal", {**content, "end_offset": "6000", **extra})


# --- callin ------------------------------------------------------------------------------------


def test_callin_answers_with_the_welcome_and_the_call_settings() -> None:
    data = answer("callin", {"caller": "13800138000", "callee": "057126880000"})
    assert data["action"] == "answer" and data["action_code"] == "welcome.wav"
    assert data["dynamic_id"] == "menu"
    assert data["mute_time"] == 5000 and data["pause_time"] == 800
    assert data["action_code_break"] is True and data["action_code_time_break"] == 1500
    assert data["tts_conf"] is True and data["tts_style"] == "xiaoyun"
    assert (data["tts_volume"], data["tts_speed"]) == (50, 0)
    assert data["asr_base_id"] == "customer_service_8k" and data["record_flag"] is True
    assert data["session_timeout"] == 300


def test_a_forwarded_call_gets_its_own_greeting() -> None:
    content = {"caller": "13800138000", "callee": "057126880000", "orgcallee": "057126881111"}
    assert answer("callin", content)["action_code"] == "welcome_forwarded.wav"


@pytest.mark.parametrize(("placement", "method"), [(FORM, "POST"), (QUERY, "POST"), (QUERY, "GET")])
def test_parameters_are_read_from_the_body_or_the_query_string(placement: str, method: str) -> None:
    response = send(callback("callin", {"caller": "1", "callee": "2"}), placement, method)
    assert response.status_code == 200
    assert response.json()["data"]["call_id"] == CALL_ID


def test_an_unencoded_query_string_as_in_the_vendor_examples_is_read() -> None:
    async def get() -> httpx.Response:
        transport = httpx.ASGITransport(app=example_bot.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bot.test") as client:
            query = f"call_id={CALL_ID}&timestamp=1&content_type=mute&content=" + "{}"
            return await client.post(f"/test?{query}")

    response = asyncio.run(get())
    assert response.json()["data"]["action"] == "play"


# --- normal: keyword routing -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "action", "state"),
    [
        ("你好，我想查一下我的快递到哪了", "play", "order"),
        ("帮我看看订单的物流信息", "play", "order"),
        ("我要转人工", "transfer", "transfer"),
        ("有没有自助查询的菜单", "dtmf", "dtmf-main"),
        ("我想了解一下你们的隐私条款", "play", "notice"),
        ("没有了，谢谢", "hangup", "goodbye"),
        ("现在不方便，不需要了", "hangup", "goodbye"),
        ("是的，现在方便", "play", "survey"),
        ("今天天气怎么样", "play", "menu"),
    ],
)
def test_words_route_to_an_answer(words: str, action: str, state: str) -> None:
    data = normal(words, dynamic_id="menu")
    assert (data["action"], data["dynamic_id"]) == (action, state)


def test_order_status_is_spoken_by_tts_with_its_text_in_action_code_param() -> None:
    data = normal("我的快递到哪了")
    assert data["action_code"] == "$text$"
    assert isinstance(data["action_code_param"], str)
    assert "转运中心" in spoken(data)


def test_transfer_names_the_agent_number_and_announces_itself() -> None:
    data = normal("帮我转接客服")
    assert data["number"] == AGENT_NUMBER
    assert spoken(data) == "正在为您转接人工客服，请稍候。"


def test_the_dtmf_menu_collects_four_keys_ended_by_hash() -> None:
    data = normal("我想用按键自助服务")
    assert data["action_code"] == "menu.wav"
    assert data["dtmf_max_numbers"] == 4 and data["dtmf_end_character"] == "#"
    assert data["dtmf_nonin_overtime"] == 5
    assert "action_code_time_break" not in data


def test_the_notice_cannot_be_interrupted() -> None:
    data = normal("你们的用户协议在哪看")
    assert data["action_code"] == "notice.wav" and data["action_code_break"] is False
    assert "action_code_time_break" not in data


def test_goodbye_hangs_up_after_the_goodbye_file() -> None:
    data = normal("好的，再见")
    assert (data["action"], data["action_code"]) == ("hangup", "goodbye.wav")


def test_early_media_is_ignored_and_keeps_the_dynamic_id() -> None:
    data = normal("您拨打的电话暂时无法接通", current_media_code="early_media", dynamic_id="c-7")
    assert data == {
        "call_id": CALL_ID,
        "action": "donothing",
        "action_code": "",
        "dynamic_id": "c-7",
    }


@pytest.mark.parametrize("words", ["嗯", "好的", "对。"])
def test_a_backchannel_during_playback_lets_it_continue(words: str) -> None:
    data = normal(words, is_playing="true", dynamic_id="order")
    assert (data["action"], data["action_code"], data["dynamic_id"]) == ("continue", "", "order")


def test_a_backchannel_after_playback_is_not_understood() -> None:
    assert normal("嗯", is_playing="false")["action"] == "play"


def test_any_answer_to_the_survey_question_ends_the_call_with_thanks() -> None:
    data = normal("挺满意的，送得很快", dynamic_id="survey")
    assert (data["action"], data["dynamic_id"]) == ("hangup", "survey-done")
    assert "感谢" in spoken(data)


# --- mute, dtmf, timebreak ---------------------------------------------------------------------


def test_a_first_silence_is_reprompted_and_a_second_hangs_up() -> None:
    first = answer("mute", {"dynamic_id": "order"})
    assert (first["action"], first["dynamic_id"]) == ("play", "mute1")
    assert spoken(first) == "您好，请问还在线吗？"
    second = answer("mute", {"dynamic_id": first["dynamic_id"]})
    assert (second["action"], second["action_code"]) == ("hangup", "goodbye.wav")
    assert second["dynamic_id"] == "mute2"


def test_speaking_after_a_mute_resets_the_silence_count() -> None:
    data = normal("嗯？刚才信号不好", dynamic_id="mute1")
    assert data["dynamic_id"] == "menu"


@pytest.mark.parametrize(
    ("digits", "action", "state"),
    [("1", "play", "order"), ("1#", "play", "order"), ("2", "transfer", "transfer")],
)
def test_menu_keys_route_to_an_answer(digits: str, action: str, state: str) -> None:
    data = answer("dtmf", {"dynamic_id": "dtmf-main", "dtmf_digits": digits})
    assert (data["action"], data["dynamic_id"]) == (action, state)


def test_key_zero_repeats_the_menu() -> None:
    data = answer("dtmf", {"dynamic_id": "dtmf-main", "dtmf_digits": "0"})
    assert (data["action"], data["action_code"], data["dynamic_id"]) == (
        "dtmf",
        "menu.wav",
        "dtmf-main",
    )


def test_a_wrong_key_says_so_then_repeats_the_menu() -> None:
    data = answer("dtmf", {"dynamic_id": "dtmf-main", "dtmf_digits": "9"})
    assert (data["action"], data["action_code"]) == ("dtmf", "$text$,menu.wav")
    assert spoken(data) == "您的输入有误。"


def test_no_key_reprompts_once_then_falls_back_to_speech() -> None:
    retry = answer("dtmf", {"dynamic_id": "dtmf-main", "dtmf_digits": "noInputTimeout"})
    assert (retry["action"], retry["dynamic_id"]) == ("dtmf", "dtmf-retry")
    assert retry["action_code"] == "$text$,menu.wav"
    fallback = answer("dtmf", {"dynamic_id": "dtmf-retry", "dtmf_digits": "noInputTimeout"})
    assert (fallback["action"], fallback["dynamic_id"]) == ("play", "menu")
    assert "转人工" in spoken(fallback)


def test_timebreak_is_answered_with_donothing_keeping_the_dynamic_id() -> None:
    """The platform has already stopped the playback (seed 002: 用户持续说话可以打断当前播放):
    the bot listens for the sentence."""
    content = {"current_media_code": "welcome.wav", "dynamic_id": "menu"}
    data = answer("timebreak", content, placement=QUERY)
    assert data == {
        "call_id": CALL_ID,
        "action": "donothing",
        "action_code": "",
        "dynamic_id": "menu",
    }


def test_call_centre_request_is_a_parallel_transfer_without_number() -> None:
    """Seed 001: number is valid with transfer only; the outcome comes in a callback."""
    data = answer("normal", {"words": "帮我接呼叫中心", "dynamic_id": "menu"})
    assert (data["action"], data["cc_name"], data["dynamic_id"]) == (
        "parallel_transfer",
        "aliyun_cc",
        "call-centre",
    )
    assert "number" not in data


@pytest.mark.parametrize(
    ("content", "action"),
    [
        ({"transfer_status": "success", "is_monitor": "false"}, "parallel_bridge"),
        ({"transfer_status": "success", "is_monitor": "true"}, "donothing"),
        (
            {"transfer_status": "fail", "fail_cause": "transfer fail.", "is_monitor": "false"},
            "play",
        ),
    ],
)
def test_parallel_transfer_outcome_bridges_waits_or_goes_on(
    content: dict[str, str], action: str
) -> None:
    """Vendor doc 112703: the parallel_transfer callback; no parallel_bridge when monitored."""
    data = answer("parallel_transfer", {**content, "dynamic_id": "call-centre"})
    assert data["action"] == action


# --- every answer follows the spec -------------------------------------------------------------

STATES = ["menu", "order", "mute1", "mute2", "dtmf-main", "dtmf-retry", "survey", "campaign-7"]
WORDS = [
    "嗯",
    "好的",
    "快递",
    "人工",
    "菜单",
    "条款",
    "谢谢",
    "方便",
    "不方便",
    "喂？",
    "我想问一下",
]


@st.composite
def callbacks(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    kind = draw(st.sampled_from(list(CallbackKind)))
    if kind is CallbackKind.CALLIN:
        return kind.value, {
            "caller": "13800138000",
            "callee": "057126880000",
            "orgcallee": draw(st.sampled_from(["", "057126881111"])),
        }
    content: dict[str, Any] = {"dynamic_id": draw(st.sampled_from(STATES))}
    if kind is CallbackKind.NORMAL:
        content["words"] = draw(
            st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map("".join)
        )
        content["is_playing"] = draw(st.sampled_from(["true", "false"]))
        content["current_media_code"] = draw(st.sampled_from(["", "early_media", "menu.wav"]))
    if kind is CallbackKind.DTMF:
        content["dtmf_digits"] = draw(
            st.sampled_from(["1", "2", "0", "7", "12#", "noInputTimeout"])
        )
    return kind.value, content


@settings(max_examples=60, deadline=None)
@given(callbacks())
def test_every_answer_follows_the_spec(case: tuple[str, dict[str, Any]]) -> None:
    kind, content = case
    data = answer(kind, content)  # checks field by field
    assert data["dynamic_id"] and set(data["dynamic_id"]) <= set(
        "abcdefghijklmnopqrstuvwxyz0123456789-_"
    )


@settings(max_examples=40, deadline=None)
@given(callbacks())
def test_every_answer_passes_vcall_validation_without_warnings(
    case: tuple[str, dict[str, Any]],
) -> None:
    kind, content = case
    response = send(callback(kind, content))
    result = validate_response(
        response.content,
        stage_of(CallbackKind(kind)),
        status=response.status_code,
        headers=dict(response.headers),
        call_id=CALL_ID,
        request_content=content,
    )
    assert [finding.message for finding in result.findings] == []


# --- bad requests ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"timestamp": "1", "content_type": "mute", "content": "{}"}, "missing parameter: call_id"),
        ({**callback("mute", {}), "content": "{'dynamic_id': 'menu'}"}, "content is not JSON"),
        ({**callback("mute", {}), "content": "[1, 2]"}, "content is not a JSON object"),
        (callback("hello", {}), "unknown content_type: 'hello'"),
        ({**callback("mute", {}), "timestamp": "yesterday"}, "timestamp is not a number"),
        ({}, "missing parameter: call_id, timestamp, content_type, content"),
    ],
)
def test_a_garbled_callback_gets_400_and_a_fail_envelope(
    params: dict[str, str], message: str
) -> None:
    response = send(params)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    envelope = response.json()
    assert (envelope["result"], envelope["data"]) == ("fail", {})
    assert envelope["msg"].startswith(message)


def test_a_body_that_is_not_utf8_gets_400() -> None:
    status, envelope = example_bot.respond(
        b"", b"call_id=\xff\xfe", "application/x-www-form-urlencoded"
    )
    assert status == 400 and envelope["msg"] == "parameters are not UTF-8"


def test_the_lifespan_protocol_is_acknowledged() -> None:
    sent: list[dict[str, Any]] = []
    incoming = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])

    async def receive() -> dict[str, Any]:
        return next(incoming)

    async def send_message(message: Any) -> None:
        sent.append(dict(message))

    asyncio.run(create_app()({"type": "lifespan"}, receive, send_message))  # type: ignore[arg-type]
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


def test_create_app_returns_a_new_app_each_time() -> None:
    assert create_app() is not create_app()
    assert callable(example_bot.app)


# --- the shipped fixtures, replayed against the bot --------------------------------------------

FIXTURES = sorted(
    Path(str(resources.files("vcall.fixtures"))).glob("*.yaml"), key=lambda path: path.name
)


def replay(path: Path, placement: Placement = Placement.FORM) -> CallResult:
    scenario = load_scenario(path)
    config = SimulationConfig(placement=placement, seed=7, strict=True)
    player = FixturePersonas()  # a fixture with a persona: block plays it, as simulate does
    target = resolve_target(EXAMPLE_BOT)
    run = asyncio.run(run_scenarios([scenario], target, config, persona_player=player))
    return run.calls[0]


def test_at_least_ten_fixtures_ship_each_with_a_header_and_an_ending() -> None:
    assert len(FIXTURES) >= 10
    for path in FIXTURES:
        assert path.read_text(encoding="utf-8").startswith("# Demonstrates"), path.name
        assert load_scenario(path).end is not None, path.name


@pytest.mark.parametrize("placement", list(Placement))
@pytest.mark.parametrize("path", FIXTURES, ids=lambda path: path.stem)
def test_every_shipped_fixture_passes_against_the_example_bot(
    path: Path, placement: Placement
) -> None:
    call = replay(path, placement)
    assert [f.message for f in call.findings if f.rule != GOAL_MET] == []
    assert not call.failed(strict=True)


def test_the_barge_in_fixture_produces_timebreaks_that_stop_the_playback() -> None:
    call = replay(next(path for path in FIXTURES if path.stem == "barge_in_timebreak"))
    exchanges = [(turn.callback.kind.value, turn.action) for turn in call.turns]
    assert exchanges == [
        ("callin", "answer"),
        ("timebreak", "donothing"),
        ("normal", "play"),
        ("timebreak", "donothing"),
        ("normal", "transfer"),
    ]
    normals = [turn.callback.content for turn in call.turns if turn.callback.kind.value == "normal"]
    assert [content["is_playing"] for content in normals] == ["false", "false"]


@pytest.mark.parametrize(
    ("stem", "kinds", "end"),
    [
        (
            "parallel_transfer_to_call_centre",
            ["callin", "normal", "parallel_transfer"],
            EndReason.PARALLEL_BRIDGE,
        ),
        (
            "parallel_transfer_agents_busy",
            ["callin", "normal", "parallel_transfer", "normal"],
            EndReason.TRANSFER,
        ),
    ],
)
def test_parallel_transfer_fixtures_report_the_outcome(
    stem: str, kinds: list[str], end: EndReason
) -> None:
    """Vendor doc 112703: a parallel_transfer callback follows the action; on fail the call goes
    on with the bot."""
    call = replay(next(path for path in FIXTURES if path.stem == stem))
    assert [turn.callback.kind.value for turn in call.turns] == kinds
    assert call.end_reason is end


def test_speech_over_the_non_breakable_notice_gives_no_timebreak() -> None:
    call = replay(next(path for path in FIXTURES if path.stem == "non_breakable_notice"))
    kinds = {turn.callback.kind for turn in call.turns}
    assert CallbackKind.TIMEBREAK not in kinds
    over_notice = [t.callback.content for t in call.turns if t.step_index in (2, 3)]
    assert [content["is_playing"] for content in over_notice] == ["true", "true"]


def test_the_session_timeout_fixture_ends_at_the_bots_session_timeout() -> None:
    call = replay(next(path for path in FIXTURES if path.stem == "session_timeout_long_talker"))
    assert call.end_reason is EndReason.SESSION_TIMEOUT
    assert call.duration_ms == 300 * 1000
