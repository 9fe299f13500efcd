"""A call that raises is a failed call in the run's result, with its message; the run goes on."""

from __future__ import annotations

import asyncio
import json

import httpx

from vcall.simulator.fixture.loader import parse_scenario
from vcall.simulator.replay.engine import CallFinished, Event, SimulationConfig, run_scenarios
from vcall.simulator.replay.targets import Target

URL = "http://bot.test/callback"
FIXTURE = """\
name: {name}
steps:
  - say: {words}
  - say: 好的再见
"""


def handler(request: httpx.Request) -> httpx.Response:
    """A bot whose transport breaks (not with an httpx error) when the caller says 坏了."""
    form = dict(httpx.QueryParams(request.content.decode()))
    content = json.loads(form["content"]) if form["content_type"] == "normal" else {}
    if "坏了" in str(content.get("words", "")):
        raise RuntimeError("the sender broke on this callback")
    action = "hangup" if "再见" in str(content.get("words", "")) else "answer"
    if form["content_type"] == "normal" and action != "hangup":
        action = "play"
    data = {"action": action, "action_code": "a.wav", "call_id": form["call_id"]}
    return httpx.Response(200, json={"result": "success", "msg": "ok", "data": data})


def test_a_call_that_raises_is_failed_with_its_message_and_the_run_goes_on() -> None:
    scenarios = [
        parse_scenario(FIXTURE.format(name="broken", words="我的电话坏了"), "broken.yaml"),
        parse_scenario(FIXTURE.format(name="fine", words="我想查订单"), "fine.yaml"),
    ]
    events: list[Event] = []

    async def main() -> object:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            return await run_scenarios(
                scenarios,
                Target("test bot", URL),
                SimulationConfig(seed=1),
                sink=events.append,
                client=client,
            )

    run = asyncio.run(main())
    broken, fine = run.calls  # type: ignore[attr-defined]
    assert (run.passed, run.failed) == (1, 1)  # type: ignore[attr-defined]
    assert broken.failed() and fine.passed
    [finding] = [f for f in broken.call_findings if f.rule == "call-crashed"]
    assert finding.is_error
    assert "RuntimeError: the sender broke on this callback" in finding.message
    assert len(broken.turns) == 1, "the callin before the crash is kept"
    finished = [e.result.scenario.name for e in events if isinstance(e, CallFinished)]
    assert sorted(finished) == ["broken", "fine"], "the crashed call is reported as finished"
