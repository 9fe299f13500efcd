"""The emulated API's accept and reject paths: every error code, with the platform's status."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from collections.abc import Coroutine
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from emulator_helpers import CALL, KEY_ID, SECRET, TOKEN, Harness, credentials, make_clock

from vcall.simulator import secrets, spec
from vcall.simulator.emulator import ApiRequestHandled
from vcall.simulator.emulator.app import MAX_REQUEST_BODY_BYTES
from vcall.simulator.smartcall.credentials import Credentials
from vcall.simulator.smartcall.signing import (
    RequestParts,
    SignatureV3Auth,
    format_timestamp,
    parse_timestamp,
    percent_encode,
    v1_signature,
)

REQUEST_ID = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$")
SDK_REQUESTS = Path(__file__).parents[1] / "smartcall" / "data" / "official_sdk_requests.json"


def body(response: httpx.Response) -> dict[str, str]:
    data = response.json()
    assert isinstance(data, dict)
    return data


def assert_error(response: httpx.Response, code: str) -> dict[str, str]:
    data = body(response)
    assert data["Code"] == code, data
    assert response.status_code == spec.SMARTCALL_ERROR_CODES[code].http_status
    assert "CallId" not in data
    assert REQUEST_ID.fullmatch(data["RequestId"])
    return data


@pytest.mark.parametrize("signature", ["v3", "v1"])
@pytest.mark.parametrize("token", [None, TOKEN])
def test_a_signed_call_is_accepted_with_a_call_id(signature: str, token: str | None) -> None:
    harness = Harness(credentials=(credentials(token),))
    request = harness.request(signature=signature, creds=credentials(token))
    (response,) = harness.exchange(request)
    data = body(response)
    assert response.status_code == 200
    assert (data["Code"], data["Message"]) == ("OK", "OK")
    assert spec.CALL_ID_PATTERN.fullmatch(data["CallId"])
    assert REQUEST_ID.fullmatch(data["RequestId"])
    assert response.headers["content-type"].startswith("application/json")


def test_the_request_is_reported_with_a_masked_key_and_its_parameters() -> None:
    harness = Harness()
    harness.exchange(harness.request(signature="v1"))
    handled = [e for e in harness.events if isinstance(e, ApiRequestHandled)]
    assert len(handled) == 1
    event = handled[0]
    assert (event.signature, event.access_key_id) == ("v1", "LTAI****0001")
    assert event.params["VoiceCodeParam"] == '{"name":"张先生"}'
    assert "Signature" not in event.params and "AccessKeyId" not in event.params
    assert event.at == make_clock().utcnow()


def test_requests_recorded_from_the_official_sdk_pass_the_gateway() -> None:
    """V3, V1, with and without STS token: the signature is verified, then the parameters are
    checked. The recorded OutId holds '*', one of seed 002's characters; OutId comes back in
    receipts, not callbacks (SPEC-NOTES §4): a warning, so the call is placed."""
    recorded = json.loads(SDK_REQUESTS.read_text(encoding="utf-8"))
    keys = Credentials(recorded["access_key_id"], recorded["access_key_secret"])
    for entry in recorded["requests"]:
        harness = Harness(credentials=(keys,))
        harness.clock.advance((_request_time(entry) - harness.clock.utcnow()).total_seconds())
        path, _, query = entry["path"].partition("?")
        parts = RequestParts.from_raw(
            entry["method"], path, query, entry["headers"], entry["body"].encode()
        )

        async def handle(parts: RequestParts = parts, harness: Harness = harness) -> str:
            return harness.emulator.handle(parts).message

        message = _run(handle())
        assert message == "OK", entry["label"]


def _request_time(entry: dict[str, object]) -> datetime:
    headers = dict(entry["headers"])  # type: ignore[call-overload]
    text = headers.get("x-acs-date") or re.search(r"Timestamp=([^&]+)", str(entry["path"]))
    if not isinstance(text, str):
        text = text.group(1).replace("%3A", ":") if text else ""
    moment = parse_timestamp(text)
    assert moment is not None
    return moment


def _run(coroutine: Coroutine[Any, Any, str]) -> str:
    return asyncio.run(coroutine)


@pytest.mark.parametrize("signature", ["v3", "v1"])
def test_wrong_secret_is_signature_does_not_match(signature: str) -> None:
    harness = Harness()
    request = harness.request(signature=signature, creds=credentials(secret="not-the-secret"))
    (response,) = harness.exchange(request)
    data = assert_error(response, "SignatureDoesNotMatch")
    assert "server string to sign is:" in data["Message"]


def test_the_echoed_string_to_sign_masks_the_sts_token() -> None:
    harness = Harness(credentials=(credentials(TOKEN),))
    wrong = Credentials(KEY_ID, "not-the-secret", TOKEN)
    responses = harness.exchange(
        harness.request(signature="v1", creds=wrong), harness.request(signature="v3", creds=wrong)
    )
    messages = [assert_error(r, "SignatureDoesNotMatch")["Message"] for r in responses]
    for message in messages:
        for form in (TOKEN, percent_encode(TOKEN), percent_encode(percent_encode(TOKEN))):
            assert form not in message
    assert "SecurityToken%3D****" in messages[0]  # V1 signs the token as a parameter


def test_unknown_access_key_is_not_found() -> None:
    harness = Harness()
    stranger = Credentials("LTAI5tSomeoneElse999", SECRET)
    (response,) = harness.exchange(harness.request(creds=stranger))
    assert assert_error(response, "InvalidAccessKeyId.NotFound")["Message"] == (
        "Specified access key is not found."
    )


def test_missing_required_parameter() -> None:
    harness = Harness()
    params = {k: v for k, v in CALL.items() if k != "CalledNumber"}
    (response,) = harness.exchange(harness.request(params))
    message = assert_error(response, "MissingParameter")["Message"]
    assert '"CalledNumber"' in message


def test_an_unsigned_request_misses_its_signature() -> None:
    harness = Harness()
    request = httpx.Request("POST", "http://emulator.test/?CalledNumber=13800138000")
    (response,) = harness.exchange(request)
    assert '"Signature"' in assert_error(response, "MissingParameter")["Message"]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"OutId": "order-2024-000000001"}, "isv.INVALID_PARAMETERS"),
        ({"Volume": 9}, "isv.INVALID_PARAMETERS"),
        ({"CalledNumber": "12345"}, "isv.MOBILE_NUMBER_ILLEGAL"),
        ({"CalledNumber": "+14155550100"}, "isv.MOBILE_NUMBER_ILLEGAL"),
        ({"CalledShowNumber": "hotline"}, "isv.DISPLAY_NUMBER_ILLEGAL"),
    ],
)
def test_parameter_errors_get_the_product_codes_with_http_200(
    change: dict[str, object], code: str
) -> None:
    harness = Harness()
    (response,) = harness.exchange(harness.request({**CALL, **change}))
    data = assert_error(response, code)
    assert response.status_code == 200
    assert next(iter(change)) in data["Message"]
    assert harness.emulator.calls.started == 0


def test_warnings_do_not_stop_the_call_and_are_reported() -> None:
    harness = Harness()
    (response,) = harness.exchange(harness.request({**CALL, "MuteTime": 50000, "Speed": 1}))
    assert body(response)["Code"] == "OK"
    event = next(e for e in harness.events if isinstance(e, ApiRequestHandled))
    assert {f.rule for f in event.findings} >= {"range-fallback", "param-unsupported"}


def test_booleans_as_the_sdk_sends_them_are_accepted() -> None:
    harness = Harness()
    params = {**CALL, "RecordFlag": "True", "ActionCodeBreak": "False", "EarlyMediaAsr": "false"}
    (response,) = harness.exchange(harness.request(params))
    assert body(response)["Code"] == "OK"


def test_throttling_past_the_qps_then_admitted_a_second_later() -> None:
    harness = Harness(qps=2)

    async def go() -> list[str]:
        codes = [body(await harness.send(harness.request()))["Code"] for _ in range(3)]
        harness.clock.advance(0.999)
        codes.append(body(await harness.send(harness.request()))["Code"])
        harness.clock.advance(0.002)
        codes.append(body(await harness.send(harness.request()))["Code"])
        await harness.emulator.aclose()
        return codes

    assert asyncio.run(go()) == ["OK", "OK", "Throttling", "Throttling", "OK"]
    assert spec.SMARTCALL_ERROR_CODES["Throttling"].http_status == 400


def test_a_reused_nonce_is_refused_until_the_window_has_passed() -> None:
    harness = Harness()
    same = lambda: "the-same-nonce"  # noqa: E731
    first = harness.request(nonce=same)

    async def go() -> list[httpx.Response]:
        responses = [await harness.send(first), await harness.send(harness.request(nonce=same))]
        harness.clock.advance(spec.SMARTCALL_REQUEST_TIME_TOLERANCE_S + 1)
        responses.append(await harness.send(harness.request(nonce=same)))
        await harness.emulator.aclose()
        return responses

    responses = asyncio.run(go())
    assert body(responses[0])["Code"] == "OK"
    assert assert_error(responses[1], "SignatureNonceUsed")["Message"] == (
        "Specified signature nonce was used already."
    )
    assert body(responses[2])["Code"] == "OK"


@pytest.mark.parametrize("signature", ["v3", "v1"])
def test_a_request_dated_ahead_is_refused_again_for_as_long_as_its_timestamp_is_accepted(
    signature: str,
) -> None:
    """Dated +14 min, a request is accepted until 29 min after it came: its nonce is kept that
    long, so the same request replayed 15 min later is refused, not placed twice."""
    harness = Harness()
    tolerance = spec.SMARTCALL_REQUEST_TIME_TOLERANCE_S
    ahead = make_clock()
    ahead.advance(tolerance - 60)  # the signer's clock: 14 minutes ahead
    request = harness.request(signature=signature, clock=ahead)
    replay = harness.request(signature=signature, clock=ahead, nonce=lambda: "nonce-0001")

    async def go() -> list[httpx.Response]:
        responses = [await harness.send(request)]
        harness.clock.advance(tolerance + 1)  # the first window (from arrival) has passed
        responses.append(await harness.send(replay))
        harness.clock.advance(tolerance - 60)  # now the timestamp itself is out of date
        responses.append(await harness.send(replay))
        await harness.emulator.aclose()
        return responses

    first, again, late = asyncio.run(go())
    assert body(first)["Code"] == "OK"
    assert assert_error(again, "SignatureNonceUsed")
    assert body(late)["Code"] != "OK"


def test_a_nonce_of_a_rejected_signature_is_not_burnt() -> None:
    harness = Harness()
    same = lambda: "n-1"  # noqa: E731
    forged = harness.request(creds=credentials(secret="wrong"), nonce=same)
    genuine = harness.request(nonce=same)
    responses = harness.exchange(forged, genuine)
    assert body(responses[0])["Code"] == "SignatureDoesNotMatch"
    assert body(responses[1])["Code"] == "OK"


@pytest.mark.parametrize(
    ("skew_minutes", "code"),
    [(-16, "InvalidTimeStamp.Expired"), (16, "InvalidTimeStamp.Expired"), (-14, "OK"), (14, "OK")],
)
@pytest.mark.parametrize("signature", ["v3", "v1"])
def test_timestamps_more_than_15_minutes_off_are_expired(
    skew_minutes: int, code: str, signature: str
) -> None:
    harness = Harness()
    client_clock = make_clock()
    if skew_minutes > 0:
        client_clock.advance(skew_minutes * 60)
    else:
        harness.clock.advance(-skew_minutes * 60)
    (response,) = harness.exchange(harness.request(signature=signature, clock=client_clock))
    assert body(response)["Code"] == code


def _v1_request(harness: Harness, **overrides: str) -> httpx.Request:
    params = {
        "Action": "SmartCall",
        "Version": spec.SMARTCALL_API_VERSION,
        "Format": "JSON",
        "AccessKeyId": KEY_ID,
        "SignatureMethod": "HMAC-SHA1",
        "SignatureVersion": "1.0",
        "SignatureNonce": "hand-made-1",
        "Timestamp": format_timestamp(harness.clock.utcnow()),
        **{k: str(v) for k, v in CALL.items() if isinstance(v, str)},
        "VoiceCodeParam": '{"name":"张先生"}',
    }
    params.update(overrides)
    params["Signature"] = v1_signature("POST", params, SECRET)
    return httpx.Request("POST", "http://emulator.test/", params=params)


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"Action": "SingleCallByTts"}, "InvalidAction.NotFound"),
        ({"Version": "2017-06-25"}, "InvalidVersion"),
        ({"Timestamp": "2025/06/01 09:30"}, "InvalidTimeStamp.Format"),
        ({"SignatureMethod": "HMAC-SHA256"}, "IncompleteSignature"),
        ({"SignatureNonce": ""}, "MissingParameter"),
    ],
)
def test_v1_gateway_errors(overrides: dict[str, str], code: str) -> None:
    harness = Harness()
    (response,) = harness.exchange(_v1_request(harness, **overrides))
    assert_error(response, code)


def test_a_hand_signed_v1_request_is_accepted() -> None:
    harness = Harness()
    (response,) = harness.exchange(_v1_request(harness))
    assert body(response)["Code"] == "OK"


def _v3_request(harness: Harness, action: str = "SmartCall", version: str = "") -> httpx.Request:
    auth = SignatureV3Auth(
        credentials(),
        action=action,
        version=version or spec.SMARTCALL_API_VERSION,
        clock=harness.clock,
        nonce=lambda: "v3-nonce",
    )
    request = httpx.Request("POST", "http://emulator.test/", params={"CalledNumber": "1"})
    return auth.sign(request)


def test_v3_other_action_and_version() -> None:
    harness = Harness()
    responses = harness.exchange(
        _v3_request(harness, action="SingleCallByVoice"), _v3_request(harness, version="2020-01-01")
    )
    assert_error(responses[0], "InvalidAction.NotFound")
    assert_error(responses[1], "InvalidVersion")


def test_v3_incomplete_signatures() -> None:
    harness = Harness()
    tampered_body = harness.request()
    tampered_body.headers["x-acs-content-sha256"] = hashlib.sha256(b"x").hexdigest()
    other_scheme = harness.request()
    other_scheme.headers["Authorization"] = "Bearer abc"
    malformed = harness.request()
    malformed.headers["Authorization"] = "ACS3-HMAC-SHA256 Credential=LTAI5t"
    unsigned_header = harness.request()
    unsigned_header.headers["x-acs-security-token"] = "added after signing"
    requests = (tampered_body, other_scheme, malformed, unsigned_header)
    reasons = [
        assert_error(r, "IncompleteSignature")["Message"] for r in harness.exchange(*requests)
    ]
    assert "x-acs-content-sha256" in reasons[0]
    assert "malformed" in reasons[2]
    assert "x-acs-security-token is not signed" in reasons[3]


def test_a_path_other_than_the_root_is_not_an_api() -> None:
    harness = Harness()
    request = harness.request()
    request.url = request.url.copy_with(path="/v1/calls")
    (response,) = harness.exchange(request)
    assert_error(response, "InvalidAction.NotFound")


def test_clock_tolerance_boundary_uses_the_spec_value() -> None:
    assert timedelta(seconds=spec.SMARTCALL_REQUEST_TIME_TOLERANCE_S) == timedelta(minutes=15)


# --- STS tokens, form bodies, body size ------------------------------------------------------


@pytest.mark.parametrize("signature", ["v3", "v1"])
def test_an_sts_key_needs_its_token(signature: str) -> None:
    harness = Harness(credentials=(credentials(TOKEN),))
    without = harness.request(signature=signature, creds=credentials(None))
    wrong = harness.request(signature=signature, creds=credentials("STS.someone-elses-token"))
    right = harness.request(signature=signature, creds=credentials(TOKEN))
    responses = harness.exchange(without, wrong, right)
    assert assert_error(responses[0], "MissingSecurityToken")
    assert (
        "someone-elses"
        not in assert_error(responses[1], "InvalidSecurityToken.Malformed")["Message"]
    )
    assert body(responses[2])["Code"] == "OK"


def test_a_received_token_is_masked_in_the_echoed_string_to_sign() -> None:
    """The emulator was given no token; the request carries one it has never seen."""
    harness = Harness()
    unseen = "STS.NeverConfigured+Token/Value=="
    request = harness.request(signature="v1", creds=Credentials(KEY_ID, "n0t-th3-S3cr3t", unseen))
    secrets.REGISTRY.forget_all()  # nothing known: the gateway must mask what it received
    (response,) = harness.exchange(request)
    message = assert_error(response, "SignatureDoesNotMatch")["Message"]
    for form in (unseen, percent_encode(unseen), percent_encode(percent_encode(unseen))):
        assert form[4:20] not in message
    (event,) = [e for e in harness.events if isinstance(e, ApiRequestHandled)]
    assert "NeverConfigured" not in event.answer.message


def test_a_v1_request_signed_in_a_form_body_is_accepted() -> None:
    harness = Harness()
    query_request = _v1_request(harness)
    form = query_request.url.query
    request = httpx.Request(
        "POST",
        "http://emulator.test/",
        content=form,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    (response,) = harness.exchange(request)
    assert body(response)["Code"] == "OK"


def test_a_body_over_the_cap_is_turned_down_before_it_is_read() -> None:
    harness = Harness()
    chunks_read = 0

    async def go() -> tuple[dict[str, Any], list[dict[str, Any]]]:
        nonlocal chunks_read

        async def receive() -> dict[str, Any]:
            nonlocal chunks_read
            chunks_read += 1
            return {"type": "http.request", "body": b"x" * 65536, "more_body": True}

        sent: list[dict[str, Any]] = []

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        scope = {"type": "http", "method": "POST", "path": "/", "query_string": b"", "headers": []}
        await harness.emulator(scope, receive, send)  # type: ignore[arg-type]
        declared = {**scope, "headers": [(b"content-length", str(2**30).encode())]}
        before = chunks_read
        await harness.emulator(declared, receive, send)  # type: ignore[arg-type]
        assert chunks_read == before  # a declared GiB: not a byte read
        await harness.emulator.aclose()
        return sent[0], sent

    start, sent = asyncio.run(go())
    assert start["status"] == 413
    assert chunks_read <= MAX_REQUEST_BODY_BYTES // 65536 + 1  # an endless body: bounded reading
    assert json.loads(sent[1]["body"])["Code"] == "vcall.REQUEST_TOO_LARGE"
    assert sent[2]["status"] == 413
