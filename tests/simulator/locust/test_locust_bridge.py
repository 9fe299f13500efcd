"""The gevent <-> asyncio bridge: calls run on vcall's loop thread while the hub keeps running.

Only gevent is imported here (not Locust, which would monkey-patch the whole test process).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest

gevent = pytest.importorskip("gevent")

from vcall.simulator.locust.bridge import Inbox, LoopThread  # noqa: E402


@pytest.fixture
def thread() -> Iterator[LoopThread]:
    loop_thread = LoopThread(Inbox())
    yield loop_thread
    loop_thread.stop()


def test_a_call_waits_without_blocking_the_other_greenlets(thread: LoopThread) -> None:
    ticks: list[int] = []

    def ticker() -> None:
        for tick in range(1000):
            ticks.append(tick)
            gevent.sleep(0.002)

    async def slow_answer() -> int:
        await asyncio.sleep(0.2)
        return threading.get_ident()

    other = gevent.spawn(ticker)
    answered_on = thread.call(slow_answer)
    other.kill()
    assert answered_on != threading.get_ident()  # the loop's own thread
    assert len(ticks) >= 20  # the hub ran the ticker the whole 0.2 s


def test_an_exception_in_the_call_reaches_the_greenlet(thread: LoopThread) -> None:
    async def broken() -> None:
        raise LookupError("no such call")

    with pytest.raises(LookupError, match="no such call"):
        thread.call(broken)


def test_killing_the_waiting_greenlet_cancels_the_call(thread: LoopThread) -> None:
    seen: list[str] = []

    async def endless() -> None:
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            seen.append("cancelled")
            raise

    waiter = gevent.spawn(thread.call, endless)
    gevent.sleep(0.05)
    waiter.kill()
    deadline = 200
    while not seen and deadline:
        gevent.sleep(0.01)
        deadline -= 1
    assert seen == ["cancelled"]


def test_settle_cancels_every_call_and_runs_what_they_handed_over(thread: LoopThread) -> None:
    reported: list[int] = []

    async def reporting_call(number: int) -> None:
        thread.inbox.put(reported.append, number)
        await asyncio.sleep(60)

    waiters = [gevent.spawn(thread.call, lambda n=n: reporting_call(n)) for n in range(5)]
    gevent.sleep(0.05)
    thread.settle()
    assert sorted(reported) == [0, 1, 2, 3, 4]
    gevent.joinall(waiters, timeout=2)
    assert all(waiter.value is None for waiter in waiters)  # cancelled calls end with None


def test_the_inbox_runs_items_from_another_thread_in_order() -> None:
    inbox = Inbox()
    received: list[int] = []
    done = gevent.event.Event()

    def produce() -> None:
        for number in range(500):
            inbox.put(received.append, number)
        inbox.put(done.set)

    producer = threading.Thread(target=produce)
    producer.start()
    assert done.wait(timeout=5)
    producer.join()
    assert received == list(range(500))
