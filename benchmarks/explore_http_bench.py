"""``vcall explore`` and ``vcall check`` over HTTP, against ``vcall load``'s cost per callback.

Run from a checkout: ``python benchmarks/explore_http_bench.py``. The bot is a three-level key menu
(4 keys a level) written with the standard library only and served by ``ThreadingHTTPServer`` in a
separate process, as a new team's first bot would be. Its states: a greeting, the main menu (key 1
and 2: two sub-menus, 3: a "please hold" no move ever leaves (a dead end), 4: goodbye), each
sub-menu (1: a shared third-level query menu, 2: a leaf, 3: a confirmation loop of two menus that
never ends the call, 4: back), the query menu (1-3: a result leaf, 4: back to the main menu). Where
the caller is travels in ``dynamic_id``; the bot keeps nothing per call.

In one run, each command as a subprocess (its CPU: user + system, from ``getrusage``):

- ``vcall explore URL``: wall time, callbacks (counted by the server), CPU per callback;
- ``vcall load URL -f menu.yaml --as-fast-as-possible -n CALLS``: CPU per callback;
- ``vcall check URL``: wall time;
- each command's start-up, measured against a port nothing listens on, is subtracted from its
  CPU (the figure is the cost per callback, not of importing Python packages);
- time to the first output line of ``explore`` and ``check`` (from the process's start).

Each runs ``ROUNDS`` times, interleaved (a busy machine slows all alike); each figure is the best.

Targets (issue 21): explore CPU/callback <= 1.5x load's; explore wall <= 2 s; check wall <= 1.5 s;
first output line <= 0.5 s. The machine may be shared: the figures are noisy, take them as such.
"""

from __future__ import annotations

import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

VCALL = [sys.executable, "-m", "vcall"]
LOAD_CALLS = 400
ROUNDS = 3
"""Each command runs this many times, interleaved; each figure is the best of them."""
MENU_FIXTURE = """\
name: 菜单：查询结果
call:
  caller: "13800138000"
  callee: "057126880000"
media:
  welcome.wav: 1s
steps:
  - wait: playback
  - say: 你好
  - press: "1"
  - press: "1"
  - press: "2"
  - wait: playback
  - silence: 6s
end: bot_hangup
"""

# --- the bot (standard library only; runs in its own process) ---------------------------------


def _tts(text: str) -> dict[str, Any]:
    return {"action_code": "$t$", "action_code_param": json.dumps({"t": text}, ensure_ascii=False)}


def _menu(state: str, text: str) -> dict[str, Any]:
    return {
        "action": "dtmf",
        **_tts(text),
        "dynamic_id": state,
        "action_code_break": True,
        "dtmf_max_numbers": 1,
        "dtmf_end_character": "",
        "dtmf_nonin_overtime": 5,
    }


def _play(state: str, text: str) -> dict[str, Any]:
    return {"action": "play", **_tts(text), "dynamic_id": state, "mute_time": 5000}


GOODBYE = {"action": "hangup", "action_code": "goodbye.wav", "dynamic_id": "bye"}
MENUS = {
    "main": "这里是主菜单，查账户请按一，查账单请按二，人工服务请按三，结束请按四。",
    "acct": "账户服务：余额查询请按一，账户说明请按二，修改资料请按三，返回请按四。",
    "bill": "账单服务：账单查询请按一，账单说明请按二，修改资料请按三，返回请按四。",
    "query": "查询服务：本月请按一，上月请按二，全年请按三，返回主菜单请按四。",
    "confirm": "请按一确认修改。",
    "reconfirm": "请再次按一确认修改。",
}
KEYS = {
    "main": {"1": "acct", "2": "bill", "3": "hold", "4": "bye"},
    "acct": {"1": "query", "2": "info", "3": "confirm", "4": "main"},
    "bill": {"1": "query", "2": "info", "3": "confirm", "4": "main"},
    "query": {"1": "result", "2": "result", "3": "result", "4": "main"},
}


def _state(name: str) -> dict[str, Any]:
    if name in MENUS:
        return _menu(name, MENUS[name])
    if name == "hold":
        return _play("hold", "请稍候，正在为您转接人工服务。")
    if name == "info":
        return _play("info", "账户说明：您可以在手机上查看全部账户信息。")
    if name == "result":
        return _play("result", "您的查询结果已发送到您的手机。")
    return GOODBYE


def bot_answer(kind: str, content: dict[str, Any]) -> dict[str, Any]:
    """``data`` (without ``call_id``) for one callback."""
    state = str(content.get("dynamic_id") or "")
    if kind == "callin":
        return {"action": "answer", "action_code": "welcome.wav", "dynamic_id": "start"}
    if kind == "timebreak":
        return {"action": "break", "action_code": "", "dynamic_id": state}
    if state == "hold":  # the dead end: whatever happens, please hold
        return _state("hold")
    if state in ("confirm", "reconfirm"):  # the loop: every move goes to the other one
        return _state("reconfirm" if state == "confirm" else "confirm")
    if state == "start":
        return _state("main")
    if state in ("info", "result"):
        return GOODBYE
    if kind != "dtmf":
        return _state(state)  # speech or silence at a menu: the menu again
    digits = str(content.get("dtmf_digits", ""))
    if digits == "noInputTimeout":
        return GOODBYE if state == "main" else _state(state)
    return _state(KEYS.get(state, {}).get(digits, state))


class BotHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    served = 0
    lock = threading.Lock()

    def do_GET(self) -> None:
        self._send(200, str(BotHandler.served).encode())

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8")
        query = self.path.partition("?")[2]
        params = dict(parse_qsl(query)) | dict(parse_qsl(body))
        with BotHandler.lock:
            BotHandler.served += 1
        try:
            content = json.loads(params.get("content", "{}"))
            data = {"call_id": params["call_id"], **bot_answer(params["content_type"], content)}
            envelope = {"result": "success", "msg": "ok", "data": data}
        except (KeyError, ValueError) as error:
            envelope = {"result": "fail", "msg": f"bad callback: {error}", "data": {}}
        self._send(200, json.dumps(envelope, ensure_ascii=False).encode(), "application/json")

    def _send(self, status: int, body: bytes, kind: str = "text/plain") -> None:
        # One write: a head and a body written apart meet Nagle's algorithm and the client's
        # delayed ACK, 40 ms a response on Linux (a slow bot, not a slow client).
        head = (
            f"HTTP/1.1 {status} OK\r\nContent-Type: {kind}; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        self.wfile.write(head.encode() + body)

    def log_message(self, format: str, *args: Any) -> None:
        return None


def serve(port: int) -> None:
    ThreadingHTTPServer(("127.0.0.1", port), BotHandler).serve_forever()


# --- measuring -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_bot(port: int) -> Iterator[str]:
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(port)])
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/callback"
    finally:
        server.terminate()
        server.wait(timeout=10)


def served(url: str) -> int:
    with urllib.request.urlopen(url, timeout=5) as answer:  # loopback only
        return int(answer.read())


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str]) -> tuple[float, float, float, int]:
    """(wall s, CPU s, first output line s, exit code) of one command run to its end."""
    cpu0 = _children_cpu()
    started = time.perf_counter()
    env = {**os.environ, "COLUMNS": "120"}
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    first_s = time.perf_counter() - started if first else float("nan")
    process.stdout.read()
    code = process.wait()
    return time.perf_counter() - started, _children_cpu() - cpu0, first_s, code


def per_callback(
    url: str, run: Callable[[str], list[str]], dead: str
) -> tuple[float, float, int, float]:
    """(wall s, CPU per callback in µs with start-up subtracted, callbacks, first line s)."""
    _, startup_cpu, _, _ = timed(run(dead))
    before = served(url)
    wall, cpu, first, code = timed(run(url))
    callbacks = served(url) - before
    if callbacks == 0:
        raise RuntimeError(f"{' '.join(run(url)[2:4])} exited {code} with no callback sent")
    return wall, max(0.0, cpu - startup_cpu) / callbacks * 1e6, callbacks, first


def main() -> None:
    port = free_port()
    dead = f"http://127.0.0.1:{free_port()}/callback"  # nothing listens there
    with tempfile.TemporaryDirectory() as folder, running_bot(port) as url:
        fixture = Path(folder) / "menu.yaml"
        fixture.write_text(MENU_FIXTURE, encoding="utf-8")
        count_url = url.replace("/callback", "/count")
        timed([*VCALL, "--version"])  # warm-up: caches, .pyc files

        def explore(target: str) -> list[str]:
            return [*VCALL, "explore", target, "--report-json", str(Path(folder) / "map.json")]

        def load(target: str) -> list[str]:
            options = ["-f", str(fixture), "--as-fast-as-possible", "-n", str(LOAD_CALLS), "-q"]
            return [*VCALL, "load", target, *options]

        def check(target: str) -> list[str]:
            return [*VCALL, "check", target]

        rounds = [
            (
                per_callback(count_url, explore, dead),
                per_callback(count_url, load, dead),
                per_callback(count_url, check, dead),
            )
            for _ in range(ROUNDS)
        ]
        found = json.loads((Path(folder) / "map.json").read_text(encoding="utf-8"))
    e_wall, e_cpu, e_calls, e_first = (min(r[0][i] for r in rounds) for i in range(4))
    l_cpu, l_calls = min(r[1][1] for r in rounds), rounds[0][1][2]
    c_wall, c_calls, c_first = (min(r[2][i] for r in rounds) for i in (0, 2, 3))
    e_calls, c_calls = int(e_calls), int(c_calls)
    states = len(found["map"]["states"])
    problems = [problem["kind"] for problem in found["problems"]]
    print(f"explore: {states} states, problems {problems}, {e_calls} callbacks")
    print(f"explore wall: {e_wall:.2f} s (target <= 2 s)")
    print(f"check wall: {c_wall:.2f} s, {c_calls} callbacks (target <= 1.5 s)")
    print(f"first output line: explore {e_first:.2f} s, check {c_first:.2f} s (target <= 0.5 s)")
    print(f"load: {l_calls} callbacks, {l_cpu:.0f} us CPU per callback")
    print(
        f"cpu per callback: explore {e_cpu:.0f} us / load {l_cpu:.0f} us = "
        f"{e_cpu / l_cpu:.2f}x (target <= 1.5x)"
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--serve":
        serve(int(sys.argv[2]))
    else:
        main()
