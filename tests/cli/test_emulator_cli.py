"""``vcall emulator`` and ``vcall example-bot``: options, errors, and a real served call."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from pipe_lines import output_lines
from typer.testing import CliRunner

from vcall.cli.app import app
from vcall.cli.commands import emulator as emulator_cli
from vcall.cli.commands import example_bot as example_bot_cli
from vcall.simulator import spec
from vcall.simulator.emulator.serve import bind_socket
from vcall.simulator.example_bot import app as example_bot_app
from vcall.simulator.smartcall.client import SmartCallClient
from vcall.simulator.smartcall.credentials import Credentials

KEY_ID, SECRET = "LTAI5tEmulatorCli0001", "emulator/cli+secret="
CALL = {
    "CalledNumber": "13800138000",
    "CalledShowNumber": "057126880000",
    "VoiceCode": "$name$,survey_opening.wav",
    "VoiceCodeParam": {"name": "张先生"},
}
ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (spec.ENV_ACCESS_KEY_ID, spec.ENV_ACCESS_KEY_SECRET, spec.ENV_PROFILE):
        monkeypatch.delenv(name, raising=False)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))


@pytest.fixture
def listening(monkeypatch: pytest.MonkeyPatch) -> socket.socket:
    """The socket the command will serve on, bound before it starts (no race for the port)."""
    sock = bind_socket("127.0.0.1", 0)
    monkeypatch.setattr(emulator_cli, "bind_socket", lambda _host, _port: sock)
    return sock


def run_emulator_with_one_call(
    sock: socket.socket, *args: str, params: dict[str, object] | None = None
) -> tuple[Result, str]:
    """Start ``vcall emulator --max-calls 1`` in a thread, place one call, wait for the exit."""
    outcome: dict[str, Result] = {}
    command = ["emulator", "--access-key-id", KEY_ID, "--access-key-secret", SECRET, *args]

    def serve() -> None:
        outcome["result"] = runner.invoke(app, [*command, "--max-calls", "1"])  # type: ignore[assignment]

    thread = threading.Thread(target=serve)
    thread.start()
    host, port = sock.getsockname()[:2]
    client = SmartCallClient(Credentials(KEY_ID, SECRET), endpoint=f"http://{host}:{port}")
    with client:
        answer = client.place_call(params or CALL)
    thread.join(timeout=30)
    assert not thread.is_alive()
    return outcome["result"], answer.call_id


def test_a_call_is_verified_played_shown_and_reported(
    listening: socket.socket, tmp_path: Path
) -> None:
    report = tmp_path / "run.json"
    port = listening.getsockname()[1]
    args = ("--callback-url", "vcall.simulator.example_bot:app", "--report-json", str(report))
    result, call_id = run_emulator_with_one_call(listening, *args)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"listening on http://127.0.0.1:{port}" in out
    assert "LTAI****0001" in out and KEY_ID not in out and SECRET not in out
    assert f"SmartCall V3 LTAI****0001 → 13800138000  OK CallId {call_id}" in out
    assert "VoiceCode=$name$,survey_opening.wav" in out
    assert "→ normal “喂，你好，方便的，你说吧”" in out
    assert "← hangup" in out
    assert "1 passed, 0 failed" in out
    document = json.loads(report.read_text(encoding="utf-8"))
    assert [call["call_id"] for call in document["calls"]] == [call_id]


def test_a_fixture_callee_whose_expectations_fail_exits_1(
    listening: socket.socket, tmp_path: Path
) -> None:
    fixture = tmp_path / "callee.yaml"
    fixture.write_text(
        "name: 期待转人工\n"
        "steps:\n"
        "  - wait: playback\n"
        "  - say: 现在不方便\n"
        "    expect:\n"
        "      action: transfer\n",
        encoding="utf-8",
    )
    args = ("--callback-url", "vcall.simulator.example_bot:app", "--fixture", str(fixture))
    result, _call_id = run_emulator_with_one_call(listening, *args)
    assert result.exit_code == 1
    assert "期待转人工" in result.stdout and "FAILED" in result.stdout


def test_a_shipped_fixture_is_a_callee_by_its_builtin_name(listening: socket.socket) -> None:
    args = ("--callback-url", "vcall.simulator.example_bot:app")
    fixture = ("--fixture", "builtin:outbound_callee_declines")
    result, _call_id = run_emulator_with_one_call(listening, *args, *fixture)
    assert result.exit_code == 0, result.output
    assert "callee: steps of builtin:outbound_callee_declines" in result.stdout
    assert "1 passed, 0 failed" in result.stdout


def test_rejected_requests_are_shown_with_their_code(listening: socket.socket) -> None:
    outcome: dict[str, Result] = {}
    command = ["emulator", "--access-key-id", KEY_ID, "--access-key-secret", SECRET]
    command += ["--callback-url", "vcall.simulator.example_bot:app", "--max-calls", "1"]
    thread = threading.Thread(target=lambda: outcome.update(result=runner.invoke(app, command)))  # type: ignore[call-overload]
    thread.start()
    host, port = listening.getsockname()[:2]
    endpoint = f"http://{host}:{port}"
    with SmartCallClient(Credentials(KEY_ID, "wrong"), endpoint=endpoint) as forged:
        assert forged.place_call(CALL).code == "SignatureDoesNotMatch"
    with SmartCallClient(Credentials(KEY_ID, SECRET), endpoint=endpoint) as genuine:
        assert genuine.place_call(CALL).ok
    thread.join(timeout=30)
    out = outcome["result"].stdout
    assert "SignatureDoesNotMatch (HTTP 400)" in out
    assert "1 passed" in out


def test_half_given_credentials_are_still_a_one_line_usage_error() -> None:
    args = ["emulator", "--callback-url", "vcall.simulator.example_bot:app"]
    result = runner.invoke(app, [*args, "--access-key-id", KEY_ID])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "--access-key-secret" in result.stderr


def _hint_of(process: subprocess.Popen[str]) -> tuple[str, list[str]]:
    seen = []
    for line in output_lines(process):
        seen.append(line)
        if line.strip().startswith("try: "):
            return line.strip().removeprefix("try: "), seen
    raise AssertionError("no hint printed: " + "".join(seen))


@pytest.mark.parametrize("given", [[], ["--access-key-id", KEY_ID, "--access-key-secret", SECRET]])
def test_the_start_up_hint_runs_as_printed_and_never_shows_the_secret(
    tmp_path: Path, given: list[str]
) -> None:
    """With no credentials the emulator makes a local pair; with flags, smartcall could not find
    them: either way the printed ``vcall smartcall`` line places a call as printed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALIBABA_CLOUD_")}
    env["HOME"] = str(tmp_path)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    command = [sys.executable, "-m", "vcall", "emulator", "--port", "0", "--max-calls", "1"]
    command += ["--callback-url", "vcall.simulator.example_bot:app", *given]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True
    )
    try:
        hint, banner = _hint_of(process)
        assert hint.startswith(". ") and "credentials.env && vcall smartcall --endpoint" in hint
        env_file = Path(hint.split()[1])
        secret = env_file.read_text(encoding="utf-8").split("ACCESS_KEY_SECRET=")[1].split()[0]
        assert oct(env_file.stat().st_mode & 0o777) == "0o600"
        placed = subprocess.run(
            ["bash", "-c", hint], env=env, capture_output=True, text=True, timeout=60
        )
        assert placed.returncode == 0, placed.stdout + placed.stderr
        assert "call placed" in placed.stdout
        rest, _ = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 0, rest
    assert not env_file.exists()  # the run's own file, removed when it stops
    shown = "".join(banner) + rest + placed.stdout + placed.stderr
    assert secret.strip("'") not in shown
    if not given:
        assert "made a local pair" in shown


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--callback-url", "127.0.0.1:8080"], "did you mean http://127.0.0.1:8080"),
        (["--callback-url", "no_such_module_here:app"], "cannot import"),
        (
            ["--callback-url", "vcall.simulator.example_bot:app", "--fixture", "missing.yaml"],
            "missing.yaml",
        ),
        (
            ["--callback-url", "vcall.simulator.example_bot:app", "--fixture", "builtin:nope"],
            "builtin:nope",
        ),
    ],
)
def test_bad_options_are_one_line_usage_errors(args: list[str], message: str) -> None:
    keys = ["--access-key-id", KEY_ID, "--access-key-secret", SECRET]
    result = runner.invoke(app, ["emulator", *keys, *args])
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_port_in_use_is_a_usage_error() -> None:
    taken = bind_socket("127.0.0.1", 0)
    port = str(taken.getsockname()[1])
    keys = ["--access-key-id", KEY_ID, "--access-key-secret", SECRET]
    callback = ["--callback-url", "vcall.simulator.example_bot:app"]
    try:
        result = runner.invoke(app, ["emulator", *keys, *callback, "--port", port])
    finally:
        taken.close()
    assert result.exit_code == 2 and f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_example_bot_serves_the_bot_and_prints_the_callback_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    served: dict[str, Any] = {}

    async def fake_serve(app_to_serve: Any, sock: socket.socket, **_options: Any) -> None:
        served.update(app=app_to_serve, port=sock.getsockname()[1])
        sock.close()

    monkeypatch.setattr(example_bot_cli, "serve_app", fake_serve)
    result = runner.invoke(app, ["example-bot", "--port", "0"])
    assert result.exit_code == 0
    assert served["app"] is example_bot_app
    assert f"callback URL: http://127.0.0.1:{served['port']}/callback" in result.stdout


