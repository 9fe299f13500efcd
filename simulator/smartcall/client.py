"""The SmartCall API client: encode parameters, sign (V3 by default, or V1), send, retry, parse.

Requests are RPC style, ``POST /?<parameters>`` with an empty body, as the official SDK sends
them. Booleans are sent as ``true``/``false``; ``VoiceCodeParam`` given as a dict is sent as
compact JSON with real (non-escaped) Chinese characters.
"""

from __future__ import annotations

import dataclasses
import json
import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal
from urllib.parse import quote_plus

import httpx

from vcall.simulator import secrets, spec
from vcall.simulator.errors import EndpointUnreachableError, UsageError
from vcall.simulator.smartcall.clock import SyncClock, SystemClock
from vcall.simulator.smartcall.credentials import Credentials, mask_access_key_id
from vcall.simulator.smartcall.retry import RetryPolicy, call_with_retry
from vcall.simulator.smartcall.signing import (
    V1_COMMON_PARAMS,
    SignatureV1Auth,
    SignatureV3Auth,
    new_nonce,
    percent_encode,
)

DEFAULT_ENDPOINT = f"https://{spec.SMARTCALL_ENDPOINT}"
DEFAULT_TIMEOUT_S = 10.0
"""vcall's choice: seconds to wait for the API's answer."""
USER_AGENT = "vcall (SmartCall client)"
OK_CODE = "OK"
INVALID_RESPONSE_CODE = "vcall.INVALID_RESPONSE"
"""Code vcall gives an answer that is not the API's JSON (a proxy's HTML page, say)."""
SignatureKind = Literal["v1", "v3"]
SNIPPET_LENGTH = 120
"""vcall's choice: how much of an answer that is not SmartCall JSON a message quotes."""


class OutcomeUnknownError(EndpointUnreachableError):
    """The request may have reached the API, but no answer came: a call may have been placed."""


@dataclass(frozen=True, slots=True)
class SmartCallResult:
    """What the API answered, and after how many attempts."""

    code: str
    message: str
    request_id: str
    call_id: str
    http_status: int
    attempts: int = 1
    hint: str = ""

    @property
    def ok(self) -> bool:
        return self.code == OK_CODE


def encode_value(value: object) -> str:
    """One parameter value as sent: ``true``/``false``, numbers as written, dicts and lists as
    compact JSON (``ensure_ascii`` off), strings unchanged."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, str | int | float):
        return str(value)
    raise UsageError(f"cannot send a {type(value).__name__} as a SmartCall parameter value")


def encode_params(params: Mapping[str, object]) -> dict[str, str]:
    """All non-``None`` parameters as strings, in name order. Names the signer sets are refused."""
    reserved = sorted(set(params) & set(V1_COMMON_PARAMS))
    if reserved:
        raise UsageError(f"parameter {reserved[0]} is set by vcall's signer, not by the caller")
    return {name: encode_value(params[name]) for name in sorted(params) if params[name] is not None}


def normalize_endpoint(endpoint: str) -> str:
    """``dyvmsapi.aliyuncs.com`` -> ``https://dyvmsapi.aliyuncs.com``; a URL keeps its scheme."""
    text = endpoint.strip().rstrip("/")
    url = httpx.URL(text if "://" in text else f"https://{text}")
    if url.scheme not in ("http", "https") or not url.host:
        raise UsageError(f"endpoint {endpoint!r} is not an http(s) URL or host name")
    if url.path not in ("", "/") or url.query:
        raise UsageError(f"endpoint {endpoint!r} must not have a path or query")
    port = f":{url.port}" if url.port else ""
    return f"{url.scheme}://{url.host}{port}"


def is_retryable(result: SmartCallResult) -> bool:
    """Only a refusal that guarantees no call was placed: flow control (``Throttling``) or a code
    the spec marks retryable. A server error (HTTP 5xx, ``isp.SYSTEM_ERROR``) is not retried: the
    platform may have dialled the person before it failed (:func:`outcome_unknown`)."""
    if outcome_unknown(result):
        return False
    known = spec.SMARTCALL_ERROR_CODES.get(result.code)
    return result.code.startswith("Throttling") or (known is not None and known.retryable)


def outcome_unknown(result: SmartCallResult) -> bool:
    """A server error: whether the call was placed before it failed is unknown."""
    return result.http_status >= 500 or result.code == "isp.SYSTEM_ERROR"


def parse_response(response: httpx.Response) -> SmartCallResult:
    """The API's JSON ``{Code, Message, RequestId, CallId}``, whatever the HTTP status. The API
    may echo what it was sent (a string to sign holds the STS token): every field is masked
    (:mod:`..secrets`) here, before anything shortens it."""
    try:
        body: Any = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("Code"), str):
        snippet = _shortened(" ".join(secrets.mask(response.text).split()))
        message = f"HTTP {response.status_code}: the answer is not SmartCall JSON: {snippet!r}"
        return SmartCallResult(INVALID_RESPONSE_CODE, message, "", "", response.status_code)
    code = secrets.mask(body["Code"])
    known = spec.SMARTCALL_ERROR_CODES.get(code)
    return SmartCallResult(
        code=code,
        message=secrets.mask(str(body.get("Message", ""))),
        request_id=secrets.mask(str(body.get("RequestId", ""))),
        call_id=secrets.mask(str(body.get("CallId") or "")),
        http_status=response.status_code,
        hint=known.hint if known else "",
    )


