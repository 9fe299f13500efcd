"""Recording a played call as a fixture: loads, validates against the schema, replays identically."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import jsonschema
import pytest
import yaml

from vcall.simulator.clock import VIRTUAL_EPOCH_MS
from vcall.simulator.errors import UsageError
from vcall.simulator.fixture.loader import load_scenario, parse_scenario
from vcall.simulator.fixture.scenario import (
    Action,
    BargeIn,
    CallSettings,
    Direction,
    EndReason,
    Hangup,
    Press,
    Say,
    Silence,
    Step,
    Wait,
)
from vcall.simulator.live.call import LiveCall
from vcall.simulator.live.recording import (
    CallRecording,
    fixture_document,
    fixture_text,
    redact_target,
    save_fixture,
)
from vcall.simulator.replay.engine import SimulationConfig, open_client, run_context, simulate
from vcall.simulator.replay.results import CallResult
from vcall.simulator.replay.targets import EXAMPLE_BOT, Target, app_target, resolve_target
from vcall.simulator.spec import ENV_ACCESS_KEY_SECRET, BeginTime

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

ORDER_CALL: tuple[Action, ...] = (
    Wait(None),
    Say("你好，我想查一下我的快递到哪了"),
    BargeIn("等一下", 500, 2000),
    Wait(None),
    Say("菜单"),
    Press("1#", 200),
    Silence(20_000),
    Say("好的，没有了，谢谢", duration_ms=1500),
)


async def _play(
    target: Target, settings: CallSettings, actions: Sequence[Action], end: bool
) -> CallRecording:
    config = SimulationConfig(seed=7, epoch_ms=VIRTUAL_EPOCH_MS)
    async with open_client(target, config) as http:
        call = LiveCall(run_context(http, target, config), settings)
        await call.begin()
        for action in actions:
            if call.ended:
                break
            await call.play(action)
        ending = call.end().end_reason if end else None
        return CallRecording(
            call.settings, tuple(call.steps), call.turns, call.call_id, ending, target.label
        )


def play(
    actions: Sequence[Action],
    settings: CallSettings | None = None,
    target: Target | None = None,
    end: bool = True,
) -> CallRecording:
    """Play ``actions`` as one call; ``end``: then end it (else it is saved while still up)."""
    chosen = target or resolve_target(EXAMPLE_BOT)
    return asyncio.run(_play(chosen, settings or CallSettings(), actions, end))


def replay(path: Path, target: Target | None = None) -> CallResult:
    run = simulate(
        [load_scenario(path)],
        target or resolve_target(EXAMPLE_BOT),
        SimulationConfig(epoch_ms=VIRTUAL_EPOCH_MS),
    )
    return run.calls[0]


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    text = (
        resources.files("vcall.simulator")
        .joinpath("fixture/fixture.schema.json")
        .read_text("utf-8")
    )
    return jsonschema.Draft202012Validator(json.loads(text))


def asgi_bot(data: Callable[[dict[str, str]], dict[str, Any]]) -> Target:
    """An in-process bot answering every callback with ``data(params)`` (plus the call id)."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        params = dict(parse_qsl(body.decode()))
        envelope = {
            "result": "success",
            "msg": "成功",
            "data": {"call_id": params["call_id"], **data(params)},
        }
        payload = json.dumps(envelope, ensure_ascii=False).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": payload})

    return app_target("test-bot", app)


# --- round trip ---------------------------------------------------------------------------------


def test_saved_call_loads_validates_and_replays_identically(
    tmp_path: Path, validator: jsonschema.Draft202012Validator
) -> None:
    recording = play(ORDER_CALL)
    kinds = {turn.callback.kind.value for turn in recording.turns}
    assert kinds == {"callin", "normal", "timebreak", "dtmf", "mute"}
    path = save_fixture(tmp_path / "order_inquiry.yaml", recording)

    document = yaml.safe_load(path.read_text("utf-8"))
    assert list(validator.iter_errors(document)) == []
    scenario = load_scenario(path)
    assert [step.action for step in scenario.steps] == [step.action for step in recording.steps]

    result = replay(path)
    assert result.findings == ()
    assert result.end_reason is recording.end_reason is EndReason.BOT_HANGUP
    observed = [
        (t.callback.kind, t.callback.at_ms, dict(t.callback.content)) for t in recording.turns
    ]
    replayed = [(t.callback.kind, t.callback.at_ms, dict(t.callback.content)) for t in result.turns]
    assert replayed == observed


