"""``vcall tap``: options, the exposure warning, and a real run stopped with Ctrl-C and SIGTERM
(open calls are written before it exits)."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pipe_lines import output_lines
from rich.console import Console
from typer.testing import CliRunner

from vcall.cli.app import app
from vcall.cli.commands import tap as tap_cli
from vcall.simulator.asgi import Receive, Scope, Send, read_body
from vcall.simulator.emulator.serve import GRACE_S, ServerThread
from vcall.simulator.tap import TapConfig

runner = CliRunner()
START_S = 20.0


def test_a_bad_listen_address_is_a_usage_error() -> None:
    result = runner.invoke(
        app, ["tap", "--forward-to", "http://127.0.0.1:9/cb", "--listen", "here"]
    )
    assert result.exit_code == 2
    assert "--listen 'here'" in result.output


def test_a_save_directory_not_made_yet_is_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's first ``vcall tap ... --save recorded/`` runs in a fresh directory."""
    monkeypatch.setattr(tap_cli, "_serve_until_stopped", lambda _app, _sock: None)
    missing = tmp_path / "recorded" / "today"
    args = ["--forward-to", "http://127.0.0.1:9/cb", "--listen", "127.0.0.1:0"]
    result = runner.invoke(app, ["tap", *args, "--save", str(missing)])
    assert result.exit_code == 0, result.output
    assert missing.is_dir()
    assert f"saves each call into {missing}/" in result.output


def test_a_save_path_that_is_a_file_is_a_usage_error(tmp_path: Path) -> None:
    a_file = tmp_path / "recorded"
    a_file.write_text("", encoding="utf-8")
    result = runner.invoke(
        app, ["tap", "--forward-to", "http://127.0.0.1:9/cb", "--save", str(a_file)]
    )
    assert result.exit_code == 2
    assert "not a directory" in result.output


def test_a_forward_url_that_is_not_http_is_a_usage_error() -> None:
    result = runner.invoke(app, ["tap", "--forward-to", "ftp://bot/cb", "--listen", "127.0.0.1:0"])
    assert result.exit_code == 2
    assert "http:// or https://" in result.output


def test_listening_beyond_loopback_is_said_loudly() -> None:
    console = Console(record=True, width=200)
    config = TapConfig(forward_to="http://127.0.0.1:9/cb")
    tap_cli._banner(console, "http://0.0.0.0:8082", config, "0.0.0.0")
    assert "WARNING: listening on 0.0.0.0, not loopback" in console.export_text()
    quiet = Console(record=True, width=200)
    tap_cli._banner(quiet, "http://127.0.0.1:8082", config, "127.0.0.1")
    assert "WARNING" not in quiet.export_text()


def test_listen_accepts_a_port_or_host_and_port() -> None:
    assert tap_cli._address("9000", None) == ("127.0.0.1", 9000)
    assert tap_cli._address("127.0.0.2:9000", None) == ("127.0.0.2", 9000)
    assert tap_cli._address("127.0.0.1:9000", "0.0.0.0") == ("0.0.0.0", 9000)


