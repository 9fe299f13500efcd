"""Targets: where callbacks go. A URL, or an in-process ASGI/WSGI app given as ``module:attr``."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from vcall.simulator.errors import TargetError
from vcall.simulator.replay.app_output import CapturingTransport
from vcall.simulator.replay.lifespan import LifespanASGITransport

EXAMPLE_BOT = "vcall.simulator.example_bot:app"
IN_PROCESS_URL = "http://vcall.in-process/callback"
_DOTTED = r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*"
_APP_SPEC = re.compile(rf"{_DOTTED}:{_DOTTED}")
_HOST_PORT = re.compile(r"[\w.-]+:\d+(?:/.*)?")


@dataclass(frozen=True, slots=True)
class Target:
    """A resolved target: the URL to post to and, for an in-process app, its transport."""

    label: str
    url: str
    transport: httpx.AsyncBaseTransport | None = None

    @property
    def in_process(self) -> bool:
        return self.transport is not None

    def take_app_output(self, call_id: str) -> tuple[str, ...]:
        """What an in-process app printed or logged while answering the call's callbacks (its
        tracebacks too), each entry labelled with the callback's ``content_type``; () for a URL."""
        transport = self.transport
        if isinstance(transport, CapturingTransport):
            return transport.output.take(call_id)
        return ()


def resolve_target(spec: str) -> Target:
    """``http(s)://...`` -> a network target; ``package.module:attr`` -> an in-process app."""
    if spec.startswith(("http://", "https://")):
        return Target(spec, _checked_url(spec))
    if _APP_SPEC.fullmatch(spec):
        return app_target(spec, load_app(spec))
    hint = f" (did you mean http://{spec}?)" if _HOST_PORT.fullmatch(spec) else ""
    raise TargetError(f"target {spec!r}: expected an http(s):// URL or an app as module:attr{hint}")


def _checked_url(spec: str) -> str:
    try:
        host = httpx.URL(spec).host
    except httpx.InvalidURL as error:
        raise TargetError(f"target {spec!r}: invalid URL: {error}") from None
    if not host:
        raise TargetError(f"target {spec!r}: the URL has no host")
    return spec


def app_target(label: str, app: Any) -> Target:
    """An in-process app: what it prints and logs while it answers is kept per call, not
    written into vcall's output (see :mod:`~vcall.simulator.replay.app_output`)."""
    return Target(label, IN_PROCESS_URL, CapturingTransport(transport_for_app(app, label)))


def load_app(spec: str) -> Any:
    module_name, _, attr = spec.partition(":")
    if "" not in sys.path:
        sys.path.insert(0, "")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise TargetError(f"target {spec!r}: cannot import {module_name!r}: {error}") from None
    except (
        Exception
    ) as error:  # the user's module failed while importing: report it, not a traceback
        detail = f"{type(error).__name__}: {error}"
        raise TargetError(f"target {spec!r}: importing {module_name!r} failed: {detail}") from None
    try:
        obj = module
        for part in attr.split("."):
            obj = getattr(obj, part)
    except AttributeError:
        raise TargetError(f"target {spec!r}: {module_name!r} has no attribute {attr!r}") from None
    return obj


def transport_for_app(app: Any, label: str = "app") -> httpx.AsyncBaseTransport:
    if not callable(app):
        raise TargetError(f"target {label!r} is not an ASGI or WSGI application")
    if _is_asgi(app):
        return LifespanASGITransport(app, label)
    arity = _positional_arity(app)
    if arity is not None and arity != 2:
        raise TargetError(
            f"target {label!r} is not an ASGI or WSGI application: it takes {arity} "
            "argument(s); an ASGI app is async (scope, receive, send), a WSGI app takes "
            "(environ, start_response)"
        )
    return AsyncWSGITransport(app)


def _positional_arity(app: Callable[..., Any]) -> int | None:
    """How many positional arguments ``app`` takes (``None``: unknown, or any number)."""
    try:
        parameters = inspect.signature(app).parameters.values()
    except (TypeError, ValueError):
        return None
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in parameters):
        return None
    return sum(1 for p in parameters if p.kind in kinds)


def _is_asgi(app: Callable[..., Any]) -> bool:
    """An ASGI app is a coroutine function, or an object whose ``__call__`` is one."""
    if inspect.iscoroutinefunction(app):
        return True
    if inspect.isfunction(app) or inspect.ismethod(app):
        return False
    method = type(app).__dict__.get("__call__") or next(
        (klass.__dict__["__call__"] for klass in type(app).__mro__ if "__call__" in klass.__dict__),
        None,
    )
    return method is not None and inspect.iscoroutinefunction(method)


class AsyncWSGITransport(httpx.AsyncBaseTransport):
    """httpx's WSGITransport, run in a worker thread so the async engine can use a WSGI app."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self._sync = httpx.WSGITransport(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        sync_request = httpx.Request(
            request.method, request.url, headers=request.headers, content=body
        )
        return await asyncio.to_thread(self._handle, sync_request)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        response = self._sync.handle_request(request)
        content = response.read()
        return httpx.Response(response.status_code, headers=response.headers, content=content)
