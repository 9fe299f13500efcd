"""The console, driven through prompt-toolkit's pipe input, one test per command and situation."""

from __future__ import annotations

import json
import socket
from collections.abc import Awaitable, Callable
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from console_driver import CTRL_C, CTRL_D, ENTER, TAB, drive, drive_steps, lines, options, typed

from vcall.cli.exit_codes import ExitCode
from vcall.simulator.fixture.loader import load_scenario
from vcall.simulator.fixture.scenario import CallSettings, Direction, EndReason
from vcall.simulator.replay.engine import SimulationConfig, simulate
from vcall.simulator.replay.targets import EXAMPLE_BOT, Target, app_target, resolve_target

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
ORDER = "你好，我想查一下我的快递"


# --- the caller's moves ---------------------------------------------------------------------------


def test_the_call_starts_on_launch_with_callin() -> None:
    out = drive("").output
    assert "☎ call 1 · inbound 13800138000 → 057126880000" in out
    assert "→ callin" in out
    assert "answer    welcome.wav" in out
    assert "mute_time 5s (was 10s)" in out


def test_words_are_said_after_the_playback_and_the_answer_is_a_panel() -> None:
    out = drive(lines(ORDER)).output
    assert f"→ normal “{ORDER}”" in out
    assert "timebreak" not in out  # said after welcome.wav, not over it
    assert "杭州转运中心" in out  # the TTS text, filled in from action_code_param
    assert "dynamic_id order (was menu)" in out


def test_a_line_starting_with_two_slashes_is_said_with_one() -> None:
    out = drive(lines("//kb 是什么")).output
    assert "→ normal “/kb 是什么”" in out


def test_silence_without_a_duration_brings_the_mute() -> None:
    out = drive(lines("/silence")).output
    assert "→ mute" in out
    assert "请问还在线吗" in out


def test_a_short_silence_brings_nothing() -> None:
    out = drive(lines("/silence 800ms", "/state")).output
    assert "→ mute" not in out
    assert "0.8 s/3.0 s" in out


def test_press_sends_keys_to_a_dtmf_menu() -> None:
    out = drive(lines("菜单", "/press 1#")).output
    assert "⌨" not in out
    assert "dtmf      menu.wav" in out
    assert "→ dtmf “1”" in out


def test_keys_nobody_collects_are_noted() -> None:
    out = drive(lines("/press 5")).output
    assert "note: key 5 ignored" in out


def test_bargein_talks_over_the_playback() -> None:
    out = drive(lines(ORDER, "/bargein 等一下 after=1s for=2s")).output
    assert "→ timebreak · the caller talked over 您最近的一笔快递已到达杭州转运中心，预…" in out
    assert "→ timebreak “" not in out  # the bot's prompt is not quoted as the caller's words
    assert "donothing  (plays nothing)" in out  # the timebreak already stopped the playback
    assert "→ normal “等一下”" in out


def test_wait_lets_time_pass() -> None:
    out = drive(lines("/wait 2s", "/state")).output
    assert "elapsed     00:02" in out
    assert "2.0 s/3.0 s  welcome.wav" in out


def test_wait_without_a_duration_waits_for_the_playback() -> None:
    out = drive(lines("/wait", "/state")).output
    assert "elapsed     00:03" in out
    assert "playing     nothing" in out


def test_hangup_ends_the_call_and_enter_starts_a_new_one() -> None:
    out = drive(lines("/hangup", "你好", "")).output
    assert "■ call ended by caller_hangup" in out
    assert "call 1 was not saved" in out
    assert out.count("Enter starts a new call") == 1  # said once, when the call ends
    assert "your words were not played: the call has ended" in out
    assert "☎ call 2" in out


def test_new_is_refused_while_the_call_is_up_and_starts_one_after_it() -> None:
    out = drive(lines("/new", "/hangup", "/new")).output
    assert "the call is still up: /hangup first" in out
    assert "☎ call 2" in out


def test_a_bot_hangup_ends_the_call_once_its_goodbye_played() -> None:
    out = drive(lines("谢谢", "/state", "你好")).output
    assert "hangup    goodbye.wav" in out
    # welcome.wav 3 s, the words 0.4 s, the pause 0.8 s, goodbye.wav 3 s
    assert "■ call ended by bot_hangup at 00:07.2" in out
    assert "ended       bot_hangup" in out
    assert "your words were not played: the call has ended" in out


def test_a_transfer_ends_the_call_and_a_new_one_can_start() -> None:
    out = drive(lines("转人工", "")).output
    assert "transfer" in out
    assert "→ 057126880001" in out
    assert "■ call ended by transfer" in out
    assert "☎ call 2" in out