def test_ctrl_c_stops_the_emulator_at_once_with_calls_under_way(tmp_path: Path) -> None:
    """Realtime calls last minutes; Ctrl-C must not wait for them (nor for a big report)."""
    env = {**os.environ, spec.ENV_ACCESS_KEY_ID: KEY_ID, spec.ENV_ACCESS_KEY_SECRET: SECRET}
    report = tmp_path / "run.json"
    command = [sys.executable, "-m", "vcall", "emulator", "--port", "0", "--realtime"]
    command += ["--callback-url", "vcall.simulator.example_bot:app", "--report-json", str(report)]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True
    )
    assert process.stdout is not None
    url = ""
    for line in process.stdout:
        if "listening on" in line:
            url = line.split("listening on ")[1].strip()
            break
    with SmartCallClient(Credentials(KEY_ID, SECRET), endpoint=url) as client:
        for number in range(20):
            assert client.place_call({**CALL, "CalledNumber": f"1380013{number:04d}"}).ok
    stopped = time.monotonic()
    process.send_signal(signal.SIGINT)
    rest = process.stdout.read()
    process.wait(timeout=30)
    assert time.monotonic() - stopped < 3.0  # about 0.5 s here; generous for a loaded machine
    assert process.returncode == 130
    assert "interrupted" in rest
    assert json.loads(report.read_text("utf-8"))["calls"] == []  # none finished: none reported