def test_expectations_carry_the_callback_kind_and_the_answer(tmp_path: Path) -> None:
    document = fixture_document(play(ORDER_CALL), "快递查询")
    assert document["name"] == "快递查询"
    assert document["answer"]["action"] == "answer"
    assert document["answer"]["action_code"] == "welcome.wav"
    assert "callback" not in document["answer"]
    press = next(step for step in document["steps"] if isinstance(step, dict) and "press" in step)
    assert press == {
        "press": "1#",
        "gap": "200ms",
        "expect": press["expect"],
    }
    assert press["expect"]["callback"] == "dtmf"
    assert press["expect"]["action"] == "play"
    assert list(press["expect"])[:3] == ["callback", "action", "action_code"]
    assert document["end"] == "bot_hangup"


def test_a_changed_answer_fails_the_replay(tmp_path: Path) -> None:
    path = save_fixture(tmp_path / "order.yaml", play(ORDER_CALL[:2]))
    other = asgi_bot(
        lambda params: {
            "action": "answer" if params["content_type"] == "callin" else "donothing",
            "action_code": "welcome.wav",
        }
    )
    result = replay(path, other)
    rules = {finding.rule for finding in result.findings}
    assert "expect-mismatch" in rules


def test_a_call_still_up_expects_no_ending(tmp_path: Path) -> None:
    recording = play((Say("你好"),), end=False)
    assert recording.end_reason is None
    document = fixture_document(recording, "still up")
    assert "end" not in document
    assert "still up when saved" in document["description"]
    result = replay(save_fixture(tmp_path / "up.yaml", recording))
    assert result.findings == ()


def test_the_caller_hanging_up_is_a_bare_hangup_step() -> None:
    document = fixture_document(play((Say("你好"), Hangup())), "hangup")
    assert document["steps"][-1] == "hangup"
    assert document["end"] == "caller_hangup"


def test_outbound_call_keeps_its_smartcall_parameters_and_has_no_answer(tmp_path: Path) -> None:
    settings = CallSettings(
        Direction.OUTBOUND,
        "057126880000",
        "13800138000",
        smartcall={
            "VoiceCode": "$name$,survey_opening.wav",
            "VoiceCodeParam": '{"name": "张先生"}',
            "MuteTime": 5000,
        },
    )
    recording = play((Wait(None), Say("方便，你说吧"), Wait(None), Say("挺满意的")), settings)
    document = fixture_document(recording, "外呼回访")
    assert "answer" not in document
    assert document["call"]["direction"] == "outbound"
    assert document["call"]["smartcall"]["VoiceCode"] == "$name$,survey_opening.wav"
    result = replay(save_fixture(tmp_path / "survey.yaml", recording))
    assert result.findings == ()
    assert result.end_reason is EndReason.BOT_HANGUP


def test_the_callback_shape_settings_are_kept(tmp_path: Path) -> None:
    """A call played without partnerId and with the seeds' date-time begin_time replays so."""
    settings = CallSettings(partner_id="", begin_time=BeginTime.DATETIME)
    document = fixture_document(play((Say("你好"), Hangup()), settings), "形状")
    assert (document["call"]["partner_id"], document["call"]["begin_time"]) == ("", "datetime")
    loaded = load_scenario(save_fixture(tmp_path / "shape.yaml", play((Say("你好"),), settings)))
    assert (loaded.call.partner_id, loaded.call.begin_time) == ("", BeginTime.DATETIME)
    plain = fixture_document(play((Say("你好"), Hangup())), "默认")
    assert "partner_id" not in plain["call"] and "begin_time" not in plain["call"]


@pytest.mark.parametrize(
    "action",
    [
        Say("你好"),
        Say("你好", duration_ms=2500),
        Silence(12_000),
        Silence(1500),
        Press("12#"),
        Press("007", gap_ms=300),
        BargeIn("等一下", 0, 2000),
        BargeIn("我要转人工", 750, 61_500),
        Wait(None),
        Wait(3000),
    ],
)
def test_every_step_kind_loads_back_as_written(action: Action) -> None:
    recording = CallRecording(CallSettings(), (_step(action),), (), "1^2")
    scenario = parse_scenario(fixture_text(recording, "one step"))
    assert scenario.steps[0].action == action