class HangupBot:
    """Answers ``hangup`` to the call ``end^1`` and ``continue`` to the others."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = (await read_body(receive)).decode()
        if "slow%5E3" in body:  # never answers in time
            await asyncio.sleep(60)
        call_id = "end^1" if "end%5E1" in body else "open^2"
        action = "hangup" if call_id == "end^1" else "answer"
        data = {"call_id": call_id, "action": action}
        payload = json.dumps({"result": "success", "msg": "", "data": data}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": payload})


@pytest.fixture
def bot() -> Iterator[str]:
    with ServerThread(HangupBot()) as server:
        yield server.url + "/callback"


def start_tap(bot_url: str, save: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    environment = {**os.environ, "COLUMNS": "300"}
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        environment.pop(name, None)
    command = [
        sys.executable,
        "-m",
        "vcall",
        "tap",
        "--forward-to",
        bot_url,
        "--listen",
        "127.0.0.1:0",
        "--save",
        str(save),
        *extra,
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment
    )
    assert process.stdout is not None
    for line in output_lines(process):
        found = re.search(r"listening on (http://\S+)", line)
        if found:
            return process, found[1] + "/callback"
    raise AssertionError(f"tap did not start: exit {process.wait()}")


def callin(call_id: str) -> dict[str, Any]:
    content = {"caller": "13912345678", "callee": "057126880000"}
    return {
        "call_id": call_id,
        "timestamp": "1700000000000",
        "content_type": "callin",
        "content": json.dumps(content),
    }


@pytest.mark.parametrize(("stop", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 0)])
def test_a_run_writes_ended_and_open_calls_and_stops_cleanly(
    bot: str, tmp_path: Path, stop: int, code: int
) -> None:
    log = tmp_path / "log.jsonl"
    process, url = start_tap(bot, tmp_path, "--log", str(log))
    try:
        with httpx.Client(trust_env=False) as client:
            ended = client.post(url, data=callin("end^1"))
            client.post(url, data=callin("open^2"))
        assert ended.json()["data"]["action"] == "hangup"
        process.send_signal(stop)
        output, _ = process.communicate(timeout=START_S)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == code, output
    assert "tap: 2 callbacks relayed" in output
    assert len(list(tmp_path.glob("*.yaml"))) == 2
    lines = log.read_text(encoding="utf-8")
    assert "13912345678" not in lines and "13912345678" not in "".join(
        p.read_text() for p in tmp_path.glob("*.yaml")
    )
    assert len(lines.splitlines()) == 2


def half_a_request(url: str) -> socket.socket:
    """A client that sends a request head and half its body, then nothing more."""
    address = httpx.URL(url)
    client = socket.create_connection((address.host, address.port or 80))
    head = (
        f"POST {address.path} HTTP/1.1\r\nHost: x\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 400\r\n\r\n"
    )
    client.sendall(head.encode() + b"call_id=half")
    return client


def stop_with(process: subprocess.Popen[str], signals: list[int]) -> tuple[str, float]:
    started = time.monotonic()
    for number in signals:
        process.send_signal(number)
        time.sleep(0.3)
    try:
        output, _ = process.communicate(timeout=START_S)
    finally:
        if process.poll() is None:
            process.kill()
    return output, time.monotonic() - started


@pytest.mark.parametrize(
    ("signals", "code", "within_s"),
    [
        ([signal.SIGINT], 130, GRACE_S + 3),
        ([signal.SIGTERM], 0, GRACE_S + 3),
        ([signal.SIGINT, signal.SIGINT], 130, 3.0),
    ],
)
def test_a_client_stuck_mid_body_does_not_stop_shutdown_or_lose_a_call(
    bot: str, tmp_path: Path, signals: list[int], code: int, within_s: float
) -> None:
    """Shutdown waits at most the grace period for unfinished requests (a second Ctrl-C skips
    it), abandons them, and writes every open call first; never a traceback."""
    process, url = start_tap(bot, tmp_path)
    stuck = half_a_request(url)
    answers: list[int] = []
    waiting = threading.Thread(target=lambda: answers.append(post(url, callin("slow^3"))))
    try:
        assert post(url, callin("open^2")) == 200
        waiting.start()
        time.sleep(0.5)
        output, took = stop_with(process, signals)
    finally:
        stuck.close()
        waiting.join(START_S)
    assert process.returncode == code, output
    assert took < within_s, output
    assert "Traceback" not in output
    assert len(list(tmp_path.glob("*.yaml"))) == 1, output
    assert "1 fixture(s) written" in output
    assert answers in ([503], [0])  # abandoned: tap's 503, or the connection closed


def post(url: str, data: dict[str, Any]) -> int:
    try:
        with httpx.Client(trust_env=False, timeout=START_S) as client:
            return client.post(url, data=data).status_code
    except httpx.HTTPError:
        return 0


def test_one_bad_file_among_recorded_calls_is_said_and_the_rest_replayed(tmp_path: Path) -> None:
    shipped = Path(__file__).resolve().parents[2] / "fixtures" / "transfer_to_agent.yaml"
    (tmp_path / "a-good.yaml").write_text(shipped.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "b-bad.yaml").write_text("name: x\nsteps:\n- say:\n", encoding="utf-8")
    result = runner.invoke(
        app, ["simulate", "vcall.simulator.example_bot:app", "-f", str(tmp_path)]
    )
    assert result.exit_code == 2, result.output
    assert "b-bad.yaml:3" in result.output and "(this file is not replayed)" in result.output
    assert "1 passed" in result.output or "1 call" in result.output, result.output


def test_what_the_network_chose_cannot_drive_the_terminal() -> None:
    """A call_id, a content_type or a path from the network is shown, never obeyed."""
    from vcall.cli.render.tap import TapPrinter
    from vcall.simulator.findings import Finding, Severity
    from vcall.simulator.tap import CallbackRelayed, CallClosed, MalformedRequest, TapProblem

    hostile = "x\x1b]0;pwned\x07\x1b[2J\u202e\x9b1m\r^1"
    console = Console(record=True, width=300, force_terminal=True)
    printer = TapPrinter(console, verbose=True)
    finding = Finding("r", Severity.ERROR, hostile, f"bad {hostile}", "seed", hostile, hostile)
    printer(CallbackRelayed(hostile, hostile, 1, 200, 1.0, (finding,)))
    printer(CallbackRelayed(hostile, hostile, 2, 200, 1.0, ()))
    printer(CallClosed(hostile, 2, "ended", Path(hostile)))
    printer(MalformedRequest(f"not a callback: {hostile}", 200))
    printer(TapProblem(f"call {hostile}: no fixture written"))
    text = console.export_text()
    assert "\\x1b]0;pwned\\x07" in text
    for char in ("\x07", "\x9b", "\u202e", "\r"):
        assert char not in text
    assert "\x1b]" not in text and "\x1b[2J" not in text


def test_a_bug_in_tap_exits_with_the_internal_error_code_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from vcall.cli.exit_codes import ExitCode

    def broken(_app: object, _sock: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(tap_cli, "_serve_until_stopped", broken)
    args = ["--forward-to", "http://127.0.0.1:9/cb", "--listen", "127.0.0.1:0"]
    result = runner.invoke(app, ["tap", *args])
    assert result.exit_code == ExitCode.INTERNAL_ERROR == 70, result.output  # type: ignore[comparison-overlap]
    assert "internal error: RuntimeError: boom" in result.output
    assert "Traceback" not in result.output


# --- tap in operations: metrics, alerts, JSON logs, log reopening (issue 26) ----------------------


def followup(call_id: str) -> dict[str, Any]:
    """A ``normal`` callback: HangupBot answers it with ``answer``, an error at a follow-up."""
    content = {"role": "B", "identity": "id2", "words": "你好", "begin_offset": "0"}
    return {**callin(call_id), "content_type": "normal", "content": json.dumps(content)}


def banner_line(process: subprocess.Popen[str], starts: str) -> str:
    for line in output_lines(process):
        if line.strip().startswith(starts):
            return line.strip()
    raise AssertionError(f"no banner line {starts!r}")


def test_metrics_are_scraped_from_a_running_tap(bot: str, tmp_path: Path) -> None:
    process, url = start_tap(bot, tmp_path, "--metrics", "127.0.0.1:0")
    try:
        metrics_url = banner_line(process, "Prometheus metrics on ").split(" on ")[1]
        with httpx.Client(trust_env=False) as client:
            client.post(url, data=callin("end^1"))
            client.post(url, data=followup("open^2"))
            scraped = client.get(metrics_url).text
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=START_S)
    finally:
        if process.poll() is None:
            process.kill()
    assert 'vcall_tap_callbacks_total{kind="callin",outcome="ok"} 1.0' in scraped
    assert 'vcall_tap_callbacks_total{kind="normal",outcome="error"} 1.0' in scraped
    assert (
        'vcall_tap_findings_total{rule="action-not-allowed-at-stage",severity="error"}' in scraped
    )
    assert "vcall_tap_answer_latency_seconds_bucket" in scraped
    assert "vcall_tap_calls_in_progress" in scraped


class Webhook:
    """A chat robot's webhook on loopback: keeps every JSON body posted to it."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        self.bodies.append(json.loads(await read_body(receive)))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b'{"errcode":0}'})


