"""The retry policy on its own: pause sizes, caps, and bounds."""

from __future__ import annotations

import pytest

from vcall.simulator.errors import UsageError
from vcall.simulator.smartcall.retry import RetryPolicy, call_with_retry


def test_delays_double_up_to_the_cap() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=3.0, jitter=0.0)
    assert [policy.delay(n, 0.9) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_jitter_takes_at_most_its_share_off() -> None:
    policy = RetryPolicy(base_delay=2.0, jitter=0.25)
    assert policy.delay(1, 0.0) == 2.0
    assert policy.delay(1, 1.0) == 1.5


def test_call_with_retry_stops_at_the_first_good_result() -> None:
    answers = iter(["busy", "busy", "done", "never"])
    sleeps: list[float] = []
    result, attempts = call_with_retry(
        lambda: next(answers),
        lambda value: value == "busy",
        policy=RetryPolicy(base_delay=1.0, jitter=0.0),
        sleep=sleeps.append,
        rand=lambda: 0.0,
    )
    assert (result, attempts, sleeps) == ("done", 3, [1.0, 2.0])


def test_single_attempt_policy_never_sleeps() -> None:
    sleeps: list[float] = []
    result, attempts = call_with_retry(
        lambda: "busy",
        lambda _v: True,
        policy=RetryPolicy(max_attempts=1),
        sleep=sleeps.append,
        rand=lambda: 0.0,
    )
    assert (result, attempts, sleeps) == ("busy", 1, [])


@pytest.mark.parametrize(
    "options",
    [{"max_attempts": 0}, {"base_delay": -1.0}, {"jitter": 1.5}],
)
def test_invalid_policies_are_usage_errors(options: dict[str, float]) -> None:
    with pytest.raises(UsageError):
        RetryPolicy(**options)  # type: ignore[arg-type]
