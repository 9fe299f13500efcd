"""Shadow traffic (``vcall tap --shadow URL``): a copy of each live callback goes to a candidate
bot, and its answer is compared with production's.

The platform only ever receives production's answer. A copy is offered after production's answer
has been sent (:meth:`Shadow.offer`: a ``put_nowait`` on a bounded queue, nothing awaited), so
the candidate's latency or failure never delays or changes it; when the queue is full the copy is
dropped and counted. Workers send the copies to the candidate on their own connection pool, the
callbacks of one call in order (one call is one conversation on the candidate too), each sent
once (a callback is not idempotent).

The candidate's answers drive nothing: the platform goes on with production's. So a call is
compared up to its first differing answer, reported with the first differing field, and no
more of it is sent or compared (the rest of the call is not comparable).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vcall.simulator.load import Histogram
from vcall.simulator.tap.callback import MalformedCallback, read_callback
from vcall.simulator.tap.forward import BotAnswer, Forwarder

QUEUE_MAX = 1000
WORKERS = 16
MAX_CALLS = 10_000
"""Calls whose comparison is remembered (the oldest forgotten first)."""
MAX_LISTED = 1000
"""Divergent calls whose fixture the summary lists (the last ones)."""
SHOWN_CHARS = 200
NOT_COMPARED = frozenset({"call_id"})


@dataclass(frozen=True, slots=True)
class ShadowConfig:
    url: str
    timeout_s: float = 10.0
    queue_max: int = QUEUE_MAX
    workers: int = WORKERS
    connections: int = 64
    ignore: tuple[str, ...] = ()
    """``data`` fields not compared (``call_id`` never is)."""


@dataclass(frozen=True, slots=True)
class Divergence:
    """A call's first answer where the candidate differs from production."""

    call_id: str
    turn: int
    """The callback's number in the call (1: the first the candidate was sent)."""
    kind: str
    field: str
    """``status``, ``body`` (not JSON), ``result``, or ``data.NAME``."""
    production: str
    candidate: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "shadow-divergence",
            "call_id": self.call_id,
            "turn": self.turn,
            "callback": self.kind,
            "field": self.field,
            "production": self.production,
            "candidate": self.candidate,
            "note": "the rest of the call is not compared",
        }


@dataclass(frozen=True, slots=True)
class CandidateError:
    call_id: str
    turn: int
    status: int
    error: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "shadow-candidate-error",
            "call_id": self.call_id,
            "turn": self.turn,
            "status": self.status,
            "error": self.error,
        }


ShadowEvent = Divergence | CandidateError


@dataclass(slots=True)
class ShadowCounts:
    offered: int = 0
    compared: int = 0
    dropped: int = 0
    """Copies not sent: the queue was full (the candidate fell behind)."""
    not_comparable: int = 0
    """Callbacks of calls that had diverged already (not sent)."""
    divergent_calls: int = 0
    candidate_errors: int = 0
    internal: int = 0
    production: Histogram = field(default_factory=Histogram)
    candidate: Histogram = field(default_factory=Histogram)
    fixtures: dict[str, str] = field(default_factory=dict)
    """Divergent call id -> the fixture tap wrote of it (``--save``; the last ``MAX_LISTED``)."""

    def summary(self) -> str:
        def p(h: Histogram) -> str:
            if not h.count:
                return "-"
            return f"p50 {h.percentile_ms(50):.3f} ms, p99 {h.percentile_ms(99):.3f} ms"

        return (
            f"shadow: {self.compared} callbacks compared, {self.divergent_calls} divergent "
            f"call(s), {self.candidate_errors} candidate error(s), {self.dropped} dropped "
            f"(candidate behind); latency production {p(self.production)}, candidate "
            f"{p(self.candidate)}"
        )


@dataclass(slots=True)
class _Call:
    turns: int = 0
    diverged: bool = False
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


_Job = tuple[str, bytes, list[tuple[bytes, bytes]], bytes, BotAnswer]


