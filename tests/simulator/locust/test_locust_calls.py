"""The calls of one Locust process, without Locust: what becomes a request event, what is counted.

A fake environment records the request events; the users' class attributes are read as Locust's
would be. Only gevent is imported (Locust itself would monkey-patch the test process).
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("gevent")

from vcall.simulator.errors import UsageError
from vcall.simulator.locust.calls import (
    CALL_REQUEST_TYPE,
    FindingFailure,
    ProcessCalls,
    UserSettings,
)

ORDER = str(Path(str(resources.files("vcall.fixtures"))) / "inbound_order_inquiry.yaml")


class FakeEnvironment:
    def __init__(self) -> None:
        self.fired: list[dict[str, Any]] = []
        self.events = self
        self.request = self

    def fire(self, **event: Any) -> None:
        self.fired.append(event)


def _user(host: str, **settings: Any) -> type[Any]:
    return type("Calls", (), {"fixtures": [ORDER], "host": host, "realtime": False, **settings})


@pytest.fixture
def calls() -> Iterator[ProcessCalls]:
    process = ProcessCalls(FakeEnvironment())
    yield process
    process.close()


def test_each_callback_and_the_call_become_request_events(calls: ProcessCalls) -> None:
    user = _user("vcall.simulator.example_bot:app")
    result = calls.play(user)
    calls.settle()
    assert result is not None and not result.failed()
    fired = calls.environment.fired
    callbacks = [event for event in fired if event["request_type"] != CALL_REQUEST_TYPE]
    assert [event["request_type"] for event in callbacks] == ["callin", "normal", "normal"]
    assert {event["name"] for event in fired} == {result.scenario.name}
    assert all(event["exception"] is None and event["response_time"] > 0 for event in fired)
    assert fired[-1]["request_type"] == CALL_REQUEST_TYPE
    assert calls.stats.callbacks == len(callbacks) == 3
    assert calls.stats.calls_done == 1


def test_the_first_error_finding_is_the_failure(calls: ProcessCalls) -> None:
    calls.play(_user("locust_apps:wrong_action"))
    calls.settle()
    failures = [event["exception"] for event in calls.environment.fired]
    assert all(isinstance(failure, FindingFailure) for failure in failures)
    assert str(failures[0]).startswith("action-unknown at data.action: ")
    assert calls.stats.violations["action-unknown"] >= 1


def test_taking_the_statistics_leaves_fresh_ones(calls: ProcessCalls) -> None:
    user = _user("vcall.simulator.example_bot:app")
    calls.play(user)
    calls.play(user)
    taken = calls.take_stats()
    assert taken.calls_done == 2 and taken.callbacks == 6
    calls.play(user)
    calls.settle()
    assert calls.take_stats().calls_done == 1


def test_settings_are_checked_with_one_line_errors() -> None:
    with pytest.raises(UsageError, match="Calls: set host"):
        UserSettings(_user(""))
    assert UserSettings(_user(""), "http://127.0.0.1:1/callback").target.url.endswith("/callback")
    with pytest.raises(UsageError, match="set fixtures"):
        UserSettings(_user("http://127.0.0.1:1/", fixtures=[]))
    with pytest.raises(UsageError, match="timeout"):
        UserSettings(_user("http://127.0.0.1:1/", timeout="soon"))


def test_a_call_failing_before_a_take_is_counted_failed_after_it(calls: ProcessCalls) -> None:
    result = calls.play(_user("vcall.simulator.example_bot:app"))  # a passing call's result
    assert result is not None
    calls.stats.turn_failed(99)  # call 99 is under way and one of its turns failed
    calls.take_stats()  # the worker reports its share
    calls.stats.record_call(result, 99)  # call 99 ends in the next share
    assert calls.stats.calls_failed == 1


def test_spec_only_does_not_count_the_fixtures_expectations(calls: ProcessCalls) -> None:
    result = calls.play(_user("locust_apps:foreign"))
    assert result is not None and result.failed()
    assert calls.stats.expectation_count >= 1 and calls.stats.violation_count == 0
    calls.take_stats()
    result = calls.play(_user("locust_apps:foreign", spec_only=True))
    calls.settle()
    assert result is not None and not result.failed()
    stats = calls.take_stats()
    assert (stats.calls_failed, stats.expectation_count, stats.violation_count) == (0, 0, 0)


def test_a_call_that_raises_is_a_failed_call_and_a_failed_request(
    calls: ProcessCalls, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vcall.simulator.replay.engine import CallRunner

    async def broken(self: CallRunner) -> Any:
        raise RuntimeError("a bug in vcall")

    monkeypatch.setattr(CallRunner, "run", broken)
    result = calls.play(_user("vcall.simulator.example_bot:app"))
    calls.settle()
    assert result is not None and result.failed()
    assert (calls.stats.calls_done, calls.stats.calls_crashed) == (1, 1)
    assert calls.stats.crashes == ["the call stopped on an exception: RuntimeError: a bug in vcall"]
    [event] = calls.environment.fired
    assert event["request_type"] == CALL_REQUEST_TYPE
    assert "call-crashed" in str(event["exception"])
