"""Nonce memory and the QPS window, on plain numbers (seconds)."""

from __future__ import annotations

import pytest

from vcall.simulator import spec
from vcall.simulator.emulator import MemoryNonceStore, QpsWindow
from vcall.simulator.errors import UsageError


def test_a_nonce_is_refused_within_the_window_only() -> None:
    store = MemoryNonceStore()
    assert store.window_s == spec.SMARTCALL_REQUEST_TIME_TOLERANCE_S
    assert store.use("key", "n1", 0.0)
    assert not store.use("key", "n1", store.window_s - 0.001)
    assert store.use("key", "n1", store.window_s + 0.001)


def test_nonces_are_per_access_key_and_forgotten() -> None:
    store = MemoryNonceStore(window_s=10)
    assert store.use("a", "n", 0) and store.use("b", "n", 0)
    for index in range(100):
        store.use("a", f"x{index}", 1)
    store.use("a", "late", 20)
    assert len(store) == 1


def test_qps_window_slides_per_key() -> None:
    window = QpsWindow(3)
    assert [window.admit("a", t) for t in (0.0, 0.1, 0.2, 0.3)] == [True, True, True, False]
    assert window.admit("b", 0.3)
    assert not window.admit("a", 0.999)
    assert window.admit("a", 1.0)  # the request at 0.0 has left the window
    assert not window.admit("a", 1.05)


def test_qps_must_be_positive() -> None:
    with pytest.raises(UsageError, match="qps must be at least 1"):
        QpsWindow(0)


def test_a_nonce_kept_longer_outlives_the_window_and_later_ones_still_expire() -> None:
    store = MemoryNonceStore(window_s=10)
    assert store.use("k", "ahead", 0.0, keep_s=25)  # a request dated ahead: kept 25 s
    assert store.use("k", "plain", 1.0)
    assert not store.use("k", "ahead", 20.0)  # past the window, still remembered
    assert store.use("k", "plain", 20.0)  # forgotten after its 10 s, out of arrival order
    assert store.use("k", "ahead", 25.0)
