"""Alibaba Cloud request signatures, both to sign (client) and to verify (emulator).

* V1 (RPC, ``aliyun-python-sdk-core`` and the RPC docs): common query parameters, string to sign
  ``METHOD&%2F&`` + the percent-encoded sorted query, HMAC-SHA1 keyed ``secret + "&"``, base64.
* V3 (``ACS3-HMAC-SHA256``, the current official SDK on ``alibabacloud_tea_openapi``): ``x-acs-*``
  headers, a canonical request hashed with SHA-256, HMAC-SHA256 keyed with the secret, hex.

The official SDK calls RPC APIs with V3 as ``POST /?<params>`` with an empty body, spaces sent as
``+`` in the URL, and signs *every* header it sends (``accept``, ``user-agent`` too); a verifier
therefore takes the header list from ``SignedHeaders`` and decodes the query before
re-encoding it canonically.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from collections.abc import Callable, Generator, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import parse_qsl, quote, unquote

import httpx

from vcall.simulator.smartcall.clock import SyncClock, SystemClock
from vcall.simulator.smartcall.credentials import Credentials

TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
V1_METHOD = "HMAC-SHA1"
V1_VERSION = "1.0"
V1_SIGNATURE = "Signature"
V1_COMMON_PARAMS = (
    "Action",
    "Version",
    "Format",
    "AccessKeyId",
    "SignatureMethod",
    "SignatureVersion",
    "SignatureNonce",
    "Timestamp",
    "SecurityToken",
    V1_SIGNATURE,
)
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
V3_ALGORITHM = "ACS3-HMAC-SHA256"
V3_REQUIRED_HEADERS = (
    "host",
    "x-acs-action",
    "x-acs-version",
    "x-acs-date",
    "x-acs-signature-nonce",
    "x-acs-content-sha256",
)
V3_TOKEN_HEADER = "x-acs-security-token"
SignatureVersion = Literal["v1", "v3"]


def percent_encode(value: str) -> str:
    """RFC 3986: everything but ``A-Z a-z 0-9 - _ . ~`` as ``%XX`` of UTF-8 (space -> ``%20``)."""
    return quote(value, safe="~")


def format_timestamp(moment: datetime) -> str:
    """UTC, ``2016-02-23T12:46:24Z``."""
    return moment.astimezone(UTC).strftime(TIMESTAMP_FORMAT)


def parse_timestamp(text: str) -> datetime | None:
    """``2016-02-23T12:46:24Z`` as an aware UTC datetime; ``None`` when malformed."""
    try:
        return datetime.strptime(text, TIMESTAMP_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


def new_nonce() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    """Outcome of a verification: ``reason`` says why it failed (empty when ``ok``);
    ``string_to_sign`` is the server-side string, for a ``SignatureDoesNotMatch`` message."""

    ok: bool
    reason: str = ""
    string_to_sign: str = ""


# --- V1 ----------------------------------------------------------------------------------------


def v1_canonical_query(params: Mapping[str, str]) -> str:
    pairs = sorted((key, value) for key, value in params.items() if key != V1_SIGNATURE)
    return "&".join(f"{percent_encode(key)}={percent_encode(value)}" for key, value in pairs)


def v1_string_to_sign(method: str, params: Mapping[str, str]) -> str:
    return f"{method.upper()}&{percent_encode('/')}&{percent_encode(v1_canonical_query(params))}"


def v1_signature(method: str, params: Mapping[str, str], secret: str) -> str:
    """Base64 HMAC-SHA1 of the string to sign, keyed with ``secret + "&"``."""
    digest = hmac.new(
        f"{secret}&".encode(), v1_string_to_sign(method, params).encode(), hashlib.sha1
    ).digest()
    return base64.b64encode(digest).decode("ascii")


def v1_common_params(
    credentials: Credentials, *, action: str, version: str, timestamp: str, nonce: str
) -> dict[str, str]:
    params = {
        "Action": action,
        "Version": version,
        "Format": "JSON",
        "AccessKeyId": credentials.access_key_id,
        "SignatureMethod": V1_METHOD,
        "SignatureVersion": V1_VERSION,
        "SignatureNonce": nonce,
        "Timestamp": timestamp,
    }
    if credentials.security_token:
        params["SecurityToken"] = credentials.security_token
    return params


def check_v1(method: str, params: Mapping[str, str], secret: str) -> SignatureCheck:
    """Verify a V1 request: ``params`` are all its parameters (query, plus a form body's)."""
    problem = _v1_format_problem(params)
    if problem:
        return SignatureCheck(False, problem)
    string_to_sign = v1_string_to_sign(method, params)
    expected = v1_signature(method, params, secret)
    if not hmac.compare_digest(expected.encode(), params[V1_SIGNATURE].encode()):
        return SignatureCheck(False, "signature does not match", string_to_sign)
    return SignatureCheck(True, "", string_to_sign)


def verify_v1(method: str, query_params: Mapping[str, str], secret: str) -> bool:
    return check_v1(method, query_params, secret).ok


def _v1_format_problem(params: Mapping[str, str]) -> str:
    for name in ("AccessKeyId", V1_SIGNATURE, "SignatureNonce", "Timestamp"):
        if not params.get(name):
            return f"missing parameter {name}"
    if params.get("SignatureMethod") != V1_METHOD:
        return f"SignatureMethod must be {V1_METHOD}"
    if params.get("SignatureVersion", V1_VERSION) != V1_VERSION:
        return f"SignatureVersion must be {V1_VERSION}"
    return ""


# --- V3 ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RequestParts:
    """The parts of an HTTP request a signature covers: decoded path and query, lowercase
    header names (repeated headers joined as the SDK does), raw body."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    headers: Mapping[str, str]
    body: bytes = b""

    @classmethod
    def from_raw(
        cls,
        method: str,
        raw_path: str,
        raw_query: str | bytes,
        headers: Iterable[tuple[str, str]],
        body: bytes = b"",
    ) -> RequestParts:
        """From what a server sees: the path, the undecoded query string, header pairs."""
        query = raw_query.decode("utf-8", "replace") if isinstance(raw_query, bytes) else raw_query
        pairs = tuple(parse_qsl(query, keep_blank_values=True))
        return cls(method.upper(), unquote(raw_path) or "/", pairs, _join_headers(headers), body)

    @classmethod
    def from_httpx(cls, request: httpx.Request) -> RequestParts:
        return cls.from_raw(
            request.method,
            request.url.raw_path.decode("ascii").partition("?")[0],
            request.url.query,
            request.headers.multi_items(),
            request.content,
        )

    def query_dict(self) -> dict[str, str]:
        return dict(self.query)

    def all_params(self) -> dict[str, str]:
        """Query parameters, plus a form-encoded body's: an RPC request may send its parameters
        (V1 ``Signature`` included) in either."""
        params = self.query_dict()
        content_type = self.headers.get("content-type", "")
        if self.body and content_type.lower().startswith(FORM_CONTENT_TYPE):
            text = self.body.decode("utf-8", "replace")
            params.update(parse_qsl(text, keep_blank_values=True))
        return params


def _join_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    grouped: dict[str, list[str]] = {}
    for name, value in headers:
        grouped.setdefault(name.lower(), []).append(value.strip())
    return {name: ",".join(sorted(values)) for name, values in grouped.items()}


@dataclass(frozen=True, slots=True)
class V3Authorization:
    algorithm: str
    access_key_id: str
    signed_headers: tuple[str, ...]
    signature: str

    def header_value(self) -> str:
        return (
            f"{self.algorithm} Credential={self.access_key_id},"
            f"SignedHeaders={';'.join(self.signed_headers)},Signature={self.signature}"
        )


def parse_v3_authorization(value: str) -> V3Authorization | None:
    """``ACS3-HMAC-SHA256 Credential=..,SignedHeaders=a;b,Signature=..`` or ``None``."""
    algorithm, _, rest = value.strip().partition(" ")
    fields = dict(part.strip().partition("=")[::2] for part in rest.split(","))
    if not algorithm or not all(
        fields.get(k) for k in ("Credential", "SignedHeaders", "Signature")
    ):
        return None
    signed = tuple(name.strip().lower() for name in fields["SignedHeaders"].split(";"))
    return V3Authorization(algorithm, fields["Credential"], signed, fields["Signature"])


def v3_canonical_query(query: Iterable[tuple[str, str]]) -> str:
    return "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(query))


def v3_canonical_request(
    parts: RequestParts, signed_headers: Iterable[str], payload_hash: str
) -> str:
    names = list(signed_headers)
    header_lines = "".join(f"{name}:{parts.headers.get(name, '').strip()}\n" for name in names)
    return "\n".join(
        (
            parts.method.upper(),
            quote(parts.path or "/", safe="/~"),
            v3_canonical_query(parts.query),
            header_lines,
            ";".join(names),
            payload_hash,
        )
    )


def v3_string_to_sign(canonical_request: str) -> str:
    return f"{V3_ALGORITHM}\n{hashlib.sha256(canonical_request.encode()).hexdigest()}"


def v3_signature(string_to_sign: str, secret: str) -> str:
    return hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()


def check_v3(request: RequestParts | httpx.Request, secret: str) -> SignatureCheck:
    """Verify a V3 (``ACS3-HMAC-SHA256``) request against ``secret``."""
    parts = request if isinstance(request, RequestParts) else RequestParts.from_httpx(request)
    auth = parse_v3_authorization(parts.headers.get("authorization", ""))
    problem = _v3_format_problem(parts, auth)
    if problem or auth is None:
        return SignatureCheck(False, problem or "missing Authorization header")
    payload_hash = hashlib.sha256(parts.body).hexdigest()
    string_to_sign = v3_string_to_sign(
        v3_canonical_request(parts, auth.signed_headers, payload_hash)
    )
    expected = v3_signature(string_to_sign, secret)
    if not hmac.compare_digest(expected.encode(), auth.signature.lower().encode()):
        return SignatureCheck(False, "signature does not match", string_to_sign)
    return SignatureCheck(True, "", string_to_sign)


def verify_v3(request: RequestParts | httpx.Request, secret: str) -> bool:
    return check_v3(request, secret).ok


def _v3_format_problem(parts: RequestParts, auth: V3Authorization | None) -> str:
    if "authorization" not in parts.headers:
        return "missing Authorization header"
    if auth is None:
        return "malformed Authorization header"
    if auth.algorithm != V3_ALGORITHM:
        return f"unsupported signature algorithm {auth.algorithm}"
    must_sign = [
        *V3_REQUIRED_HEADERS,
        *([V3_TOKEN_HEADER] if V3_TOKEN_HEADER in parts.headers else []),
    ]
    for name in must_sign:
        if name not in parts.headers:
            return f"missing header {name}"
        if name not in auth.signed_headers:
            return f"header {name} is not signed"
    for name in auth.signed_headers:
        if name not in parts.headers:
            return f"signed header {name} is absent"
    if parts.headers["x-acs-content-sha256"].lower() != hashlib.sha256(parts.body).hexdigest():
        return "x-acs-content-sha256 does not match the body"
    return ""


# --- both --------------------------------------------------------------------------------------


def signature_version_of(parts: RequestParts) -> SignatureVersion | None:
    """``v3`` with an ``ACS3-`` Authorization header, ``v1`` with a ``Signature`` parameter."""
    if parts.headers.get("authorization", "").startswith("ACS3-"):
        return "v3"
    if V1_SIGNATURE in parts.all_params():
        return "v1"
    return None


def access_key_id_of(parts: RequestParts) -> str | None:
    """The AccessKey id a request claims, so a verifier can look up the secret."""
    if signature_version_of(parts) == "v3":
        auth = parse_v3_authorization(parts.headers["authorization"])
        return auth.access_key_id if auth else None
    return parts.all_params().get("AccessKeyId") or None


# --- httpx authentication ----------------------------------------------------------------------


class _SigningAuth(httpx.Auth):
    """Common part of the two signers: what is signed, with which time and nonce source."""

    def __init__(
        self,
        credentials: Credentials,
        *,
        action: str,
        version: str,
        clock: SyncClock | None = None,
        nonce: Callable[[], str] = new_nonce,
    ) -> None:
        self.credentials = credentials
        self.action = action
        self.version = version
        self.clock: SyncClock = clock or SystemClock()
        self.nonce = nonce

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.credentials!r}, action={self.action!r})"

    def sign(self, request: httpx.Request) -> httpx.Request:
        raise NotImplementedError

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        yield self.sign(request)


class SignatureV1Auth(_SigningAuth):
    """Adds the V1 common parameters and ``Signature`` to the query string."""

    def sign(self, request: httpx.Request) -> httpx.Request:
        params = dict(parse_qsl(request.url.query.decode("utf-8"), keep_blank_values=True))
        params.update(
            v1_common_params(
                self.credentials,
                action=self.action,
                version=self.version,
                timestamp=format_timestamp(self.clock.utcnow()),
                nonce=self.nonce(),
            )
        )
        params[V1_SIGNATURE] = v1_signature(
            request.method, params, self.credentials.access_key_secret
        )
        query = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in params.items())
        request.url = request.url.copy_with(query=query.encode("ascii"))
        return request


class SignatureV3Auth(_SigningAuth):
    """Adds the ``x-acs-*`` headers and an ``ACS3-HMAC-SHA256`` Authorization header. Signs
    ``host``, ``content-type`` when present, and every ``x-acs-*`` header."""

    def sign(self, request: httpx.Request) -> httpx.Request:
        headers = request.headers
        headers["x-acs-action"] = self.action
        headers["x-acs-version"] = self.version
        headers["x-acs-date"] = format_timestamp(self.clock.utcnow())
        headers["x-acs-signature-nonce"] = self.nonce()
        headers["x-acs-content-sha256"] = hashlib.sha256(request.content).hexdigest()
        if self.credentials.security_token:
            headers["x-acs-accesskey-id"] = self.credentials.access_key_id
            headers[V3_TOKEN_HEADER] = self.credentials.security_token
        parts = RequestParts.from_httpx(request)
        signed = tuple(sorted(n for n in parts.headers if _is_signed_by_default(n)))
        canonical = v3_canonical_request(parts, signed, headers["x-acs-content-sha256"])
        signature = v3_signature(v3_string_to_sign(canonical), self.credentials.access_key_secret)
        auth = V3Authorization(V3_ALGORITHM, self.credentials.access_key_id, signed, signature)
        headers["Authorization"] = auth.header_value()
        return request


def _is_signed_by_default(name: str) -> bool:
    return name in ("host", "content-type") or name.startswith("x-acs-")