class Shadow:
    """Start with :meth:`start` on the serving loop, :meth:`stop` when tap stops."""

    def __init__(
        self,
        config: ShadowConfig,
        *,
        sink: Callable[[ShadowEvent], None] = lambda _event: None,
        shown: Callable[[str], str] = lambda text: text,
    ) -> None:
        """``shown``: how a value may be shown (tap's redactor: numbers faked)."""
        self.config = config
        self.sink = sink
        self.shown = shown
        self.counts = ShadowCounts()
        self.forwarder = Forwarder(
            config.url, timeout_s=config.timeout_s, connections=config.connections
        )
        self.report: Callable[[dict[str, Any]], None] | None = None
        """Where each event goes as a JSON line too (tap's ``--report-json``)."""
        self._queue: asyncio.Queue[_Job] | None = None
        self._workers: list[asyncio.Task[None]] = []
        self._calls: OrderedDict[str, _Call] = OrderedDict()
        self._closed: OrderedDict[str, str] = OrderedDict()

    async def start(self) -> None:
        self._queue = asyncio.Queue(self.config.queue_max)
        loop = asyncio.get_running_loop()
        self._workers = [loop.create_task(self._work()) for _ in range(self.config.workers)]

    def offer(
        self,
        method: str,
        query: bytes,
        headers: list[tuple[bytes, bytes]],
        body: bytes,
        answer: BotAnswer,
    ) -> None:
        """A copy of a relayed request and production's answer; never blocks, never raises."""
        self.counts.offered += 1
        if self._queue is None:
            self.counts.dropped += 1
            return
        try:
            self._queue.put_nowait((method, query, headers, body, answer))
        except asyncio.QueueFull:
            self.counts.dropped += 1

    def call_closed(self, call_id: str, saved: Path | None) -> None:
        """Tap closed a call (and wrote it to ``saved``): a divergent call's fixture is noted."""
        if saved is None:
            return
        if call_id in self._calls and self._calls[call_id].diverged:
            self._note_fixture(call_id, str(saved))
        self._closed[call_id] = str(saved)
        while len(self._closed) > MAX_CALLS:
            self._closed.popitem(last=False)

    async def stop(self) -> None:
        """Copies still queued are not sent (tap is stopping); those under way are abandoned."""
        for worker in self._workers:
            worker.cancel()
        for worker in self._workers:
            with contextlib.suppress(asyncio.CancelledError):
                await worker
        self._workers = []
        self.forwarder.close()

    async def _work(self) -> None:
        assert self._queue is not None
        while True:
            job = await self._queue.get()
            try:
                await self._one(job)
            except Exception:  # a bug here must never reach the relay
                self.counts.internal += 1

    async def _one(self, job: _Job) -> None:
        method, query, headers, body, answer = job
        try:
            callback = read_callback(query, body, _content_type(headers))
        except MalformedCallback:
            return
        call = self._call(callback.call_id)
        async with call.lock:  # the callbacks of one call in order, one at a time
            if call.diverged:
                self.counts.not_comparable += 1
                return
            call.turns += 1
            candidate = await self.forwarder.forward(method, query, headers, body)
            self._compare(callback.call_id, callback.kind, call, answer, candidate)

    def _compare(
        self, call_id: str, kind: str, call: _Call, answer: BotAnswer, candidate: BotAnswer
    ) -> None:
        counts = self.counts
        counts.production.record_ms(answer.latency_ms)
        counts.candidate.record_ms(candidate.latency_ms)
        if candidate.error is not None or candidate.status >= 500:
            counts.candidate_errors += 1
            self._emit(CandidateError(call_id, call.turns, candidate.status, candidate.error))
        differs = first_difference(answer, candidate, self.config.ignore)
        if differs is not None:
            self._diverged(call_id, kind, call, differs)
        counts.compared += 1  # last: a reader on another thread sees the comparison whole

    def _diverged(
        self, call_id: str, kind: str, call: _Call, differs: tuple[str, str, str]
    ) -> None:
        counts = self.counts
        call.diverged = True
        counts.divergent_calls += 1
        name, ours, theirs = differs
        shown = self.shown
        self._emit(Divergence(call_id, call.turns, kind, name, shown(ours), shown(theirs)))
        if call_id in self._closed:
            self._note_fixture(call_id, self._closed[call_id])

    def _note_fixture(self, call_id: str, path: str) -> None:
        fixtures = self.counts.fixtures
        fixtures[call_id] = path
        while len(fixtures) > MAX_LISTED:
            del fixtures[next(iter(fixtures))]

    def _emit(self, event: ShadowEvent) -> None:
        self.sink(event)
        if self.report is not None:
            self.report(event.to_dict())

    def _call(self, call_id: str) -> _Call:
        call = self._calls.get(call_id)
        if call is None:
            call = self._calls[call_id] = _Call()
            while len(self._calls) > MAX_CALLS:
                self._calls.popitem(last=False)
        else:
            self._calls.move_to_end(call_id)
        return call


def first_difference(
    production: BotAnswer, candidate: BotAnswer, ignore: tuple[str, ...] = ()
) -> tuple[str, str, str] | None:
    """The first field where the two answers differ (name, production's, candidate's)."""
    if candidate.error is not None:
        return "status", str(production.status), f"{candidate.status} ({candidate.error})"
    if production.status != candidate.status:
        return "status", str(production.status), str(candidate.status)
    if production.body == candidate.body:  # the usual case, without parsing either
        return None
    ours, theirs = _json(production.body), _json(candidate.body)
    if not isinstance(ours, Mapping) or not isinstance(theirs, Mapping):
        return (
            "body",
            _cut(production.body.decode("utf-8", "replace")),
            _cut(candidate.body.decode("utf-8", "replace")),
        )
    if ours.get("result") != theirs.get("result"):
        return "result", _value(ours.get("result")), _value(theirs.get("result"))
    data_ours, data_theirs = ours.get("data"), theirs.get("data")
    if not isinstance(data_ours, Mapping) or not isinstance(data_theirs, Mapping):
        if data_ours == data_theirs:
            return None
        return "data", _value(data_ours), _value(data_theirs)
    names = [*data_ours, *(name for name in data_theirs if name not in data_ours)]
    for name in names:
        if name in NOT_COMPARED or name in ignore:
            continue
        a, b = _normal(data_ours.get(name)), _normal(data_theirs.get(name))
        if a != b:
            return f"data.{name}", _value(data_ours.get(name)), _value(data_theirs.get(name))
    return None


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


def _normal(value: Any) -> Any:
    """A value as compared: a JSON string (``action_code_param``) by what it holds."""
    if isinstance(value, str) and value[:1] in "{[":
        parsed = _json(value.encode("utf-8"))
        if parsed is not None:
            return parsed
    return value


def _value(value: Any) -> str:
    if value is None:
        return "(none)"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return _cut(text)


def _cut(text: str) -> str:
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def _content_type(headers: list[tuple[bytes, bytes]]) -> str:
    for name, value in headers:
        if name.lower() == b"content-type":
            return value.decode("latin-1")
    return ""
