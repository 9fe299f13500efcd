"""Bounded retries with exponential backoff and jitter, on an injected sleep and random source."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from vcall.simulator.errors import UsageError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently to retry.

    The pause before retry ``n`` (1-based) is ``min(max_delay, base_delay * 2**(n-1))``, reduced
    by up to ``jitter`` of itself at random. No retry happens when its pause would take the total
    time slept past ``max_total_delay``.
    """

    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_total_delay: float = 20.0
    jitter: float = 0.5

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise UsageError(f"retry attempts must be at least 1, got {self.max_attempts}")
        if self.base_delay < 0 or self.max_delay < 0 or self.max_total_delay < 0:
            raise UsageError("retry delays must not be negative")
        if not 0 <= self.jitter <= 1:
            raise UsageError(f"retry jitter must be between 0 and 1, got {self.jitter}")

    def delay(self, retry_number: int, rand: float) -> float:
        """Seconds to wait before retry ``retry_number``; ``rand`` is uniform in [0, 1)."""
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** (retry_number - 1))
        return ceiling * (1 - self.jitter * rand)


NO_RETRY = RetryPolicy(max_attempts=1)


def call_with_retry(
    attempt: Callable[[], T],
    is_retryable: Callable[[T], bool],
    *,
    policy: RetryPolicy,
    sleep: Callable[[float], None],
    rand: Callable[[], float],
) -> tuple[T, int]:
    """Call ``attempt`` until its result is not retryable or the policy is spent. Returns the
    last result and the number of attempts made. Exceptions from ``attempt`` propagate."""
    slept = 0.0
    for number in range(1, policy.max_attempts + 1):
        result = attempt()
        if number == policy.max_attempts or not is_retryable(result):
            return result, number
        pause = policy.delay(number, rand())
        if slept + pause > policy.max_total_delay:
            return result, number
        sleep(pause)
        slept += pause
    raise AssertionError("unreachable: the loop returns on its last attempt")