def _shortened(text: str) -> str:
    return text if len(text) <= SNIPPET_LENGTH else text[:SNIPPET_LENGTH] + "…"


class SmartCallClient:
    """Places SmartCall calls. Inject ``transport`` (e.g. ``httpx.MockTransport``), ``clock``,
    ``rand`` and ``nonce`` to make it deterministic."""

    def __init__(
        self,
        credentials: Credentials,
        *,
        endpoint: str = DEFAULT_ENDPOINT,
        signature: SignatureKind = "v3",
        transport: httpx.BaseTransport | None = None,
        clock: SyncClock | None = None,
        retry: RetryPolicy | None = None,
        rand: Callable[[], float] = random.random,
        nonce: Callable[[], str] = new_nonce,
        timeout: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        if signature not in ("v1", "v3"):
            raise UsageError(f"signature must be v1 or v3, got {signature!r}")
        self.credentials = credentials
        self.endpoint = normalize_endpoint(endpoint)
        self.signature: SignatureKind = signature
        self.retry = retry or RetryPolicy()
        self._clock: SyncClock = clock or SystemClock()
        self._rand = rand
        auth_class = SignatureV3Auth if signature == "v3" else SignatureV1Auth
        self._auth = auth_class(
            credentials,
            action=spec.SMARTCALL_ACTION,
            version=spec.SMARTCALL_API_VERSION,
            clock=self._clock,
            nonce=nonce,
        )
        self._http = httpx.Client(transport=transport, timeout=timeout)

    def __repr__(self) -> str:
        return (
            f"SmartCallClient(endpoint={self.endpoint!r}, signature={self.signature!r}, "
            f"credentials={self.credentials!r})"
        )

    def __enter__(self) -> SmartCallClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def prepare(self, params: Mapping[str, object]) -> httpx.Request:
        """The exact signed request ``place_call`` would send first (for ``--dry-run``)."""
        return self._signed_request(encode_params(params))

    def place_call(self, params: Mapping[str, object]) -> SmartCallResult:
        """Place one call; retries per the policy, re-signing every attempt. Raises
        :class:`EndpointUnreachableError` when the endpoint cannot be reached."""
        encoded = encode_params(params)
        result, attempts = call_with_retry(
            lambda: self._attempt(encoded),
            is_retryable,
            policy=self.retry,
            sleep=self._clock.sleep,
            rand=self._rand,
        )
        return dataclasses.replace(result, attempts=attempts)

    def _signed_request(self, encoded: Mapping[str, str]) -> httpx.Request:
        query = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in encoded.items())
        request = httpx.Request(
            "POST",
            f"{self.endpoint}/?{query}",
            headers={"accept": "application/json", "user-agent": USER_AGENT},
        )
        return self._auth.sign(request)

    def _attempt(self, encoded: Mapping[str, str]) -> SmartCallResult:
        request = self._signed_request(encoded)
        try:
            response = self._http.send(request)
        except (httpx.ConnectError, httpx.ConnectTimeout) as err:
            raise EndpointUnreachableError(f"cannot reach {self.endpoint}: {err}") from None
        except httpx.TransportError as err:
            raise OutcomeUnknownError(
                f"no answer from {self.endpoint} ({type(err).__name__}): "
                "the call may or may not have been placed"
            ) from None
        return parse_response(response)


def describe_request_masked(request: httpx.Request, credentials: Credentials) -> str:
    """Method, URL, headers, decoded parameters and body, with the secret and the STS token
    replaced by ``****`` and the AccessKey id shortened."""
    lines = [f"{request.method} {request.url}"]
    lines += [f"{name}: {value}" for name, value in request.headers.multi_items()]
    lines.append("")
    lines.append("parameters (decoded):")
    for name, value in request.url.params.multi_items():
        lines.append(f"  {name} = {value}")
    body = request.content.decode("utf-8", "replace")
    lines.append(f"body: {body}" if body else "body: (empty)")
    return mask_for_display("\n".join(lines), credentials)


def mask_for_display(text: str, credentials: Credentials | None) -> str:
    """``text`` with every secret masked (:func:`secrets.mask`) and, for display, a long enough
    AccessKey id shortened (``LTAI****1234``) where it appears whole; a short dummy id is left
    alone (replacing ``ab`` everywhere would garble every URL)."""
    if credentials is None:
        return secrets.mask(text)
    text = secrets.mask(text, credentials.secrets())
    key_id = credentials.access_key_id
    if len(key_id) < secrets.MIN_SECRET_LENGTH:
        return text
    shown = mask_access_key_id(key_id)
    for form in sorted({key_id, percent_encode(key_id), quote_plus(key_id)}, key=len, reverse=True):
        text = re.sub(rf"(?<![A-Za-z0-9]){re.escape(form)}(?![A-Za-z0-9])", shown, text)
    return text
