"""The API gateway's checks, in the platform's order, before a SmartCall request reaches the product.

1. a signature of a known kind (V3 ``Authorization: ACS3-HMAC-SHA256 ...`` or a V1 ``Signature``);
2. the action (``SmartCall``) and the API version;
3. the timestamp (``Timestamp`` or ``x-acs-date``): well formed, within the tolerance;
4. the AccessKey id is known; an STS AccessKey's request carries its ``SecurityToken``
   (``x-acs-security-token`` in V3); the signature matches its secret;
5. the ``SignatureNonce`` was not used while that request could still be accepted (the
   tolerance, or longer for a request dated ahead); the AccessKey is under its QPS.

Each failed check raises :class:`Rejected` with the platform's code. What passes is a
:class:`SignedRequest`: who signed, how, and the SmartCall parameters (common ones removed).
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass

from vcall.simulator import secrets, spec
from vcall.simulator.emulator import answers
from vcall.simulator.emulator.answers import Rejected, missing
from vcall.simulator.emulator.limits import NonceStore, QpsWindow
from vcall.simulator.smartcall.clock import SyncClock
from vcall.simulator.smartcall.credentials import Credentials
from vcall.simulator.smartcall.signing import (
    V1_COMMON_PARAMS,
    V1_SIGNATURE,
    V3_TOKEN_HEADER,
    RequestParts,
    SignatureCheck,
    SignatureVersion,
    access_key_id_of,
    check_v1,
    check_v3,
    parse_timestamp,
    parse_v3_authorization,
    signature_version_of,
)

RPC_PATH = "/"
_NOT_SMARTCALL_PARAMS = frozenset(V1_COMMON_PARAMS) | spec.SMARTCALL_COMMON_PARAMS


@dataclass(frozen=True, slots=True)
class SignedRequest:
    """A request that passed the gateway."""

    signature: SignatureVersion
    access_key_id: str
    params: dict[str, str]
    """The SmartCall parameters, decoded (``True``/``False`` and JSON strings as sent)."""


@dataclass(frozen=True, slots=True)
class _Common:
    """The common fields of a request, wherever its signature kind keeps them."""

    action: str
    version: str
    timestamp: str
    nonce: str
    access_key_id: str


class Gateway:
    """Checks requests against the AccessKeys the emulator was given."""

    def __init__(
        self,
        credentials: tuple[Credentials, ...],
        *,
        clock: SyncClock,
        nonces: NonceStore,
        qps: QpsWindow,
        tolerance_s: float = spec.SMARTCALL_REQUEST_TIME_TOLERANCE_S,
    ) -> None:
        self._secrets = {c.access_key_id: c.access_key_secret for c in credentials}
        self._tokens = {c.access_key_id: c.security_token for c in credentials if c.security_token}
        self._clock = clock
        self._nonces = nonces
        self._qps = qps
        self._tolerance_s = tolerance_s

    def admit(self, parts: RequestParts) -> SignedRequest:
        """The request's signer and SmartCall parameters; raises :class:`Rejected`."""
        if parts.path != RPC_PATH:
            raise Rejected(answers.ACTION_NOT_FOUND)
        version = _signature_version(parts)
        params = all_params(parts)
        common = _common_fields(parts, params, version)
        _check_action(common)
        accepted_for_s = self._check_time(common.timestamp)
        secret = self._secrets.get(common.access_key_id)
        if secret is None:
            raise Rejected(answers.ACCESS_KEY_NOT_FOUND)
        self._check_token(common.access_key_id, _token_of(parts, params, version))
        self._check_signature(parts, params, version, secret)
        self._check_replay_and_rate(common, accepted_for_s)
        smartcall = {k: v for k, v in params.items() if k not in _NOT_SMARTCALL_PARAMS}
        return SignedRequest(version, common.access_key_id, smartcall)

    def _check_time(self, text: str) -> float:
        """How much longer the request's timestamp stays acceptable (seconds); raises when it
        is malformed or out of the tolerance."""
        moment = parse_timestamp(text)
        if moment is None:
            raise Rejected(answers.TIMESTAMP_FORMAT)
        age = (self._clock.utcnow() - moment).total_seconds()  # negative: dated ahead
        if abs(age) > self._tolerance_s:
            raise Rejected(answers.TIMESTAMP_EXPIRED)
        return self._tolerance_s - age

    def _check_token(self, access_key_id: str, token: str | None) -> None:
        """An AccessKey configured with an STS token needs that token on every request."""
        expected = self._tokens.get(access_key_id)
        if expected is None:
            return
        if not token:
            raise Rejected(answers.SECURITY_TOKEN_MISSING)
        if not hmac.compare_digest(token.encode(), expected.encode()):
            raise Rejected(answers.SECURITY_TOKEN_MALFORMED)

    def _check_signature(
        self, parts: RequestParts, params: Mapping[str, str], version: str, secret: str
    ) -> None:
        if version == "v3":
            check = check_v3(parts, secret)
        else:
            check = check_v1(parts.method, params, secret)
        if check.ok:
            return
        if check.string_to_sign:
            token = _token_of(parts, params, version)
            raise Rejected(answers.SIGNATURE_DOES_NOT_MATCH, _mismatch_message(check, token))
        raise _incomplete(check.reason)

    def _check_replay_and_rate(self, common: _Common, accepted_for_s: float) -> None:
        """A nonce is kept while its request could be accepted again: a request dated 14 min
        ahead is on time for 29 min, so its nonce is kept 29 min, not the 15 of the window."""
        now = self._clock.monotonic()
        if not self._nonces.use(common.access_key_id, common.nonce, now, accepted_for_s + 1):
            raise Rejected(answers.NONCE_USED)
        if not self._qps.admit(common.access_key_id, now):
            raise Rejected(answers.THROTTLING)


