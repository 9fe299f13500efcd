"""What the emulated SmartCall API answers: ``{RequestId, Code, Message[, CallId]}`` and a status.

Error answers carry the platform's code, its HTTP status (``spec.SMARTCALL_ERROR_CODES``) and a
message worded as the platform words it. Request ids look like the platform's (an upper-case
UUID); they come from an injected random source so that tests are repeatable.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from typing import Any

from vcall.simulator import spec
from vcall.simulator.errors import VcallError

OK_CODE = "OK"
MISSING_PARAMETER = "MissingParameter"
SIGNATURE_DOES_NOT_MATCH = "SignatureDoesNotMatch"
INCOMPLETE_SIGNATURE = "IncompleteSignature"
ACCESS_KEY_NOT_FOUND = "InvalidAccessKeyId.NotFound"
ACTION_NOT_FOUND = "InvalidAction.NotFound"
INVALID_VERSION = "InvalidVersion"
TIMESTAMP_EXPIRED = "InvalidTimeStamp.Expired"
TIMESTAMP_FORMAT = "InvalidTimeStamp.Format"
NONCE_USED = "SignatureNonceUsed"
THROTTLING = "Throttling"
SECURITY_TOKEN_MISSING = "MissingSecurityToken"
SECURITY_TOKEN_MALFORMED = "InvalidSecurityToken.Malformed"
REQUEST_TOO_LARGE = "vcall.REQUEST_TOO_LARGE"
INVALID_PARAMETERS = "isv.INVALID_PARAMETERS"
MOBILE_NUMBER_ILLEGAL = "isv.MOBILE_NUMBER_ILLEGAL"
DISPLAY_NUMBER_ILLEGAL = "isv.DISPLAY_NUMBER_ILLEGAL"

MESSAGES = {
    ACCESS_KEY_NOT_FOUND: "Specified access key is not found.",
    ACTION_NOT_FOUND: "Specified api is not found, please check your url and method.",
    INVALID_VERSION: "Specified parameter Version is not valid.",
    TIMESTAMP_EXPIRED: "Specified time stamp or date value is expired.",
    TIMESTAMP_FORMAT: "Specified time stamp or date value is not well formatted.",
    NONCE_USED: "Specified signature nonce was used already.",
    THROTTLING: "Request was denied due to request throttling.",
    SECURITY_TOKEN_MISSING: "SecurityToken is mandatory for this action.",
    SECURITY_TOKEN_MALFORMED: "Specified SecurityToken is malformed.",
}
"""The platform's wording, for the codes whose message does not depend on the request."""


class Rejected(VcallError):
    """A request the emulated API turns down, with the platform's code and message."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(f"{code}: {message or MESSAGES.get(code, code)}")
        self.code = code
        self.message = message or MESSAGES.get(code, code)


def missing(name: str) -> Rejected:
    return Rejected(
        MISSING_PARAMETER,
        f'The input parameter "{name}" that is mandatory for processing this request is not '
        "supplied.",
    )


@dataclass(frozen=True, slots=True)
class ApiAnswer:
    """One answer of the API: the HTTP status and the JSON body's fields."""

    status: int
    code: str
    message: str
    request_id: str
    call_id: str = ""

    @property
    def ok(self) -> bool:
        return self.code == OK_CODE

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "RequestId": self.request_id,
            "Code": self.code,
            "Message": self.message,
        }
        if self.ok:
            body["CallId"] = self.call_id
        else:
            body["HostId"] = spec.SMARTCALL_ENDPOINT
        return body

    @classmethod
    def accepted(cls, call_id: str, request_id: str) -> ApiAnswer:
        return cls(200, OK_CODE, OK_CODE, request_id, call_id)

    @classmethod
    def rejected(cls, rejection: Rejected, request_id: str) -> ApiAnswer:
        known = spec.SMARTCALL_ERROR_CODES.get(rejection.code)
        status = known.http_status if known is not None else 400
        return cls(status, rejection.code, rejection.message, request_id)


class RequestIds:
    """Platform-like request ids (``D9CB3933-9FE3-4870-BA8E-2BEE91B69D23``)."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def next(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4)).upper()