def test_an_error_finding_is_posted_to_the_robot_without_its_token(
    bot: str, tmp_path: Path
) -> None:
    token = "5f0c4e2b9a8d7c6b5a4f3e2d1c0b9a8f"
    robot = Webhook()
    with ServerThread(robot) as webhook:
        hook = f"{webhook.url}/robot/send?access_token={token}"
        process, url = start_tap(bot, tmp_path, "--notify", hook, "--notify-format", "wecom")
        try:
            with httpx.Client(trust_env=False) as client:
                client.post(url, data=followup("open^2"))
            deadline = time.monotonic() + 10
            while not robot.bodies and time.monotonic() < deadline:
                time.sleep(0.05)
            process.send_signal(signal.SIGTERM)
            output, _ = process.communicate(timeout=START_S)
        finally:
            if process.poll() is None:
                process.kill()
    (body,) = robot.bodies
    text = body["text"]["content"]
    assert body["msgtype"] == "text" and "open^2" in text
    assert "action-not-allowed-at-stage" in text
    assert token not in output and "alerts to a wecom robot" in output


def test_json_logs_are_one_object_per_event_on_stdout(bot: str, tmp_path: Path) -> None:
    environment = {**os.environ, "NO_PROXY": "*"}
    command = [sys.executable, "-m", "vcall", "tap", "--forward-to", bot, "--listen",
               "127.0.0.1:0", "--log-format", "json"]  # fmt: skip
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment
    )
    try:
        assert process.stderr is not None
        url = ""
        for line in process.stderr:
            found = re.search(r"listening on (http://\S+)", line)
            if found:
                url = found[1] + "/callback"
                break
        with httpx.Client(trust_env=False) as client:
            client.post(url, data=callin("end^1"))
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=START_S)
    finally:
        if process.poll() is None:
            process.kill()
    records = [json.loads(line) for line in out.splitlines()]
    assert records and all({"ts", "event"} <= set(record) for record in records)
    relayed = [record for record in records if record["event"] == "callback"]
    assert relayed[0]["call_id"] == "end^1" and relayed[0]["status"] == 200
    assert "tap: " in err  # the summary stays human, on stderr


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="no SIGHUP on this system")
def test_sighup_reopens_the_log_after_rotation(bot: str, tmp_path: Path) -> None:
    log = tmp_path / "exchanges.jsonl"
    process, url = start_tap(bot, tmp_path / "saved", "--log", str(log))
    try:
        with httpx.Client(trust_env=False) as client:
            client.post(url, data=callin("end^1"))
            deadline = time.monotonic() + 10  # the line is written once the answer is sent
            while "end^1" not in log.read_text(encoding="utf-8") and time.monotonic() < deadline:
                time.sleep(0.05)
            log.rename(tmp_path / "exchanges.jsonl.1")  # what logrotate does
            process.send_signal(signal.SIGHUP)
            time.sleep(0.3)
            client.post(url, data=callin("end^2"))
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=START_S)
    finally:
        if process.poll() is None:
            process.kill()
    assert "end^1" in (tmp_path / "exchanges.jsonl.1").read_text(encoding="utf-8")
    fresh = log.read_text(encoding="utf-8")
    assert "end^2" in fresh and "end^1" not in fresh
