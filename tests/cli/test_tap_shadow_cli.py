"""``vcall tap --shadow``: the divergence line, the closing ``shadow:`` summary, the platform's
answer production's."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import httpx
from test_tap_cli import START_S, HangupBot, callin, start_tap

from vcall.simulator.asgi import Receive, Scope, Send, read_body
from vcall.simulator.emulator.serve import ServerThread


async def playing_bot(scope: Scope, receive: Receive, send: Send) -> None:
    """The candidate: plays a file where production hangs up."""
    if scope["type"] != "http":
        return
    await read_body(receive)
    data = {"action": "play", "action_code": "hello.wav"}
    payload = json.dumps({"result": "success", "msg": "", "data": data}).encode()
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


def test_a_divergent_call_is_printed_and_summed_up(tmp_path: Path) -> None:
    report = tmp_path / "findings.jsonl"
    with ServerThread(HangupBot()) as production, ServerThread(playing_bot) as candidate:
        process, url = start_tap(
            production.url + "/callback",
            tmp_path,
            "--shadow",
            candidate.url + "/callback",
            "--report-json",
            str(report),
        )
        try:
            with httpx.Client(trust_env=False) as client:
                answered = client.post(url, data=callin("end^1"))
            assert answered.json()["data"]["action"] == "hangup"  # production's, always
            process.send_signal(signal.SIGTERM)
            output, _ = process.communicate(timeout=START_S)
        finally:
            if process.poll() is None:
                process.kill()
    assert process.returncode == 0, output
    assert "and a copy to the candidate" in output
    assert "shadow: call end^1 #1 callin: diverged at data.action" in output
    assert "shadow: 1 callbacks compared, 1 divergent call(s), 0 candidate error(s)" in output
    assert "divergent call end^1:" in output  # its fixture, production's answers
    lines = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert [line["field"] for line in lines if line.get("kind") == "shadow-divergence"] == [
        "data.action"
    ]
