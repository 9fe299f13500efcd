"""``--update-expectations`` never writes the run's date into a fixture unless asked: calls start
at the wall-clock time (seed 001: timestamp is 当前时间戳), so an answer that echoes it would differ
on the next run. With ``--epoch`` the time is pinned and the value is written."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

from vcall.simulator.asgi import Receive, Scope, Send, read_body
from vcall.simulator.clock import VIRTUAL_EPOCH_MS
from vcall.simulator.example_bot.asgi import read_params
from vcall.simulator.fixture.loader import load_scenarios
from vcall.simulator.golden.update import holds_run_time, plan_expectation_updates
from vcall.simulator.replay.engine import SimulationConfig, run_scenarios
from vcall.simulator.replay.results import RunResult
from vcall.simulator.replay.targets import app_target

FIXTURE = """\
name: 回声时间
steps:
  - wait: playback
  - say: 你好
    expect: {dynamic_id: old}
"""


async def stamping_bot(scope: Scope, receive: Receive, send: Send) -> None:
    """Plays a file and puts the callback's timestamp in ``dynamic_id``."""
    if scope["type"] != "http":
        return
    params = read_params(scope.get("query_string", b""), await read_body(receive), "")
    action = "answer" if params["content_type"] == "callin" else "play"
    data = {"call_id": params["call_id"], "action": action, "action_code": "a.wav"}
    data["dynamic_id"] = f"t{params['timestamp']}"
    body = json.dumps({"result": "success", "msg": "ok", "data": data}).encode()
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _run(path: Path, epoch_ms: int | None) -> RunResult:
    scenarios = load_scenarios([str(path)], environ={})
    config = SimulationConfig(seed=1, epoch_ms=epoch_ms)
    return asyncio.run(run_scenarios(scenarios, app_target("bot", stamping_bot), config))


def test_an_answer_holding_the_runs_time_is_left_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "echo.yaml"
    path.write_text(FIXTURE, "utf-8")
    plan = plan_expectation_updates(_run(path, None))
    assert plan.updates == ()
    assert any("holds the run's time" in line and "--epoch" in line for line in plan.skipped)


def test_with_an_epoch_the_value_is_written(tmp_path: Path) -> None:
    path = tmp_path / "echo.yaml"
    path.write_text(FIXTURE, "utf-8")
    plan = plan_expectation_updates(_run(path, VIRTUAL_EPOCH_MS))
    (update,) = plan.updates
    assert (
        f"dynamic_id: t{VIRTUAL_EPOCH_MS + 3000}" in update.new_text
        or "dynamic_id: t17637" in update.new_text
    )


def test_what_counts_as_the_runs_time() -> None:
    now = time.time()
    assert holds_run_time(str(int(now * 1000)), now) and holds_run_time(f"t{int(now)}", now)
    assert holds_run_time(time.strftime("%Y-%m-%d", time.localtime(now)), now)
    assert not holds_run_time("13800138000", now) and not holds_run_time("2025-11-21", now)
    assert not holds_run_time("1763700000000", now)
