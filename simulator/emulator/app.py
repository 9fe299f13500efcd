"""The emulated SmartCall API as a plain ASGI application.

``SmartCallEmulator(config)`` answers ``SmartCall`` requests as the platform does: the gateway
checks the signature (V1 or V3), the timestamp, the nonce and the QPS; the product checks the
parameters (``check_smartcall_params``); every failure gets the platform's code, message and HTTP
status. An accepted call is answered at once with its CallId and played in the background by the
engine against ``config.target``. Time, nonces, randomness and the callback HTTP client are
injectable; nothing here prints: events go to ``sink``.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from vcall.simulator import spec
from vcall.simulator.asgi import BodyTooLarge, Receive, Scope, Send, declared_length, read_body
from vcall.simulator.clock import Clock, VirtualClock, WallClock
from vcall.simulator.emulator.answers import REQUEST_TOO_LARGE, ApiAnswer, Rejected, RequestIds
from vcall.simulator.emulator.callee import build_call_scenario
from vcall.simulator.emulator.calls import CallPlayer
from vcall.simulator.emulator.events import ApiRequestHandled, EmulatorSink, ignore
from vcall.simulator.emulator.gateway import Gateway, SignedRequest
from vcall.simulator.emulator.limits import MemoryNonceStore, NonceStore, QpsWindow
from vcall.simulator.emulator.params import rejection_for
from vcall.simulator.errors import UsageError
from vcall.simulator.findings import Finding
from vcall.simulator.fixture import Scenario
from vcall.simulator.replay import SimulationConfig, Target
from vcall.simulator.smartcall import (
    Credentials,
    RequestParts,
    SyncClock,
    SystemClock,
    access_key_id_of,
    mask_access_key_id,
    signature_version_of,
)
from vcall.simulator.validation import check_smartcall_params

JSON_CONTENT_TYPE = b"application/json;charset=utf-8"
MAX_REQUEST_BODY_BYTES = 256 * 1024
"""vcall's choice: a SmartCall request's parameters fit in a few KiB; a longer body is turned
down (HTTP 413) before it is read."""


@dataclass(frozen=True, slots=True)
class EmulatorConfig:
    """What ``vcall emulator`` decides: keys, where callbacks go, who answers, limits."""

    credentials: tuple[Credentials, ...]
    target: Target
    fixture: Scenario | None = None
    """The callee's steps; ``None``: the default polite callee."""
    qps: int = spec.SMARTCALL_QPS_LIMIT
    simulation: SimulationConfig = field(default_factory=SimulationConfig)
    report_json: Path | None = None
    seed: int | None = None

    def __post_init__(self) -> None:
        if not self.credentials:
            raise UsageError("the emulator needs at least one AccessKey to verify signatures with")


@dataclass(slots=True)
class _Outcome:
    answer: ApiAnswer
    params: dict[str, str]
    findings: tuple[Finding, ...] = ()


class SmartCallEmulator:
    """The ASGI app. ``handle`` answers one request (what the HTTP layer calls)."""

    def __init__(
        self,
        config: EmulatorConfig,
        *,
        clock: SyncClock | None = None,
        nonces: NonceStore | None = None,
        sink: EmulatorSink = ignore,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self.config = config
        self.clock: SyncClock = clock or SystemClock()
        self.sink = sink
        rng = random.Random(config.seed)
        self._request_ids = RequestIds(rng)
        self.gateway = Gateway(
            config.credentials,
            clock=self.clock,
            nonces=nonces or MemoryNonceStore(),
            qps=QpsWindow(config.qps),
        )
        self.calls = CallPlayer(
            config.target,
            config.simulation,
            sink=sink,
            clock_factory=self._call_clock,
            rng=rng,
            report_json=config.report_json,
            client=client,
            monotonic=self.clock.monotonic,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            await _send_json(send, await self._answer(scope, receive))

    async def _answer(self, scope: Scope, receive: Receive) -> ApiAnswer:
        """The answer to one HTTP request; a body over :data:`MAX_REQUEST_BODY_BYTES` is turned
        down before it is read (and before any authentication)."""
        declared = declared_length(scope)
        try:
            if declared is not None and declared > MAX_REQUEST_BODY_BYTES:
                raise BodyTooLarge
            body = await read_body(receive, MAX_REQUEST_BODY_BYTES)
        except BodyTooLarge:
            return self._too_large()
        parts = RequestParts.from_raw(
            scope["method"],
            _raw_path(scope),
            scope.get("query_string", b""),
            [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]],
            body,
        )
        return self.handle(parts)

    def _too_large(self) -> ApiAnswer:
        rejection = Rejected(
            REQUEST_TOO_LARGE, f"The request body is over {MAX_REQUEST_BODY_BYTES} bytes."
        )
        answer = ApiAnswer.rejected(rejection, self._request_ids.next())
        self.sink(ApiRequestHandled(self.clock.utcnow(), answer, None, "", {}))
        return answer

    def handle(self, parts: RequestParts) -> ApiAnswer:
        """Answer one request; an accepted call starts playing in the background (so this must
        run inside the event loop)."""
        outcome = self._outcome(parts, self._request_ids.next())
        key_id = access_key_id_of(parts) or ""
        self.sink(
            ApiRequestHandled(
                at=self.clock.utcnow(),
                answer=outcome.answer,
                signature=signature_version_of(parts),
                access_key_id=mask_access_key_id(key_id) if key_id else "",
                params=outcome.params,
                findings=outcome.findings,
            )
        )
        return outcome.answer

    async def aclose(self) -> None:
        await self.calls.aclose()

    def _outcome(self, parts: RequestParts, request_id: str) -> _Outcome:
        try:
            signed = self.gateway.admit(parts)
        except Rejected as turned_down:
            return _Outcome(ApiAnswer.rejected(turned_down, request_id), {})
        findings = check_smartcall_params(signed.params)
        rejection = rejection_for(findings)
        if rejection is not None:
            return _Outcome(ApiAnswer.rejected(rejection, request_id), signed.params, findings)
        call_id = self._place(signed)
        return _Outcome(ApiAnswer.accepted(call_id, request_id), signed.params, findings)

    def _place(self, signed: SignedRequest) -> str:
        fixture = self.config.fixture
        scenario = build_call_scenario(signed.params, fixture)
        return self.calls.start(scenario, abandon_script=fixture is None)

    def _call_clock(self) -> Clock:
        if self.config.simulation.realtime:
            return WallClock()
        return VirtualClock(start_epoch_ms=int(self.clock.utcnow().timestamp() * 1000))

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return


def _raw_path(scope: Scope) -> str:
    raw = scope.get("raw_path")
    if isinstance(raw, bytes):
        return raw.decode("latin-1").partition("?")[0]
    return str(scope.get("path", "/"))


async def _send_json(send: Send, answer: ApiAnswer) -> None:
    payload = json.dumps(answer.body(), ensure_ascii=False).encode("utf-8")
    headers = [
        (b"content-type", JSON_CONTENT_TYPE),
        (b"content-length", str(len(payload)).encode("ascii")),
    ]
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
