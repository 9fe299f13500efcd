"""What an in-process app prints while it answers a callback, kept with its call.

An app called in-process (``vcall check bot:app``) shares vcall's terminal: its tracebacks, log
records and ``print`` calls would land in the middle of vcall's tables (a Flask bot printed 17
tracebacks inside ``check``'s). :class:`CapturingTransport` wraps the app's transport: while it
handles a request, whatever the app writes to ``sys.stdout``/``sys.stderr`` (its ``print``\\ s,
its logging handlers, Flask's "Exception on /" traceback) and an exception it raises is kept
for the request's ``call_id``, in order, and :meth:`AppOutput.take` hands it to the call's
result when the call ends. Output written outside a request (the app's startup) passes through.

Which request is under way is a context variable: a WSGI app's worker thread inherits it
(``asyncio.to_thread`` copies the context), other threads and vcall's own printing do not see it.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import sys
import threading
import traceback
from collections import OrderedDict
from collections.abc import Iterator
from types import TracebackType
from typing import Any, TextIO

import httpx

MAX_CALL_OUTPUT = 64 * 1024
"""Characters kept per call; more is cut (and said so)."""
MAX_CALLS_KEPT = 1000
"""Calls whose output is kept until taken; the oldest is dropped beyond (bounded memory)."""
CUT = "…(cut: the app wrote more)"
VCALLS_OWN_LOGGERS = ("httpx", "httpcore")
"""The HTTP client vcall calls the app with: its INFO records ("HTTP Request: POST ...") are
vcall's doing, not the app's; held at WARNING while an app is captured."""

_CURRENT: contextvars.ContextVar[_Capture | None] = contextvars.ContextVar(
    "vcall_app_output", default=None
)


class _Capture:
    """The output of one request: appended to its call's entries."""

    __slots__ = ("entries", "label", "parts")

    def __init__(self, label: str, entries: list[str]) -> None:
        self.label = label
        self.entries = entries
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def close(self) -> None:
        text = "".join(self.parts).rstrip("\n")
        if not text.strip():
            return
        used = sum(len(entry) for entry in self.entries)
        room = MAX_CALL_OUTPUT - used
        if room <= 0:
            if self.entries and self.entries[-1] != CUT:
                self.entries.append(CUT)
            return
        entry = f"{self.label}: {text}" if self.label else text
        self.entries.append(entry if len(entry) <= room else entry[:room] + "\n" + CUT)


class _Tee:
    """Stands in for ``sys.stdout``/``sys.stderr``: a request's writes go to its capture."""

    def __init__(self, original: TextIO) -> None:
        self._original = original

    @property
    def original(self) -> TextIO:
        return self._original

    def write(self, text: str) -> int:
        capture = _CURRENT.get()
        if capture is None:
            return self._original.write(text)
        capture.write(text)
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        if _CURRENT.get() is None:
            self._original.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._original, name)


class _Streams:
    """The process's streams wrapped in tees while at least one capturing transport is open.

    Wrapped again when someone replaced them meanwhile (a test's capture, an app's own
    redirection): :meth:`ensure` runs before every request. Unwrapping gives back what each tee
    wraps.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.users = 0
        self.handlers: list[logging.StreamHandler[Any]] = []
        self.levels: dict[str, int] = {}

    def install(self) -> None:
        with self.lock:
            self.users += 1
            if self.users == 1:
                for name in VCALLS_OWN_LOGGERS:  # an app's basicConfig(INFO) would log each request
                    logger = logging.getLogger(name)
                    self.levels[name] = logger.level
                    logger.setLevel(max(logger.getEffectiveLevel(), logging.WARNING))
            self._wrap()

    def ensure(self) -> None:
        if not (isinstance(sys.stdout, _Tee) and isinstance(sys.stderr, _Tee)):
            with self.lock:
                if self.users:
                    self._wrap()

    def _wrap(self) -> None:
        tees: dict[int, _Tee] = {}
        if not isinstance(sys.stdout, _Tee):
            tee = _Tee(sys.stdout)
            tees[id(sys.stdout)] = tee
            sys.stdout = tee
        if not isinstance(sys.stderr, _Tee):
            tee = _Tee(sys.stderr)
            tees[id(sys.stderr)] = tee
            sys.stderr = tee
        if not tees:
            return
        for handler in _stream_handlers():  # basicConfig() kept the streams of its time
            wrapped = tees.get(id(handler.stream))
            if wrapped is not None:
                handler.stream = wrapped
                self.handlers.append(handler)

    def uninstall(self) -> None:
        with self.lock:
            self.users = max(0, self.users - 1)
            if self.users:
                return
            if isinstance(sys.stdout, _Tee):
                sys.stdout = sys.stdout.original
            if isinstance(sys.stderr, _Tee):
                sys.stderr = sys.stderr.original
            for handler in self.handlers:
                if isinstance(handler.stream, _Tee):
                    handler.stream = handler.stream.original
            for name, level in self.levels.items():
                logging.getLogger(name).setLevel(level)
            self.handlers, self.levels = [], {}


_STREAMS = _Streams()


def _stream_handlers() -> Iterator[logging.StreamHandler[Any]]:
    loggers: list[Any] = [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
    for logger in loggers:
        for handler in getattr(logger, "handlers", ()):
            if isinstance(handler, logging.StreamHandler):
                yield handler
    last = logging.lastResort
    if isinstance(last, logging.StreamHandler):
        yield last


class AppOutput:
    """The app's output per ``call_id``, until the call's result takes it."""

    def __init__(self) -> None:
        self._calls: OrderedDict[str, list[str]] = OrderedDict()

    @contextlib.contextmanager
    def capturing(self, call_id: str, label: str) -> Iterator[_Capture]:
        entries = self._calls.get(call_id)
        if entries is None:
            entries = self._calls[call_id] = []
            while len(self._calls) > MAX_CALLS_KEPT:
                self._calls.popitem(last=False)
        capture = _Capture(label, entries)
        token = _CURRENT.set(capture)
        try:
            yield capture
        finally:
            _CURRENT.reset(token)
            capture.close()

    def take(self, call_id: str) -> tuple[str, ...]:
        """What the app wrote while answering ``call_id``'s callbacks, each entry labelled with
        the callback's ``content_type``; forgotten once taken."""
        return tuple(self._calls.pop(call_id, ()))


class CapturingTransport(httpx.AsyncBaseTransport):
    """An in-process app's transport whose requests' output is kept in :attr:`output`."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.output = AppOutput()
        self._installed = 0

    async def __aenter__(self) -> CapturingTransport:
        await self.inner.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        tb: TracebackType | None = None,
    ) -> None:
        try:
            await self.inner.__aexit__(exc_type, exc_value, tb)
        finally:
            self._release()

    async def aclose(self) -> None:
        try:
            await self.inner.aclose()
        finally:
            self._release()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not self._installed:
            _STREAMS.install()
            self._installed = 1
        else:
            _STREAMS.ensure()
        call_id, kind = _callback_of(request)
        with self.output.capturing(call_id, kind) as capture:
            try:
                return await self.inner.handle_async_request(request)
            except Exception:
                capture.write(traceback.format_exc())
                raise

    def _release(self) -> None:
        if self._installed:
            self._installed = 0
            _STREAMS.uninstall()


def _callback_of(request: httpx.Request) -> tuple[str, str]:
    """The ``call_id`` and ``content_type`` of a callback, in the query or the form body."""
    params = request.url.params
    if "call_id" not in params:
        with contextlib.suppress(Exception):
            params = httpx.QueryParams(request.content.decode("utf-8", "replace"))
    return params.get("call_id", ""), params.get("content_type", "")
