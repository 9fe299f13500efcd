"""``--update-expectations`` writes what the bot said literally and keeps the file's form: a
``${...}`` in bot text is escaped, YAML 1.1 words are quoted, anchors, merge keys, CRLF, a BOM and
indentation survive (issue 28)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from vcall.simulator.example_bot import respond
from vcall.simulator.fixture.loader import load_scenarios
from vcall.simulator.golden.update import plan_expectation_updates, write_updates
from vcall.simulator.replay.engine import SimulationConfig, run_scenarios
from vcall.simulator.replay.results import RunResult
from vcall.simulator.replay.targets import app_target

FIXTURE = """\
name: 快递查询
call: {caller: "13800138000", callee: "057126880000"}
steps:
  - wait: playback
  - say: 你好，我想查一下我的快递到哪了
    expect: {action: play, msg: 成功}
"""


def bot_saying(msg: str) -> Any:
    """The example bot, with ``msg`` in every answer."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = dict(scope["headers"])
        status, envelope = respond(
            scope["query_string"], body, headers.get(b"content-type", b"").decode()
        )
        envelope["msg"] = msg
        payload = json.dumps(envelope, ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": payload})

    return app


def run(path: Path, msg: str, environ: dict[str, str] | None = None) -> RunResult:
    scenarios = load_scenarios([str(path)], environ=environ or {})
    target = app_target("bot", bot_saying(msg))
    return asyncio.run(run_scenarios(scenarios, target, SimulationConfig(seed=7)))


def update(path: Path, msg: str) -> str:
    write_updates(plan_expectation_updates(run(path, msg)))
    return path.read_bytes().decode("utf-8")


@pytest.fixture
def fixture(tmp_path: Path) -> Path:
    path = tmp_path / "call.yaml"
    path.write_text(FIXTURE, encoding="utf-8")
    return path


def test_bot_text_with_a_placeholder_is_written_literally_never_expanded(fixture: Path) -> None:
    said = "您的令牌是 ${env:GITHUB_TOKEN} 和 ${name}"
    update(fixture, said)
    environ = {"GITHUB_TOKEN": "ghp_secret_token_value", "name": "x"}
    (scenario,) = load_scenarios([str(fixture)], environ=environ)
    written = json.dumps([step.__repr__() for step in scenario.steps], ensure_ascii=False)
    assert "ghp_secret_token_value" not in written and "${env:GITHUB_TOKEN}" in written
    again = run(fixture, said, environ)
    assert again.failed == 0  # the literal text is what the bot says: the fixture passes
    assert plan_expectation_updates(again).updates == ()


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "Yes", "NO", "null", "~", "12", "1:30"])
def test_words_yaml_reads_as_other_types_are_quoted(fixture: Path, word: str) -> None:
    text = update(fixture, word)
    (scenario,) = load_scenarios([str(fixture)], environ={})
    assert f"'msg': {word!r}" in repr(scenario.steps) or word in repr(scenario.steps)
    assert run(fixture, word).failed == 0, text
    assert f"msg: {word}}}" not in text and f"msg: {word}\n" not in text


def test_an_alias_is_not_written_through_to_its_anchor(tmp_path: Path) -> None:
    path = tmp_path / "call.yaml"
    path.write_text(
        FIXTURE.replace(
            "    expect: {action: play, msg: 成功}", "    expect: &reply {action: play, msg: 成功}"
        )
        + "  - say: 好的，没有了，谢谢\n    expect: *reply\n",
        encoding="utf-8",
    )
    plan = plan_expectation_updates(run(path, "好的"))
    write_updates(plan)
    text = path.read_text(encoding="utf-8")
    assert "&reply" in text and "*reply" in text and "msg: 成功" in text
    assert any("anchor" in reason or "alias" in reason for reason in plan.skipped)


def test_a_merge_key_does_not_crash_the_update(tmp_path: Path) -> None:
    path = tmp_path / "call.yaml"
    path.write_text(
        FIXTURE.replace("    expect: {action: play, msg: 成功}", "    expect: &base {action: play}")
        + "  - say: 好的，没有了，谢谢\n    expect: {<<: *base, msg: 成功}\n",
        encoding="utf-8",
    )
    plan = plan_expectation_updates(run(path, "好的"))
    write_updates(plan)
    text = path.read_text(encoding="utf-8")
    assert "<<: *base" in text and "&base {action: play}" in text
    assert any("<<" in reason for reason in plan.skipped)


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_crlf_a_bom_and_four_space_indentation_are_kept(tmp_path: Path, bom: bytes) -> None:
    four = FIXTURE.replace("  - ", "    - ").replace("    expect:", "      expect:")
    path = tmp_path / "call.yaml"
    path.write_bytes(bom + four.replace("\n", "\r\n").encode())
    write_updates(plan_expectation_updates(run(path, "好的")))
    data = path.read_bytes()
    assert data.startswith(bom + b"name:")
    assert data.count(b"\r\n") == four.count("\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert b"msg: \xe5\xa5\xbd\xe7\x9a\x84" in data  # 好的
    assert data.replace(b"\r\n", b"\n").decode().removeprefix("\ufeff") == four.replace(
        "成功", "好的"
    )
