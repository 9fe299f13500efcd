"""Bots written for the persona tests, a fake OpenAI-compatible server, and a call helper."""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from vcall.simulator.asgi import App
from vcall.simulator.example_bot import app as example_app
from vcall.simulator.persona.brain import Brain
from vcall.simulator.persona.model import Persona
from vcall.simulator.persona.rules import RuleBrain
from vcall.simulator.persona.run import PersonaConfig, PersonaRun, run_personas
from vcall.simulator.replay.engine import SimulationConfig
from vcall.simulator.replay.targets import Target, app_target
from vcall.simulator.spec import CallbackKind

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "explore"))
from menu_bot import bot_from as bot_from  # a tiny bot whose data comes from a function


def tts(action: str, text: str, state: str, **extra: Any) -> dict[str, Any]:
    return {
        "action": action,
        "action_code": "$text$",
        "action_code_param": json.dumps({"text": text}, ensure_ascii=False),
        "dynamic_id": state,
        "action_code_break": True,
        "mute_time": 5000,
        **extra,
    }


def weather_dialogue(kind: CallbackKind, content: Mapping[str, Any]) -> dict[str, Any]:
    """A weather line: it offers the forecast and nothing else, whatever the caller wants."""
    if kind is CallbackKind.CALLIN:
        return tts("answer", "您好，这里是天气预报热线，请说出您要查询的城市。", "start")
    if kind is CallbackKind.TIMEBREAK:
        return {"action": "donothing", "action_code": "", "dynamic_id": "start"}
    return tts("play", "抱歉，我只能查询天气，请说出城市名称。", "start")


def billing_dialogue(kind: CallbackKind, content: Mapping[str, Any]) -> dict[str, Any]:
    """A telecom line: a greeting, then (whatever the caller says) a spoken key menu, a
    phone-number question and a confirmation."""
    state = str(content.get("dynamic_id") or "start")
    if kind is CallbackKind.CALLIN:
        return tts("answer", "您好，欢迎致电话费服务热线。", "start")
    if kind is CallbackKind.TIMEBREAK:
        return {"action": "donothing", "action_code": "", "dynamic_id": state}
    if state == "start":
        menu = "办理宽带请按1，查询话费请按2，转人工请按0。"
        return tts(
            "dtmf", menu, "menu", dtmf_max_numbers=1, dtmf_end_character="", dtmf_nonin_overtime=5
        )
    if kind is CallbackKind.DTMF and state == "menu":
        digits = str(content.get("dtmf_digits", ""))
        if digits == "2":
            return tts("play", "请说出您的手机号码。", "phone")
        if digits == "0":
            return tts("transfer", "正在为您转接人工，请稍候。", "agent", number="10000")
        return tts("hangup", "该业务暂不支持，再见。", "bye", action_code_break=False)
    words = str(content.get("words", ""))
    if state == "phone":
        digits = "".join(c for c in words if c.isdigit())
        return tts("play", f"您输入的号码是{digits}，对吗？", "confirm")
    if state == "confirm" and ("是" in words or "对" in words):
        return tts("play", "您本月话费为八十六元。还有其他问题吗？", "told")
    if state == "told":
        return tts("hangup", "感谢您的来电，再见。", "bye", action_code_break=False)
    return tts("play", "抱歉，我没有听清，请您再说一遍。", state)


WEATHER = bot_from(weather_dialogue)
BILLING = bot_from(billing_dialogue)
FEES_FIXTURE = """\
name: 查本月话费
call: {caller: '13912345678'}
persona:
  goal: 查询本月话费，然后挂机
  facts: {phone: '13912345678'}
  budget: 8
  success: {heard: 本月话费为}
"""
"""A fixture with a persona: block whose goal the billing line serves and the weather line never."""


def target(app: App = example_app, label: str = "bot") -> Target:
    return app_target(label, app)


def run(
    personas: Sequence[Persona],
    app: App = example_app,
    *,
    brain: Callable[[int], Brain] = RuleBrain,
    config: PersonaConfig | None = None,
) -> PersonaRun:
    config = config or PersonaConfig(SimulationConfig(seed=1))
    return asyncio.run(run_personas(personas, target(app), config, brain))


# --- a fake OpenAI-compatible server on 127.0.0.1 -------------------------------------------------


@dataclass
class FakeLlm:
    """Answers each chat completion with the next scripted content (the last one repeats)."""

    contents: list[str]
    delay_s: float = 0.0
    status: int = 200
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    url: str = ""

    def reply(self) -> dict[str, Any]:
        index = min(len(self.requests) - 1, len(self.contents) - 1)
        return {
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self.requests[-1].get("model", ""),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": self.contents[index]},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 100, "completion_tokens": 10, "total_tokens": 110},
        }


@contextmanager
def fake_llm(contents: list[str], *, delay_s: float = 0.0, status: int = 200) -> Iterator[FakeLlm]:
    fake = FakeLlm(contents, delay_s, status)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # the OpenAI API: POST {base}/chat/completions
            length = int(self.headers.get("content-length", "0"))
            fake.requests.append(json.loads(self.rfile.read(length) or b"{}"))
            fake.headers.append({k.lower(): v for k, v in self.headers.items()})
            fake.paths.append(self.path)
            if fake.delay_s:
                time.sleep(fake.delay_s)
            body = json.dumps(fake.reply() if fake.status == 200 else {"error": {"message": "no"}})
            try:
                self.send_response(fake.status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body.encode())))
                self.end_headers()
                self.wfile.write(body.encode())
            except OSError:  # the client gave up (timeout)
                pass

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


def action(**fields: Any) -> str:
    return json.dumps(fields, ensure_ascii=False)
