"""``vcall simulate TARGET`` without ``--fixture``: the console, driven from stdin by a script."""

from __future__ import annotations

import socket
from pathlib import Path

import yaml
from typer.testing import CliRunner

from vcall.cli.app import app
from vcall.cli.exit_codes import ExitCode

runner = CliRunner()
ORDER = "你好，我想查一下我的快递"


def console(*args: str, script: str) -> tuple[int, str]:
    result = runner.invoke(app, ["simulate", *args], input=script, env={"COLUMNS": "100"})
    return result.exit_code, result.output


def test_a_script_drives_the_console_and_the_saved_call_replays(tmp_path: Path) -> None:
    path = tmp_path / "order.yaml"
    code, out = console("--example-bot", script=f"{ORDER}\n菜单\n/press 2#\n/save {path}\n")
    assert code == ExitCode.OK
    assert f"caller › {ORDER}" in out  # each line is echoed after its prompt
    assert "→ dtmf “2”" in out
    assert "transfer" in out
    assert f"saved {path}" in out

    replay = runner.invoke(app, ["simulate", "--example-bot", "--fixture", str(path)])
    replay_code, replay_out = replay.exit_code, replay.output
    assert replay_code == ExitCode.OK, replay_out
    assert "1 passed, 0 failed" in replay_out


def test_the_end_of_the_script_leaves_and_says_the_call_was_not_saved() -> None:
    code, out = console("--example-bot", script=f"{ORDER}\n")
    assert code == ExitCode.OK
    assert "this call was not saved" in out
    assert "■ call ended by you, leaving the console" in out


def test_record_writes_the_call_without_asking(tmp_path: Path) -> None:
    path = tmp_path / "recorded.yaml"
    code, out = console("--example-bot", "--record", str(path), script=f"{ORDER}\n谢谢\n")
    assert code == ExitCode.OK
    assert "not saved" not in out
    document = yaml.safe_load(path.read_text("utf-8"))
    assert document["end"] == "bot_hangup"


def test_a_forwarded_inbound_call(tmp_path: Path) -> None:
    path = tmp_path / "forwarded.yaml"
    args = (
        "--example-bot",
        "--caller",
        "13900139000",
        "--orgcallee",
        "057126881111",
        "--record",
        str(path),
    )
    code, out = console(*args, script="")
    assert code == ExitCode.OK
    assert "inbound 13900139000 → 057126880000 (dialled 057126881111)" in out
    assert "welcome_forwarded.wav" in out
    assert yaml.safe_load(path.read_text("utf-8"))["call"]["orgcallee"] == "057126881111"


def test_an_outbound_call_with_smartcall_parameters(tmp_path: Path) -> None:
    path = tmp_path / "survey.yaml"
    args = ["--example-bot", "--outbound", "--record", str(path)]
    args += [
        "--smartcall",
        "VoiceCode=$name$,survey_opening.wav",
        "--smartcall",
        'VoiceCodeParam={"name": "张先生"}',
    ]
    args += ["--smartcall", "MuteTime=5000", "--smartcall", "EarlyMediaAsr=true"]
    code, out = console(*args, script="方便，你说吧\n")
    assert code == ExitCode.OK, out
    assert "outbound 057126880000 → 13800138000" in out
    assert "满意吗" in out
    smartcall = yaml.safe_load(path.read_text("utf-8"))["call"]["smartcall"]
    assert smartcall["MuteTime"] == 5000
    assert smartcall["EarlyMediaAsr"] is True
    assert smartcall["VoiceCodeParam"] == '{"name": "张先生"}'
    assert smartcall["CalledNumber"] == "13800138000"


def test_console_options_are_checked() -> None:
    code, out = console("--example-bot", "--smartcall", "MuteTime=5000", script="")
    assert code == ExitCode.USAGE
    assert "only outbound calls" in out
    code, out = console("--example-bot", "--outbound", "--smartcall", "Colour=blue", script="")
    assert code == ExitCode.USAGE
    assert "--smartcall 'Colour=blue'" in out
    code, out = console("--example-bot", "--record", "x.yaml", "--fixture", "x.yaml", script="")
    assert code == ExitCode.USAGE
    assert "--record and --outbound are for the console" in out


def test_an_unreachable_endpoint_keeps_the_console_up_and_exits_3() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    code, out = console(f"http://127.0.0.1:{port}/callback", "--timeout", "2s", script="\n/state\n")
    assert code == ExitCode.UNREACHABLE
    assert "endpoint-unreachable" in out
    assert "☎ call 2" in out