def test_a_long_silence_lets_the_bot_hang_up() -> None:
    out = drive(lines("/silence 30s", "你好")).output
    assert out.count("→ mute") == 2  # the second silence makes the bot hang up
    assert "■ call ended by bot_hangup" in out
    assert "your words were not played: the call has ended" in out


# --- looking at the call --------------------------------------------------------------------------


def test_show_prints_the_last_request_and_the_raw_response() -> None:
    out = drive(lines(ORDER, "/show")).output
    assert "request · POST http://vcall.in-process/callback (form)" in out
    assert "content_type  normal" in out
    assert f'"words": "{ORDER}"' in out
    assert "response · HTTP 200" in out
    assert '"action": "play"' in out


def test_show_before_anything_was_sent_says_so() -> None:
    drive_out = drive(
        lines("/show"),
        options(
            settings=CallSettings(
                Direction.OUTBOUND,
                "057126880000",
                "13800138000",
                smartcall={"VoiceCode": "opening.wav"},
            )
        ),
    ).output
    assert "nothing sent yet" in drive_out


def test_state_tells_what_plays_keys_time_and_dynamic_id() -> None:
    out = drive(lines("菜单", "/state")).output
    assert "menu.wav" in out
    assert "waiting for keys: yes" in out
    assert "dynamic_id  dtmf-main" in out
    assert "mute_time 5s · pause_time 800ms · session_timeout 5m · recording on" in out


def test_help_lists_every_command_and_explains_one() -> None:
    out = drive(lines("/help", "/help press", "/help nope")).output
    for name in (
        "/silence",
        "/press",
        "/bargein",
        "/wait",
        "/hangup",
        "/show",
        "/state",
        "/save",
        "/help",
        "/quit",
    ):
        assert name in out
    assert "Durations: 800ms, 12s, 1m" in out
    assert "unknown command /nope" in out


def test_bad_input_is_a_one_line_error_and_the_console_stays_up() -> None:
    out = drive(
        lines("/press abc", "/frobnicate", "/wait soon", "/save", "/hangup now", ORDER)
    ).output
    assert "error: /press: 'abc' is not keys" in out
    assert "error: unknown command /frobnicate" in out
    assert "error: /wait: 'soon' is not a duration" in out
    assert "error: /save needs a file name" in out
    assert "error: /hangup takes no argument" in out
    assert f"→ normal “{ORDER}”" in out
    assert "Traceback" not in out


# --- keys -----------------------------------------------------------------------------------------


def test_ctrl_c_cancels_the_line() -> None:
    out = drive("你好" + CTRL_C + lines("/state")).output
    assert "→ normal" not in out
    assert "state" in out


def test_ctrl_d_asks_whether_to_save_and_saves(tmp_path: Path) -> None:
    path = tmp_path / "call.yaml"
    out = drive(lines(ORDER) + CTRL_D + lines(str(path))).output
    assert f"saved {path}" in out
    assert load_scenario(path).steps


def test_ctrl_d_then_enter_leaves_without_saving(tmp_path: Path) -> None:
    driven = drive(lines(ORDER) + CTRL_D + ENTER)
    assert "saved" not in driven.output
    assert driven.code is ExitCode.OK
    assert list(tmp_path.glob("*.yaml")) == []


def test_quit_asks_too_but_not_for_a_saved_call(tmp_path: Path) -> None:
    path = tmp_path / "call.yaml"
    out = drive(lines(ORDER, f"/save {path}", "/quit", "/this/would/be/a/file.yaml")).output
    assert out.count("saved ") == 1
    assert "■ call ended" in out


def test_tab_completes_commands() -> None:
    out = drive_steps(["/ha" + TAB, typed("/hangup"), ENTER]).output
    assert "■ call ended by caller_hangup" in out


def test_tab_completes_bargein_options() -> None:
    steps = [lines(ORDER), "/bargein 等一下 a" + TAB, typed("/bargein 等一下 after="), "1s f" + TAB]
    steps += [typed("/bargein 等一下 after=1s for="), "2s" + ENTER]
    out = drive_steps(steps).output  # type: ignore[arg-type]
    assert "→ timebreak" in out


def test_history_is_kept_between_sessions(history_file: Path) -> None:
    drive(lines("你好", "/state"))
    assert "/state" in history_file.read_text("utf-8")
    up = "\x1b[A"
    out = drive(up + ENTER).output
    assert "╭─ state" in out


# --- saving and replaying -------------------------------------------------------------------------


