"""Client side of the SmartCall API: request signing (V1 and V3), credentials, the API client,
bounded retries and batch placement. The emulator reuses :mod:`.signing` to verify signatures."""

from vcall.simulator.smartcall.batch import DEFAULT_QPS, BatchRun, BatchSummary
from vcall.simulator.smartcall.batch_input import read_input
from vcall.simulator.smartcall.client import (
    DEFAULT_ENDPOINT,
    SignatureKind,
    SmartCallClient,
    SmartCallResult,
    describe_request_masked,
    mask_for_display,
)
from vcall.simulator.smartcall.clock import SyncClock, SystemClock
from vcall.simulator.smartcall.credentials import (
    SOURCE_FLAGS,
    Credentials,
    mask_access_key_id,
    resolve_credentials,
)
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

__all__ = [
    "DEFAULT_ENDPOINT",
    "DEFAULT_QPS",
    "SOURCE_FLAGS",
    "V1_COMMON_PARAMS",
    "V1_SIGNATURE",
    "V3_TOKEN_HEADER",
    "BatchRun",
    "BatchSummary",
    "Credentials",
    "RequestParts",
    "SignatureCheck",
    "SignatureKind",
    "SignatureVersion",
    "SmartCallClient",
    "SmartCallResult",
    "SyncClock",
    "SystemClock",
    "access_key_id_of",
    "check_v1",
    "check_v3",
    "describe_request_masked",
    "mask_access_key_id",
    "mask_for_display",
    "parse_timestamp",
    "parse_v3_authorization",
    "read_input",
    "resolve_credentials",
    "signature_version_of",
]