def _step(action: Action) -> Step:
    return Step(action, index=0)


# --- what is never written ------------------------------------------------------------------------


def test_volatile_values_are_left_out_and_stable_ones_kept(tmp_path: Path) -> None:
    def answer(params: dict[str, str]) -> dict[str, Any]:
        data: dict[str, Any] = {
            "action": "answer" if params["content_type"] == "callin" else "play"
        }
        data["action_code"] = "welcome.wav"
        data["dynamic_id"] = f"session-{params['call_id'].split('^')[0]}"
        data["tts_style"] = "xiaoyun"
        data["asr_model_id"] = "2f0c8f6e-4a2b-4c4e-9a57-0d1f1d7c2b11"
        data["cc_name"] = params["timestamp"]
        data["transfer_playfile"] = "生成于 2025-11-21 10:00:00"
        data["mute_time"] = 5000
        return data

    recording = play((Say("你好"),), target=asgi_bot(answer))
    expect = fixture_document(recording, "volatile")["steps"][0]["expect"]
    assert expect == {
        "callback": "normal",
        "action": "play",
        "action_code": "welcome.wav",
        "tts_style": "xiaoyun",
        "mute_time": 5000,
    }
    result = replay(save_fixture(tmp_path / "v.yaml", recording), asgi_bot(answer))
    assert [f for f in result.findings if f.rule.startswith("expect")] == []


def test_secrets_are_never_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "Zx9secretValueThatMustNotLeak"
    monkeypatch.setenv(ENV_ACCESS_KEY_SECRET, secret)

    def answer(params: dict[str, str]) -> dict[str, Any]:
        action = "answer" if params["content_type"] == "callin" else "play"
        return {
            "action": action,
            "action_code": "welcome.wav",
            "cc_name": f"key {secret}",
            "auth_token": "abc123",
        }

    recording = CallRecording(**_fields(play((Say("你好"),), target=asgi_bot(answer))))
    text = save_fixture(tmp_path / "s.yaml", recording).read_text("utf-8")
    assert secret not in text
    assert "auth_token" not in text
    assert "abc123" not in text
    assert "password" not in text
    assert "http://127.0.0.1:8080/callback" in text


def _fields(recording: CallRecording) -> dict[str, Any]:
    return {
        "settings": recording.settings,
        "steps": recording.steps,
        "turns": recording.turns,
        "call_id": recording.call_id,
        "end_reason": recording.end_reason,
        "target": "http://user:password@127.0.0.1:8080/callback?token=abc123#frag",
    }


def test_target_urls_lose_credentials_and_query() -> None:
    assert redact_target("http://u:p@127.0.0.1:8080/cb?token=x#f") == "http://127.0.0.1:8080/cb"
    assert redact_target("https://bot.example.com/cb") == "https://bot.example.com/cb"
    assert redact_target(EXAMPLE_BOT) == EXAMPLE_BOT


def test_words_that_look_like_fixture_variables_stay_literal(tmp_path: Path) -> None:
    recording = play((Say("价格是${price}元"), Say("${env:HOME}")))
    path = save_fixture(tmp_path / "dollar.yaml", recording)
    scenario = load_scenario(path, environ={})
    assert [step.action for step in scenario.steps] == [step.action for step in recording.steps]
    assert replay(path).findings == ()


def test_phone_numbers_are_quoted(tmp_path: Path) -> None:
    text = fixture_text(play(()), "numbers")
    assert "callee: '057126880000'" in text
    assert "caller: '13800138000'" in text


# --- writing --------------------------------------------------------------------------------------


def test_save_replaces_an_existing_file_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "call.yaml"
    path.write_text("old", "utf-8")
    save_fixture(path, play((Say("你好"),)))
    assert path.read_text("utf-8").startswith("# Recorded in the vcall console")
    assert [p.name for p in tmp_path.iterdir()] == ["call.yaml"]


def test_save_into_a_missing_directory_is_a_one_line_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"cannot write .*missing/call.yaml"):
        save_fixture(tmp_path / "missing" / "call.yaml", play(()))


def test_save_needs_a_yaml_name(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"\*\.yaml"):
        save_fixture(tmp_path / "call.txt", play(()))
