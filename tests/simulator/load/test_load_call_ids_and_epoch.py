"""``vcall load``: every call of a run has its own ``call_id`` (seed 001: 这通呼叫的唯一ID), the
same ``--seed`` the same ids; calls start at the current time (seed 001: timestamp is 当前时间戳)
unless ``--epoch`` fixes it."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

from vcall.simulator.fixture.loader import load_scenario
from vcall.simulator.load import LoadConfig, run_load
from vcall.simulator.replay.targets import Target
from vcall.simulator.transport.sender import Exchange, Placement

ORDER = Path(str(resources.files("vcall.fixtures"))) / "inbound_order_inquiry.yaml"
NOWHERE = Target("a test sender", "http://bot.test/callback")
EPOCH_MS = 1_763_700_000_000


class Callins:
    """Answers every callback with a hang-up; keeps each ``callin``'s id and timestamp."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, int]] = []

    async def __call__(
        self, url: str, params: Mapping[str, str], *, placement: Placement, timeout_s: float
    ) -> Exchange:
        if params["content_type"] == "callin":
            self.seen.append((params["call_id"], int(params["timestamp"])))
        data = {"call_id": params["call_id"], "action": "hangup", "action_code": "bye.wav"}
        body = json.dumps({"result": "success", "msg": "ok", "data": data}).encode()
        headers = {"content-type": "application/json"}
        return Exchange("POST", url, dict(params), placement.value, 200, headers, body)


def _run(**config: object) -> list[tuple[str, int]]:
    sender = Callins()
    settings = LoadConfig(calls=40, concurrency=8, realtime=False, **config)  # type: ignore[arg-type]
    asyncio.run(run_load([load_scenario(ORDER)], NOWHERE, settings, sender=sender))
    assert len(sender.seen) == 40
    return sender.seen


def test_every_call_of_a_seeded_run_has_its_own_id_and_the_seed_repeats_them() -> None:
    first = _run(seed=3, epoch_ms=EPOCH_MS)
    ids = [call_id for call_id, _ in first]
    assert len(set(ids)) == 40
    assert sorted(ids) == sorted(call_id for call_id, _ in _run(seed=3, epoch_ms=EPOCH_MS))
    assert {stamp for _, stamp in first} == {EPOCH_MS}


def test_without_an_epoch_calls_start_now() -> None:
    before = int(time.time() * 1000)
    stamps = [stamp for _, stamp in _run(seed=3)]
    assert all(before <= stamp <= int(time.time() * 1000) for stamp in stamps)