def _mismatch_message(check: SignatureCheck, token: str | None) -> str:
    """The platform echoes its string to sign; the STS token in it (the configured one, or the
    one this request carried) is masked, in whatever encoding it appears."""
    text = secrets.mask(check.string_to_sign, extra=(token,))
    return f"Specified signature does not match our calculation. server string to sign is:{text}"


def _token_of(parts: RequestParts, params: Mapping[str, str], version: str) -> str | None:
    if version == "v3":
        return parts.headers.get(V3_TOKEN_HEADER)
    return params.get("SecurityToken")


def all_params(parts: RequestParts) -> dict[str, str]:
    """Query parameters, plus a form-encoded body's (RPC requests may send either)."""
    return parts.all_params()


def _signature_version(parts: RequestParts) -> SignatureVersion:
    version = signature_version_of(parts)
    authorization = parts.headers.get("authorization")
    if version == "v3" and parse_v3_authorization(authorization or "") is None:
        raise _incomplete("the Authorization header is malformed")
    if version is not None:
        return version
    if authorization is not None:
        raise _incomplete("the Authorization header is not ACS3-HMAC-SHA256")
    raise missing(V1_SIGNATURE)


def _incomplete(reason: str) -> Rejected:
    return Rejected(
        answers.INCOMPLETE_SIGNATURE,
        f"The request signature does not conform to Aliyun standards: {reason}.",
    )


def _common_fields(
    parts: RequestParts, params: Mapping[str, str], version: SignatureVersion
) -> _Common:
    if version == "v3":
        names = {
            "action": "x-acs-action",
            "version": "x-acs-version",
            "timestamp": "x-acs-date",
            "nonce": "x-acs-signature-nonce",
        }
        source: Mapping[str, str] = parts.headers
    else:
        names = {
            "action": "Action",
            "version": "Version",
            "timestamp": "Timestamp",
            "nonce": "SignatureNonce",
        }
        source = params
    values = {field: _required(source, name) for field, name in names.items()}
    key_id = access_key_id_of(parts) or ""
    if not key_id:
        raise missing("AccessKeyId")
    return _Common(access_key_id=key_id, **values)


def _required(source: Mapping[str, str], name: str) -> str:
    value = source.get(name, "")
    if not value:
        raise missing(name)
    return value


def _check_action(common: _Common) -> None:
    if common.action != spec.SMARTCALL_ACTION:
        raise Rejected(answers.ACTION_NOT_FOUND)
    if common.version != spec.SMARTCALL_API_VERSION:
        raise Rejected(answers.INVALID_VERSION)
