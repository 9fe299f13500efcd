"""Load against a bot the fixtures were not written for: spec violations and the fixtures'
expectation misses are counted apart, ``--spec-only`` drops the expectations, and a call that
raises is a failed call with its message, never one that vanishes."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping

from vcall.simulator.fixture.loader import parse_scenario
from vcall.simulator.load import LoadConfig, LoadResult, Thresholds, check_thresholds, run_load
from vcall.simulator.load.html_report import load_html
from vcall.simulator.load.report import load_to_dict
from vcall.simulator.load.series import series_csv
from vcall.simulator.load.stats import LoadStats
from vcall.simulator.replay.delivery import Placement
from vcall.simulator.replay.results import Exchange
from vcall.simulator.replay.targets import Target

NOWHERE = Target("a test sender", "http://bot.test/callback")
FIXTURE = """\
name: order
steps:
  - say: 我想查一下订单
    expect: {action: play, action_code: order_status.wav}
  - say: 好的再见
"""
_JSON = {"content-type": "application/json"}


class ForeignBot:
    """A bot of its own: valid answers, but not the ones the fixture expects; ``bad_tts`` also
    breaks the spec (an empty action_code on play)."""

    def __init__(self, *, bad_spec: bool = False) -> None:
        self.bad_spec = bad_spec

    async def __call__(
        self, url: str, params: Mapping[str, str], *, placement: Placement, timeout_s: float
    ) -> Exchange:
        await asyncio.sleep(0)
        if params["content_type"] == "callin":
            data: dict[str, object] = {"action": "answer", "action_code": "hello.wav"}
        elif "再见" in params["content"]:
            data = {"action": "hangup", "action_code": "bye.wav"}
        else:
            data = {"action": "play", "action_code": "" if self.bad_spec else "mine.wav"}
        body = {"result": "success", "msg": "ok", "data": {**data, "call_id": params["call_id"]}}
        return Exchange("POST", url, dict(params), placement.value, 200, _JSON, _bytes(body))


class RaisingBot(ForeignBot):
    """Raises inside the call on its ``normal`` callbacks: a vcall bug or a broken sender."""

    async def __call__(
        self, url: str, params: Mapping[str, str], *, placement: Placement, timeout_s: float
    ) -> Exchange:
        if params["content_type"] == "normal":
            raise UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")
        return await super().__call__(url, params, placement=placement, timeout_s=timeout_s)


def _bytes(body: object) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode()


def run(sender: object, **config: object) -> LoadResult:
    scenario = parse_scenario(FIXTURE, "order.yaml")
    settings = LoadConfig(calls=4, concurrency=2, realtime=False, **config)  # type: ignore[arg-type]
    return asyncio.run(run_load([scenario], NOWHERE, settings, sender=sender))  # type: ignore[arg-type]


def test_an_expectation_miss_is_not_a_spec_violation() -> None:
    result = run(ForeignBot())
    stats = result.stats
    assert stats.expectations == {"expect-mismatch": 4}
    assert stats.violation_count == 0 and stats.expectation_count == 4
    assert stats.calls_failed == 4, "without --spec-only the fixture's expectations still fail"
    # --max-violations is about the spec: expectation misses do not breach it
    assert check_thresholds(stats, Thresholds(max_violations=0)) == []
    report = load_to_dict(result)
    assert report["spec_violations"] == 0 and report["expectation_misses"] == 4
    assert report["expectation_misses_by_rule"] == {"expect-mismatch": 4}
    assert report["violations_by_rule"] == {}


def test_spec_only_counts_no_expectation_and_passes_a_valid_foreign_bot() -> None:
    result = run(ForeignBot(), spec_only=True)
    stats = result.stats
    assert (stats.calls_done, stats.calls_failed, stats.expectation_count) == (4, 0, 0)
    assert check_thresholds(stats, Thresholds()) == []
    assert load_to_dict(result)["spec_only"] is True


def test_spec_only_still_counts_spec_violations_apart() -> None:
    stats = run(ForeignBot(bad_spec=True), spec_only=True).stats
    assert stats.violation_count >= 4 and stats.expectation_count == 0
    assert stats.calls_failed == 4
    breaches = check_thresholds(stats, Thresholds(max_violations=0))
    assert [b.name for b in breaches] == ["spec violations"]


def test_the_csv_and_html_reports_show_misses_apart_from_violations() -> None:
    result = run(ForeignBot())
    header, *rows = series_csv(result.series).splitlines()
    columns = header.split(",")
    sums = [
        sum(int(row.split(",")[columns.index(name)]) for row in rows)
        for name in ("violations", "expectation_misses")
    ]
    assert sums == [0, 4]
    page = load_html(result, [])
    assert "fixture expectation misses" in page and "fixture expectation</td>" in page


def test_a_call_that_raises_is_a_failed_call_with_its_message() -> None:
    result = run(RaisingBot())
    stats = result.stats
    assert (stats.calls_started, stats.calls_done) == (4, 4), "no call vanishes"
    assert (stats.calls_failed, stats.calls_crashed) == (4, 4)
    assert stats.errors["call-crashed"] == 4
    assert len(stats.crashes) == 1 and "UnicodeEncodeError" in stats.crashes[0]
    assert "surrogates not allowed" in stats.crashes[0]
    # never allowed, whatever the thresholds say
    breaches = check_thresholds(stats, Thresholds(max_error_rate=1.0, max_violations=100))
    assert [b.name for b in breaches] == ["calls stopped by an exception"]
    report = load_to_dict(result, breaches)
    assert report["calls"]["crashed"] == 4 and report["crashes"] == stats.crashes


def test_crashes_survive_the_wire_and_a_merge() -> None:
    stats = run(RaisingBot()).stats
    copy = LoadStats.from_wire(json.loads(json.dumps(stats.to_wire())))
    assert (copy.calls_crashed, copy.crashes) == (4, stats.crashes)
    copy.merge(stats)
    assert copy.calls_crashed == 8 and copy.crashes == stats.crashes, "messages kept once"
    assert copy.expectations == stats.expectations
