"""Test doubles for the SmartCall client tests: test credentials and a fake SmartCall API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from vcall.simulator.smartcall.signing import RequestParts, check_v1, check_v3

ACCESS_KEY_ID = "LTAI5tQ8exampleKey1234"
SECRET = "s3cr3t/Value+With=Symbols"
TOKEN = "STS.NUx token/with+chars=="

CALL_PARAMS: dict[str, object] = {
    "CalledShowNumber": "057188773344",
    "CalledNumber": "13800138000",
    "VoiceCode": "welcome.wav,$name$",
    "VoiceCodeParam": {"name": "张三"},
    "RecordFlag": True,
    "ActionCodeBreak": False,
    "Volume": 1,
}


def api_answer(code: str = "OK", status: int = 200, **extra: str) -> httpx.Response:
    body = {"Code": code, "Message": extra.pop("message", code), "RequestId": "RID-1", **extra}
    return httpx.Response(status, json=body)


@dataclass
class FakeApi:
    """A SmartCall API on an ``httpx.MockTransport``: checks each request's signature with
    the secret, records it, and answers from ``answers`` in turn (the last one repeats)."""

    secret: str = SECRET
    answers: list[Callable[[httpx.Request], httpx.Response]] = field(default_factory=list)
    requests: list[httpx.Request] = field(default_factory=list)
    signature_failures: list[str] = field(default_factory=list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        parts = RequestParts.from_httpx(request)
        if "authorization" in parts.headers:
            check = check_v3(parts, self.secret)
        else:
            check = check_v1(request.method, parts.query_dict(), self.secret)
        if not check.ok:
            self.signature_failures.append(check.reason)
            return api_answer("SignatureDoesNotMatch", 400)
        index = min(len(self.requests), len(self.answers)) - 1
        return self.answers[index](request) if self.answers else api_answer(CallId="C-1")

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def params_sent(self) -> list[dict[str, str]]:
        return [dict(r.url.params) for r in self.requests]


def answering(*codes: str | tuple[str, int]) -> list[Callable[[httpx.Request], httpx.Response]]:
    """Answers for :class:`FakeApi`: ``"Throttling"`` or ``("isp.SYSTEM_ERROR", 500)``."""
    out: list[Callable[[httpx.Request], httpx.Response]] = []
    for item in codes:
        code, status = item if isinstance(item, tuple) else (item, 200)
        out.append(lambda _r, c=code, s=status: api_answer(c, s, CallId="C-" + c))  # type: ignore[misc]
    return out
