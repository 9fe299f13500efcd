"""What a Locust worker sends the master is checked before it is merged: a rogue worker's
negative counts must not turn a failing run into a passing one (issue 28)."""

from __future__ import annotations

import copy
import importlib.util
import subprocess
import sys
import textwrap
from typing import Any

import pytest

from vcall.simulator.load.stats import LoadStats
from vcall.simulator.locust.wire import read_worker_stats


def honest_share() -> dict[str, Any]:
    """A worker's share: 3 callbacks (one errored), 2 calls done, 1 of them failed."""
    stats = LoadStats()
    for latency_ms in (12.0, 30.0, 250.0):
        stats.latency.record_ms(latency_ms)
    stats.callbacks, stats.errored_callbacks = 3, 1
    stats.calls_started, stats.calls_done, stats.calls_failed = 2, 2, 1
    stats.errors["body-not-json"] = 1
    return stats.to_wire()


def test_an_honest_share_is_read_back() -> None:
    stats = read_worker_stats(honest_share())
    assert (stats.callbacks, stats.calls_failed, stats.latency.count) == (3, 1, 3)


def changed(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    data = honest_share()
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (changed(("counts", "calls_failed"), -5), "calls_failed is negative"),
        (changed(("counts", "callbacks"), -1), "callbacks is negative"),
        (changed(("counts", "calls_failed"), 9), "more failed calls than calls done"),
        (changed(("counts", "errored_callbacks"), 7), "more errored callbacks"),
        (changed(("errors", "body-not-json"), -3), "negative count"),
        (changed(("latency", "count"), 2), "its buckets hold 3"),
        (changed(("latency", "buckets"), [[0, -3]]), "negative"),
        (changed(("counts",), {}), "malformed"),
        (changed(("counts", "callbacks"), "many"), "malformed"),
        (changed(("latency", "buckets"), [[10**9, 1]]), "malformed"),
        (changed(("slowest",), [[float("nan"), "s", 1, "normal", "play"]]), "non-finite"),
        ([1, 2, 3], "expected an object"),
        (None, "expected an object"),
    ],
)
def test_a_share_no_worker_can_send_is_refused(data: Any, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        read_worker_stats(copy.deepcopy(data))


ROGUE_RUN = """
import sys
from types import SimpleNamespace
from vcall.simulator.locust import plugin
from vcall.simulator.load.thresholds import Thresholds
sys.path.insert(0, {tests!r})
from test_locust_wire import honest_share, changed

summary = plugin.Summary(thresholds=Thresholds(max_error_rate=0.5), reporter=lambda *a: None)
plugin.SUMMARY = summary
plugin._on_worker_stats(None, SimpleNamespace(node_id="w1", data=honest_share()))
rogue = changed(("counts", "calls_failed"), -1)
plugin._on_worker_stats(None, SimpleNamespace(node_id="w2", data=rogue))
plugin._on_worker_stats(None, SimpleNamespace(node_id="w3", data="garbage"))
summary.finish()
print(summary.exit_code, summary.stats.calls_failed, len(summary.rejected))
"""


def test_the_master_rejects_a_rogue_worker_and_the_run_fails() -> None:
    if importlib.util.find_spec("locust") is None:  # never imported here: it monkey-patches
        pytest.skip("needs Locust (vcall[locust])")  # the whole test process with gevent
    tests = str(__import__("pathlib").Path(__file__).parent)
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(ROGUE_RUN.format(tests=tests))],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1", "1", "2"]
    assert "statistics from worker w2 rejected: calls_failed is negative" in done.stderr
