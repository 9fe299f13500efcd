"""vcall's asyncio engine on a native thread, driven from Locust's gevent greenlets.

Locust runs every user as a greenlet on one gevent hub; a blocking call stalls them all. vcall's
engine is asyncio. So each Locust process starts one native thread running an event loop (uvloop
where installed) and hands calls across:

- greenlet -> loop: ``loop.call_soon_threadsafe`` starts the call as a task;
- loop -> greenlet: everything the hub must see (each finished turn for Locust's statistics, each
  finished call) goes into an :class:`Inbox`, drained on the hub in batches (one wake-up of the hub
  for as many items as arrived meanwhile). The greenlet that started a call waits on a gevent
  ``AsyncResult`` that the drain sets: the hub and every other user run meanwhile.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
from collections.abc import Callable
from typing import Any

import gevent
import gevent.event
from gevent import monkey

from vcall.simulator.errors import VcallError

SETTLE_TIMEOUT_S = 30.0
"""How long stopping waits for the cancelled calls to unwind (they are cancelled, not awaited)."""


class Inbox:
    """Work the loop thread hands to the gevent hub, run there in order, in batches.

    A libev ``async`` watcher wakes the hub: ``send()`` is safe from any thread, sends made before
    the hub wakes up coalesce into one callback, and while the watcher is open the hub knows that
    something may still arrive (a greenlet waiting for a call is not "blocked forever").
    """

    def __init__(self) -> None:
        self._items: deque[tuple[Callable[..., object], tuple[object, ...]]] = deque()
        self._watcher: Any = gevent.get_hub().loop.async_()
        self._watcher.start(self.drain)

    def put(self, function: Callable[..., object], *args: object) -> None:
        """From any thread: run ``function(*args)`` on the hub soon, after what came before."""
        self._items.append((function, args))
        self._watcher.send()

    def drain(self) -> None:
        """On the hub: run everything handed over so far (also called directly when stopping)."""
        items = self._items
        while items:
            function, args = items.popleft()
            function(*args)

    def close(self) -> None:
        self.drain()
        self._watcher.close()


class LoopThread:
    """An asyncio event loop running forever on a native (not monkey-patched) thread."""

    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox
        self.loop = _new_event_loop()
        self._tasks: dict[int, asyncio.Task[Any]] = {}
        self._keys = itertools.count()
        ready = gevent.event.AsyncResult()
        start_thread = monkey.get_original("_thread", "start_new_thread")
        start_thread(self._run, (ready,))
        ready.get(timeout=10)

    def _run(self, ready: gevent.event.AsyncResult) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.call_soon(self.inbox.put, ready.set, None)
        try:
            self.loop.run_forever()
        finally:
            self.loop.close()

    def call(self, start: Callable[[], Any]) -> Any:
        """Run the coroutine ``start()`` on the loop; wait for it without blocking the hub.

        If the waiting greenlet is killed (Locust stopping a user), the task is cancelled.
        """
        result = gevent.event.AsyncResult()
        key = next(self._keys)
        self.loop.call_soon_threadsafe(self._start, key, start, result)
        try:
            return result.get()
        except BaseException:
            if not result.ready():
                self.loop.call_soon_threadsafe(self._cancel, key)
            raise

    def _start(self, key: int, start: Callable[[], Any], result: gevent.event.AsyncResult) -> None:
        task = self.loop.create_task(start())
        self._tasks[key] = task

        def done(finished: asyncio.Task[Any]) -> None:
            del self._tasks[key]
            self.inbox.put(_settle, result, finished)

        task.add_done_callback(done)

    def _cancel(self, key: int) -> None:
        task = self._tasks.get(key)
        if task is not None:
            task.cancel()

    def settle(self) -> None:
        """Cancel every call under way, wait until they have unwound, run what they handed over."""
        done = gevent.event.AsyncResult()

        async def cancel_all() -> None:
            tasks = list(self._tasks.values())
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await asyncio.sleep(0)  # let the tasks' done-callbacks run first

        def start() -> None:
            task = self.loop.create_task(cancel_all())
            task.add_done_callback(lambda finished: self.inbox.put(_settle, done, finished))

        self.loop.call_soon_threadsafe(start)
        try:
            done.get(timeout=SETTLE_TIMEOUT_S)
        except gevent.Timeout:
            raise VcallError(f"vcall's calls did not stop within {SETTLE_TIMEOUT_S:g} s") from None
        self.inbox.drain()

    def stop(self) -> None:
        """Stop the loop (its thread then ends; the loop is closed there) and the inbox."""
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.inbox.close()


def _settle(result: gevent.event.AsyncResult, task: asyncio.Task[Any]) -> None:
    if task.cancelled():
        result.set(None)
    elif task.exception() is not None:
        result.set_exception(task.exception())
    else:
        result.set(task.result())


def _new_event_loop() -> asyncio.AbstractEventLoop:
    """uvloop when installed: its I/O is libuv's, untouched by gevent's monkey-patching."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency where it exists
        return asyncio.new_event_loop()
    loop: asyncio.AbstractEventLoop = uvloop.new_event_loop()
    return loop
