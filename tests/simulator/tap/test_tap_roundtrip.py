"""Whatever tap records, the loader accepts and the replay reproduces: callbacks as real traffic
has them (empty recognitions, ``transfer_status`` in any case, odd words) are recorded by tap,
the fixture written is loaded, and replaying it against the same bot passes."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vcall.simulator.asgi import Receive, Scope, Send, read_body
from vcall.simulator.fixture.loader import load_scenario
from vcall.simulator.fixture.scenario import Say
from vcall.simulator.replay.engine import SimulationConfig, simulate
from vcall.simulator.replay.targets import app_target
from vcall.simulator.tap import TapConfig, TapProblem
from vcall.simulator.tap.app import TapApp
from vcall.simulator.tap.forward import BotAnswer

FORM = "application/x-www-form-urlencoded"


TRANSFER_WORDS = "转人工"


def bot_data(call_id: str, kind: str, words: str = "") -> dict[str, Any]:
    """The test bot: the same answer to the same callback; a transfer when asked for one."""
    if kind == "callin":
        return {"call_id": call_id, "action": "answer"}
    if kind == "normal" and words == TRANSFER_WORDS:
        return {"call_id": call_id, "action": "parallel_transfer", "number": "057126880001"}
    return {"call_id": call_id, "action": "continue"}


async def bot(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    raw = (await read_body(receive)).decode() or scope.get("query_string", b"").decode()
    fields = {key: values[0] for key, values in parse_qs(raw).items()}
    kind, content = fields.get("content_type", ""), json.loads(fields.get("content", "{}"))
    data = bot_data(fields["call_id"], kind, str(content.get("words", "")))
    payload = {"result": "success", "msg": "", "data": data}
    body = json.dumps(payload).encode()
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def form(call_id: str, kind: str, content: dict[str, Any], at_ms: int) -> bytes:
    fields = {
        "call_id": call_id,
        "timestamp": str(1_700_000_000_000 + at_ms),
        "content_type": kind,
        "content": json.dumps(content, ensure_ascii=False),
    }
    return urlencode(fields).encode()


words = st.one_of(
    st.just(""),
    st.just(" "),
    st.sampled_from(["我想查一下快递", "嗯", "喂？", "138 1234 5678", "幺三八", "型号 A|B", "|"]),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12),  # type: ignore[arg-type]
)
transfer_status = st.sampled_from(["success", "fail", "FAIL", "Success", "SUCCESS", "Fail"])
callback = st.one_of(  # type: ignore[var-annotated]
    st.builds(lambda w: ("normal", {"words": w}), words),
    st.just(("mute", {})),
)


def record(directory: Path, steps: list[tuple[str, dict[str, Any]]], status: str) -> Path:
    events: list[Any] = []
    config = TapConfig(forward_to="http://127.0.0.1:9/cb", save_dir=directory)
    app = TapApp(config, sink=events.append, number_key=b"k")
    call_id = "rt^1"
    sequence = [("callin", {"caller": "13912345678", "callee": "057126880000"}), *steps]
    sequence.append(("normal", {"words": TRANSFER_WORDS}))
    sequence.append(("parallel_transfer", {"transfer_status": status, "fail_cause": "坐席忙"}))
    for index, (kind, content) in enumerate(sequence):
        data = bot_data(call_id, kind, str(content.get("words", "")))
        answer = json.dumps({"result": "success", "msg": "", "data": data})
        app.observer.observe(
            "POST",
            b"",
            form(call_id, kind, content, index * 2000),
            FORM,
            BotAnswer(200, (), answer.encode(), 1.0),
        )
    asyncio.run(app.stop())
    assert not [e for e in events if isinstance(e, TapProblem)], events
    [path] = directory.glob("*.yaml")
    return path


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(callback, max_size=4), status=transfer_status)
def test_what_tap_records_loads_and_replays_green_against_the_same_bot(
    steps: list[tuple[str, dict[str, Any]]],
    status: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    path = record(tmp_path_factory.mktemp("rt"), steps, status)
    scenario = load_scenario(path)
    result = simulate([scenario], app_target("bot", bot), SimulationConfig())
    problems = [f"{f.rule}: {f.message}" for call in result.calls for f in call.findings]
    assert result.passed == 1, (path.read_text(encoding="utf-8"), problems)


def test_a_bar_the_asr_wrote_is_recorded_as_words_not_as_a_pause(tmp_path: Path) -> None:
    path = record(tmp_path, [("normal", {"words": "型号 A|B"}), ("normal", {"words": "|"})], "FAIL")
    said = [s.action for s in load_scenario(path).steps if isinstance(s.action, Say)]
    assert [a.words for a in said][:2] == ["型号 A|B", "|"]


def test_an_empty_recognition_is_written_and_loaded_as_an_empty_say(tmp_path: Path) -> None:
    path = record(tmp_path, [("normal", {"words": ""})], "FAIL")
    text = path.read_text(encoding="utf-8")
    assert "say: ''" in text
    assert "status: fail" in text
    scenario = load_scenario(path)
    assert scenario.call.parallel_transfer.status == "fail"
