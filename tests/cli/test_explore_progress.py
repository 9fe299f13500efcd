"""``vcall explore`` and ``vcall check`` while they run: the plan line, progress lines off a
terminal, and Ctrl-C (a real SIGINT) leaving a complete map of what was explored."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from click.testing import Result
from typer.testing import CliRunner

from vcall.cli.app import app
from vcall.cli.exit_codes import ExitCode
from vcall.cli.render.progress import check_status
from vcall.simulator.asgi import Receive, Scope, Send
from vcall.simulator.explore.check import CheckConfig, check
from vcall.simulator.explore.progress import CheckProgress
from vcall.simulator.replay.targets import app_target
from vcall.simulator.transport.sender import Placement

MENU_BOT = Path(__file__).resolve().parents[1] / "simulator" / "explore"


def vcall(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [*map(str, args)], env={"COLUMNS": "250"})  # type: ignore[return-value]


@pytest.fixture
def slow_menu(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The key menu answering each callback after 20 ms, importable as ``slow_menu_app:app``."""
    monkeypatch.syspath_prepend(str(MENU_BOT))
    from menu_bot import PLANTED, menu_bot

    inner = menu_bot(PLANTED)

    async def slow(scope: Scope, receive: Receive, send: Send) -> None:
        await asyncio.sleep(0.02)
        await inner(scope, receive, send)

    module = type(sys)("slow_menu_app")
    module.app = slow  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "slow_menu_app", module)
    monkeypatch.setattr("vcall.cli.render.progress.EVERY_S", 0.05)
    yield "slow_menu_app:app"


def test_explore_says_its_plan_first_and_progress_lines_off_a_terminal(slow_menu: str) -> None:
    result = vcall("explore", slow_menu, "--max-depth", "2", "-c", "4", "--max-time", "90s")
    assert result.exit_code == ExitCode.FAILED, result.output
    lines = result.output.splitlines()
    assert lines[0] == "exploring with 4 concurrent calls, up to 1 min 30 s"
    progress = [line for line in lines if line.startswith("crawling: ")]
    assert progress, result.output
    assert " states, depth " in progress[-1] and " left" in progress[-1]
    assert "problem" in progress[-1]


def test_check_says_its_plan_first_and_progress_lines_off_a_terminal(slow_menu: str) -> None:
    result = vcall("check", slow_menu, "--params", "form", "-c", "2")
    lines = result.output.splitlines()
    assert lines[0] == "checking the built-in behaviours in one placement, 2 calls side by side"
    progress = [line for line in lines if line.startswith(("finding situations: ", "behaviours: "))]
    assert progress, result.output


def test_the_check_line_names_the_behaviour_running_and_the_tally() -> None:
    progress = CheckProgress(phase="running behaviours", total=34)
    progress.started("silence [form]")
    progress.started("keys [form]")
    progress.finished("keys [form]", "passed")
    progress.started("speech [form]")
    progress.finished("speech [form]", "failed")
    assert check_status(progress) == (
        "behaviours: 2/34 done (1 failed, 1 passed) · running silence [form]"
    )
    progress.started("hang-up [form]")
    assert check_status(progress).endswith("running silence [form] (+1)")


def test_check_keeps_its_progress_figures_while_it_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(MENU_BOT))
    from menu_bot import PLANTED, menu_bot

    progress = CheckProgress()
    config = CheckConfig(placements=(Placement.FORM,))
    result = check(app_target("menu", menu_bot(PLANTED)), config, progress)
    reached = [row for row in result.behaviours if row.prefix is not None]
    assert progress.phase == "done" and progress.running == []
    assert progress.total == len(reached) and progress.done == len(reached)
    assert progress.tally.get("passed", 0) + progress.tally.get("failed", 0) == len(reached)
    assert progress.calls > len(reached)  # the crawl's calls too


# --- Ctrl-C: a real SIGINT to a real process --------------------------------------------------


class SlowMenu(BaseHTTPRequestHandler):
    """A key menu (keys 1-4 open deeper menus, for ever) answering each callback after 20 ms."""

    protocol_version = "HTTP/1.1"
    served = 0

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        params = dict(parse_qsl(self.path.partition("?")[2])) | dict(parse_qsl(body))
        SlowMenu.served += 1
        time.sleep(0.02)
        content = json.loads(params["content"])
        data = {"call_id": params["call_id"], **self._answer(params["content_type"], content)}
        payload = json.dumps({"result": "success", "msg": "ok", "data": data}).encode()
        head = (
            f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(payload)}"
        )
        self.wfile.write(head.encode() + b"\r\n\r\n" + payload)

    @staticmethod
    def _answer(kind: str, content: dict[str, Any]) -> dict[str, Any]:
        if kind == "callin":
            return {"action": "answer", "action_code": "welcome.wav", "dynamic_id": "m"}
        where = str(content.get("dynamic_id") or "m")
        digits = str(content.get("dtmf_digits", ""))
        if kind == "dtmf" and digits in ("1", "2", "3", "4"):
            where += digits
        if where == "m2":  # a forbidden character: a problem found early in the crawl
            where = "m2^"
        return {
            "action": "dtmf",
            "action_code": f"menu{where}.wav",
            "dynamic_id": where,
            "dtmf_max_numbers": 1,
            "dtmf_nonin_overtime": 5,
        }

    def log_message(self, format: str, *args: Any) -> None:
        return None


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        return None  # a connection vcall closed on Ctrl-C: expected, not worth a traceback


@pytest.fixture
def slow_server() -> Iterator[str]:
    server = QuietServer(("127.0.0.1", 0), SlowMenu)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/callback"
    finally:
        server.shutdown()
        server.server_close()


def test_ctrl_c_during_explore_leaves_a_complete_map_and_exits_130(
    slow_server: str, tmp_path: Path
) -> None:
    report = tmp_path / "map.json"
    found = tmp_path / "found"
    SlowMenu.served = 0
    command = [sys.executable, "-m", "vcall", "explore", slow_server, "--report-json", str(report)]
    command += ["--save", str(found)]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    deadline = time.monotonic() + 60
    while SlowMenu.served < 60 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    assert process.poll() is None, process.communicate()[0]
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=60)
    assert process.returncode == ExitCode.INTERRUPTED, output
    assert "Traceback" not in output
    document = json.loads(report.read_text(encoding="utf-8"))
    assert document["interrupted"] is True
    states = {state["id"] for state in document["map"]["states"]}
    assert len(states) >= 3
    for transition in document["map"]["moves"]:
        assert transition["from"] in states and transition["to"] in states
    # the problem found before Ctrl-C is saved as found, from the call that found it
    assert any(p["rule"] == "forbidden-character" for p in document["problems"]), output
    saved = [path.read_text(encoding="utf-8") for path in found.glob("*.yaml")]
    assert any("forbidden-character" in text for text in saved), output
