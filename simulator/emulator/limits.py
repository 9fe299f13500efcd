"""Replay protection and rate limiting of the emulated API, on an injected clock.

* :class:`MemoryNonceStore` remembers every ``SignatureNonce`` for the platform's window
  (``spec.SMARTCALL_REQUEST_TIME_TOLERANCE_S``), or longer when asked (``keep_s``: as long as
  the request's timestamp stays acceptable): a nonce used again within it is refused.
* :class:`QpsWindow` admits at most ``qps`` requests per AccessKey in any one-second window.
"""

from __future__ import annotations

import heapq
from collections import deque
from typing import Protocol

from vcall.simulator import spec
from vcall.simulator.errors import UsageError

QPS_WINDOW_S = 1.0


class NonceStore(Protocol):
    def use(self, access_key_id: str, nonce: str, now: float, keep_s: float = 0.0) -> bool:
        """Remember ``nonce`` for the window, or ``keep_s`` when longer; ``False`` when it was
        already used and is still remembered."""
        ...


class MemoryNonceStore:
    """Nonces in memory, forgotten once their window (in seconds of ``now``) has passed."""

    def __init__(self, window_s: float = spec.SMARTCALL_REQUEST_TIME_TOLERANCE_S) -> None:
        self.window_s = window_s
        self._expiry: dict[tuple[str, str], float] = {}
        self._order: list[tuple[float, tuple[str, str]]] = []
        """A heap by expiry: nonces kept longer than the window expire out of arrival order."""

    def use(self, access_key_id: str, nonce: str, now: float, keep_s: float = 0.0) -> bool:
        self._forget_before(now)
        key = (access_key_id, nonce)
        if key in self._expiry:
            return False
        expiry = now + max(self.window_s, keep_s)
        self._expiry[key] = expiry
        heapq.heappush(self._order, (expiry, key))
        return True

    def __len__(self) -> int:
        return len(self._expiry)

    def _forget_before(self, now: float) -> None:
        while self._order and self._order[0][0] <= now:
            _expiry, key = heapq.heappop(self._order)
            self._expiry.pop(key, None)


class QpsWindow:
    """A sliding one-second window per AccessKey id."""

    def __init__(self, qps: int) -> None:
        if qps < 1:
            raise UsageError(f"qps must be at least 1, got {qps}")
        self.qps = qps
        self._recent: dict[str, deque[float]] = {}

    def admit(self, access_key_id: str, now: float) -> bool:
        """Count a request at ``now``; ``False`` (not counted) when the window is full."""
        recent = self._recent.setdefault(access_key_id, deque())
        while recent and recent[0] <= now - QPS_WINDOW_S:
            recent.popleft()
        if len(recent) >= self.qps:
            return False
        recent.append(now)
        return True
