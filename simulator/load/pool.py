"""Connections to one origin, kept alive and reused, and the deadlines of the exchanges on them.

Part of the load path's HTTP client (:mod:`vcall.simulator.load.http_sender`).
"""

from __future__ import annotations

import asyncio
import ssl
from collections import deque

from vcall.simulator.load.http1 import Connection, RawResponse, WireError
from vcall.simulator.spec import MAX_RESPONSE_BYTES


class Deadlines:
    """Fails the exchanges still unanswered at their deadline.

    One timer checks every exchange in flight each ``TICK_S`` (while there are any), instead of
    a timer per exchange: a timeout fires up to ``TICK_S`` late.
    """

    TICK_S = 0.02

    def __init__(self) -> None:
        self._due: dict[Connection, tuple[float, float]] = {}
        self._timer: asyncio.TimerHandle | None = None

    def watch(
        self,
        loop: asyncio.AbstractEventLoop,
        connection: Connection,
        deadline: float,
        timeout_s: float,
    ) -> None:
        self._due[connection] = (deadline, timeout_s)
        if self._timer is None:
            self._timer = loop.call_later(self.TICK_S, self._check, loop)

    def forget(self, connection: Connection) -> None:
        self._due.pop(connection, None)

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _check(self, loop: asyncio.AbstractEventLoop) -> None:
        now = loop.time()
        expired = [item for item in self._due.items() if item[1][0] <= now]
        for connection, (_, timeout_s) in expired:
            del self._due[connection]
            connection.expire(f"no answer within {timeout_s:g} s")
        self._timer = loop.call_later(self.TICK_S, self._check, loop) if self._due else None


class ConnectionPool:
    """Up to ``limit`` connections to one origin; idle ones are reused, last in first out."""

    def __init__(self, host: str, port: int, tls: ssl.SSLContext | None, limit: int) -> None:
        self.host = host
        self.port = port
        self.tls = tls
        self.limit = limit
        self.idle: list[Connection] = []
        self.busy = 0
        self.deadlines = Deadlines()
        self._waiters: deque[asyncio.Future[None]] = deque()

    def take_idle(self) -> Connection | None:
        """An idle connection, now busy, when there is one (no waiting: the common case)."""
        idle = self.idle
        while idle:
            connection = idle.pop()
            if connection.idle:
                self.busy += 1
                return connection
            connection.close()
        return None

    async def connect(self, deadline: float) -> Connection:
        """A new connection, now busy, once there is room; raises ``WireError``."""
        while self.busy >= self.limit:
            await self._wait_for_room(deadline)
            if (connection := self.take_idle()) is not None:
                return connection
        self.busy += 1
        try:
            return await self._connect(deadline)
        except BaseException:
            self._give_back()
            raise

    def release(self, connection: Connection) -> None:
        if connection.idle:
            self.idle.append(connection)
        else:
            connection.close()
        self._give_back()

    def close(self) -> None:
        for connection in self.idle:
            connection.close()
        self.idle.clear()
        self.deadlines.close()

    def _give_back(self) -> None:
        self.busy -= 1
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    async def _wait_for_room(self, deadline: float) -> None:
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            async with asyncio.timeout_at(deadline):
                await waiter
        except TimeoutError:
            raise WireError("timeout", "no connection became free in time") from None

    async def _connect(self, deadline: float) -> Connection:
        loop = asyncio.get_running_loop()
        server_hostname = self.host if self.tls is not None else None
        try:
            async with asyncio.timeout_at(deadline):
                _, connection = await loop.create_connection(
                    lambda: Connection(loop, MAX_RESPONSE_BYTES),
                    self.host,
                    self.port,
                    ssl=self.tls,
                    server_hostname=server_hostname,
                )
        except TimeoutError:
            raise WireError("timeout", "could not connect in time") from None
        except OSError as error:  # refused, unresolvable, unreachable, TLS handshake failed
            raise WireError("connect", str(error) or type(error).__name__) from None
        return connection


async def round_trip(
    loop: asyncio.AbstractEventLoop,
    pool: ConnectionPool,
    connection: Connection,
    request: bytes,
    deadline: float,
    timeout_s: float,
    *,
    head_only: bool = False,
) -> RawResponse:
    """``request`` on ``connection``, and its answer by the deadline; the connection goes back
    to the pool either way (closed, unless the answer was read whole and it is kept alive)."""
    waiter = connection.request(request, head_only=head_only)
    pool.deadlines.watch(loop, connection, deadline, timeout_s)
    try:
        return await waiter
    except BaseException:
        connection.close()  # a failed, timed out or cancelled exchange leaves it unusable
        raise
    finally:
        # The failed future holds the error, whose traceback holds this frame: let go of it,
        # or every failed exchange is a reference cycle only a full collection frees.
        del waiter
        pool.deadlines.forget(connection)
        pool.release(connection)