def test_save_writes_a_fixture_that_replays_identically(tmp_path: Path) -> None:
    path = tmp_path / "calls" / "order.yaml"
    path.parent.mkdir()
    typed_lines = (
        ORDER,
        "/bargein 等一下 after=500ms for=2s",
        "菜单",
        "/press 1#",
        "/silence",
        "/wait 1s",
        "谢谢",
    )
    driven = drive(lines(*typed_lines, f"/save {path}"))
    # 10: words said over a playback are played as a wait, then the words
    assert f"saved {path} · 10 step(s)" in driven.output
    assert f"replay: vcall simulate {EXAMPLE_BOT} --fixture {path}" in driven.output

    schema = json.loads(
        resources.files("vcall.simulator")
        .joinpath("fixture/fixture.schema.json")
        .read_text("utf-8")
    )
    document = yaml.safe_load(path.read_text("utf-8"))
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(document)) == []
    assert document["end"] == "bot_hangup"
    assert document["steps"][0] == "wait" or document["steps"][0] == {"wait": "playback"}

    run = simulate([load_scenario(path)], resolve_target(EXAMPLE_BOT), SimulationConfig())
    assert run.failed == 0
    assert run.calls[0].findings == ()
    assert run.calls[0].end_reason is EndReason.BOT_HANGUP
    turns = [line for line in driven.output.splitlines() if line.startswith("╭─ → ")]
    assert len(run.calls[0].turns) == len(turns)


def test_save_to_a_bad_place_is_an_error_and_the_call_goes_on(tmp_path: Path) -> None:
    out = drive(lines(f"/save {tmp_path}/missing/x.yaml", f"/save {tmp_path}/x.txt", ORDER)).output
    assert "error: cannot write" in out
    assert "error: " in out and "*.yaml" in out
    assert f"→ normal “{ORDER}”" in out


def test_record_writes_each_call_as_it_goes(tmp_path: Path) -> None:
    record = tmp_path / "session.yaml"
    out = drive(lines(ORDER, "/hangup", "", "谢谢"), options(record=record)).output
    assert "save this call?" not in out
    first, second = load_scenario(record), load_scenario(tmp_path / "session-2.yaml")
    assert first.end is EndReason.CALLER_HANGUP
    assert [step.kind for step in first.steps] == ["wait", "say", "hangup"]
    assert [step.kind for step in second.steps] == ["wait", "say"]
    assert second.end is EndReason.BOT_HANGUP


# --- endpoints that misbehave ---------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_an_endpoint_that_is_down_is_a_finding_and_the_console_stays_up() -> None:
    target = resolve_target(f"http://127.0.0.1:{_free_port()}/callback")
    driven = drive(lines("", "/state"), options(target, config=SimulationConfig(timeout_s=2)))
    assert "no answer (connect" in driven.output
    assert "endpoint-unreachable" in driven.output
    assert "☎ call 2" in driven.output
    assert "╭─ state" in driven.output
    assert driven.code is ExitCode.UNREACHABLE


def garbage_after_callin() -> Target:
    """Answers callin properly, then ``hello`` as plain text."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        body = (await receive()).get("body", b"").decode()
        params = dict(item.split("=", 1) for item in body.split("&"))
        if params.get("content_type") == "callin":
            data = {
                "call_id": params["call_id"].replace("%5E", "^"),
                "action": "answer",
                "action_code": "welcome.wav",
            }
            payload = json.dumps({"result": "success", "msg": "ok", "data": data}).encode()
        else:
            payload = b"hello"
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/plain")],
            }
        )
        await send({"type": "http.response.body", "body": payload})

    return app_target("garbage", app)


def test_an_endpoint_answering_garbage_gets_a_finding_on_that_turn() -> None:
    driven = drive(lines("你好", "/state", "再说一遍"), options(garbage_after_callin()))
    assert "✗ no use" in driven.output
    assert "✗ error" in driven.output
    assert driven.output.count("→ normal") == 2  # the call went on
    assert driven.code is ExitCode.FAILED


# --- outbound -------------------------------------------------------------------------------------


def test_an_outbound_call_is_answered_at_the_first_move() -> None:
    settings = CallSettings(
        Direction.OUTBOUND,
        "057126880000",
        "13800138000",
        smartcall={"VoiceCode": "survey_opening.wav", "MuteTime": 5000},
    )
    out = drive(lines("/state", "/wait", "方便，你说吧"), options(settings=settings)).output
    assert "☎ call 1 · outbound 057126880000 → 13800138000" in out
    assert "the callee answers at your first move" in out
    assert "nothing yet: the call is not answered" in out
    assert "→ callin" not in out
    assert "满意吗" in out


@pytest.mark.parametrize("text", ["", "/quit"])
def test_the_exit_code_is_ok_when_every_answer_was_clean(text: str) -> None:
    assert drive(lines(ORDER, text)).code is ExitCode.OK
