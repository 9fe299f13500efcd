"""Call ids: unique within a run, seeded or not, reproducible with a seed (seed 001: ``call_id``
is "这通呼叫的唯一ID", the call's unique id, shaped ``100001616500^100001871490``)."""

from __future__ import annotations

import re

from engine_support import replay, shipped

from vcall.simulator.replay.call_ids import CallIds

SHAPE = re.compile(r"[1-9]\d{11}\^[1-9]\d{11}")


def test_ids_have_the_platforms_shape_and_never_repeat_in_one_source() -> None:
    for seed in (None, 0, 3):
        ids = CallIds(seed)
        drawn = [ids() for _ in range(20_000)]
        assert len(set(drawn)) == len(drawn)
        assert all(SHAPE.fullmatch(call_id) for call_id in drawn)
        assert ids.issued == 20_000


def test_a_seed_gives_the_same_ids_in_the_same_order_and_another_seed_others() -> None:
    first, again, other = CallIds(3), CallIds(3), CallIds(4)
    drawn = [first() for _ in range(50)]
    assert drawn == [again() for _ in range(50)]
    assert not set(drawn) & {other() for _ in range(50)}


def test_a_shared_source_keeps_ids_unique_across_runs_of_one_seed() -> None:
    """What ``vcall check --seed 3`` does: its crawl and both placement runs draw from one
    source, so no call of the run reuses an id (before, each built ``Random(seed)`` afresh)."""
    ids = CallIds(3)
    scenario = shipped("inbound_order_inquiry.yaml")
    runs = [replay([scenario, scenario], seed=3, ids=ids) for _ in range(3)]
    sent = [call.call_id for run in runs for call in run.calls]
    assert len(sent) == 6 and len(set(sent)) == 6
    alone = [call.call_id for call in replay([scenario, scenario], seed=3).calls]
    assert alone == sent[:2]  # the same seed still reproduces the same ids
