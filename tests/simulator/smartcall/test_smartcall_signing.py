"""V1 and V3 signatures: official vectors, an independent reference, round trips, and the
requests the official SDK really sends."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from smartcall_fakes import ACCESS_KEY_ID, SECRET, TOKEN

from vcall.simulator.smartcall.clock import VirtualSyncClock
from vcall.simulator.smartcall.credentials import Credentials
from vcall.simulator.smartcall.signing import (
    RequestParts,
    SignatureV1Auth,
    SignatureV3Auth,
    access_key_id_of,
    check_v1,
    check_v3,
    parse_timestamp,
    parse_v3_authorization,
    percent_encode,
    signature_version_of,
    v1_signature,
    v1_string_to_sign,
    v3_canonical_request,
    v3_signature,
    v3_string_to_sign,
    verify_v1,
    verify_v3,
)

DATA = Path(__file__).parent / "data"
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


# --- V1 ----------------------------------------------------------------------------------------

OFFICIAL_V1_PARAMS = {
    "Action": "DescribeRegions",
    "Version": "2014-05-26",
    "Format": "XML",
    "AccessKeyId": "testid",
    "SignatureMethod": "HMAC-SHA1",
    "SignatureVersion": "1.0",
    "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
    "Timestamp": "2016-02-23T12:46:24Z",
}


def test_v1_official_vector_string_to_sign_and_signature() -> None:
    assert v1_string_to_sign("GET", OFFICIAL_V1_PARAMS) == (
        "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML"
        "%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"
        "%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z"
        "%26Version%3D2014-05-26"
    )
    assert v1_signature("GET", OFFICIAL_V1_PARAMS, "testsecret") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


def test_v1_official_vector_verifies_and_rejects_tampering() -> None:
    signed = {**OFFICIAL_V1_PARAMS, "Signature": "OLeaidS1JvxuMvnyHOwuJ+uX5qY="}
    assert verify_v1("GET", signed, "testsecret")
    assert not verify_v1("POST", signed, "testsecret")
    assert not verify_v1("GET", signed, "othersecret")
    assert not verify_v1("GET", {**signed, "Format": "JSON"}, "testsecret")


@pytest.mark.parametrize(
    ("raw", "encoded"),
    [
        ("a b", "a%20b"),
        ("*", "%2A"),
        ("~-_.", "~-_."),
        ("/", "%2F"),
        ("+", "%2B"),
        ("张三", "%E5%BC%A0%E4%B8%89"),
        ("$name$", "%24name%24"),
    ],
)
def test_percent_encode_follows_rfc3986_unreserved_set(raw: str, encoded: str) -> None:
    assert percent_encode(raw) == encoded


def test_v1_reasons_name_what_is_wrong() -> None:
    signed = {**OFFICIAL_V1_PARAMS, "Signature": "OLeaidS1JvxuMvnyHOwuJ+uX5qY="}
    assert check_v1("GET", {**signed, "Signature": ""}, "x").reason == "missing parameter Signature"
    method = {**signed, "SignatureMethod": "HMAC-SHA256"}
    assert check_v1("GET", method, "testsecret").reason == "SignatureMethod must be HMAC-SHA1"
    wrong = check_v1("GET", signed, "nope")
    assert wrong.reason == "signature does not match"
    assert wrong.string_to_sign.startswith("GET&%2F&AccessKeyId%3Dtestid")


def _v1_auth(credentials: Credentials) -> SignatureV1Auth:
    return SignatureV1Auth(
        credentials,
        action="SmartCall",
        version="2017-05-25",
        clock=VirtualSyncClock(),
        nonce=lambda: "nonce-1",
    )


def test_v1_auth_adds_common_parameters_and_round_trips(sts_credentials: Credentials) -> None:
    request = httpx.Request("POST", "https://dyvmsapi.aliyuncs.com/?CalledNumber=13800138000")
    signed = _v1_auth(sts_credentials).sign(request)
    params = dict(signed.url.params)
    assert params["Action"] == "SmartCall"
    assert params["Version"] == "2017-05-25"
    assert params["Format"] == "JSON"
    assert params["AccessKeyId"] == ACCESS_KEY_ID
    assert params["SecurityToken"] == TOKEN
    assert params["SignatureNonce"] == "nonce-1"
    assert params["Timestamp"] == "2024-05-01T08:00:00Z"
    assert params["CalledNumber"] == "13800138000"
    assert verify_v1("POST", params, SECRET)
    assert not verify_v1("POST", {**params, "CalledNumber": "13900139000"}, SECRET)


def test_v1_auth_works_as_httpx_auth(credentials: Credentials) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    with httpx.Client(transport=httpx.MockTransport(handler), auth=_v1_auth(credentials)) as http:
        http.post("https://dyvmsapi.aliyuncs.com/?VoiceCode=a%20b.wav")
    params = dict(seen[0].url.params)
    assert params["VoiceCode"] == "a b.wav"
    assert verify_v1("POST", params, SECRET)


# --- V3 ----------------------------------------------------------------------------------------


def test_v3_vendor_example_signature() -> None:
    """The worked example of the vendor's "V3 request structure and signature" page
    (ECS RunInstances): fixed key, nonce and date give a published signature."""
    headers = {
        "host": "ecs.cn-shanghai.aliyuncs.com",
        "x-acs-action": "RunInstances",
        "x-acs-content-sha256": EMPTY_SHA256,
        "x-acs-date": "2023-10-26T10:22:32Z",
        "x-acs-signature-nonce": "3156853299f313e23d1673dc12e1703d",
        "x-acs-version": "2014-05-26",
    }
    query = "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai"
    parts = RequestParts.from_raw("POST", "/", query, headers.items())
    canonical = v3_canonical_request(parts, sorted(headers), EMPTY_SHA256)
    signature = v3_signature(v3_string_to_sign(canonical), "YourAccessKeySecret")
    assert signature == "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
    authorization = (
        "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;"
        f"x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature={signature}"
    )
    full = RequestParts.from_raw(
        "POST", "/", query, [*headers.items(), ("Authorization", authorization)]
    )
    assert verify_v3(full, "YourAccessKeySecret")


def _reference_v3_authorization(request: httpx.Request, key_id: str, secret: str) -> str:
    """The V3 algorithm written out plainly, independent of the module under test."""
    headers = {k.lower(): v.strip() for k, v in request.headers.items()}
    signed_names = sorted(
        k for k in headers if k == "host" or k == "content-type" or k.startswith("x-acs-")
    )
    canonical_headers = ""
    for name in signed_names:
        canonical_headers += name + ":" + headers[name] + "\n"
    query_pairs = sorted(request.url.params.multi_items())
    canonical_query = "&".join(percent_encode(k) + "=" + percent_encode(v) for k, v in query_pairs)
    payload_hash = hashlib.sha256(request.content).hexdigest()
    canonical_request = (
        request.method
        + "\n/\n"
        + canonical_query
        + "\n"
        + canonical_headers
        + "\n"
        + ";".join(signed_names)
        + "\n"
        + payload_hash
    )
    string_to_sign = (
        "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()
    )
    signature = hmac.new(
        secret.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha256
    ).hexdigest()
    return (
        f"ACS3-HMAC-SHA256 Credential={key_id},"
        f"SignedHeaders={';'.join(signed_names)},Signature={signature}"
    )


def _v3_auth(credentials: Credentials) -> SignatureV3Auth:
    return SignatureV3Auth(
        credentials,
        action="SmartCall",
        version="2017-05-25",
        clock=VirtualSyncClock(),
        nonce=lambda: "0123456789abcdef",
    )


@pytest.mark.parametrize("with_token", [False, True])
def test_v3_auth_matches_independent_reference(
    credentials: Credentials, sts_credentials: Credentials, with_token: bool
) -> None:
    creds = sts_credentials if with_token else credentials
    url = "https://dyvmsapi.aliyuncs.com/?VoiceCode=a%20b.wav&OutId=%E8%AE%A2%E5%8D%95%2A1"
    signed = _v3_auth(creds).sign(httpx.Request("POST", url))
    assert signed.headers["x-acs-action"] == "SmartCall"
    assert signed.headers["x-acs-version"] == "2017-05-25"
    assert signed.headers["x-acs-date"] == "2024-05-01T08:00:00Z"
    assert signed.headers["x-acs-signature-nonce"] == "0123456789abcdef"
    assert signed.headers["x-acs-content-sha256"] == EMPTY_SHA256
    assert ("x-acs-security-token" in signed.headers) is with_token
    expected = _reference_v3_authorization(signed, ACCESS_KEY_ID, SECRET)
    assert signed.headers["authorization"] == expected


def test_v3_round_trip_and_tampering(sts_credentials: Credentials) -> None:
    signed = _v3_auth(sts_credentials).sign(
        httpx.Request("POST", "https://dyvmsapi.aliyuncs.com/?CalledNumber=13800138000")
    )
    assert verify_v3(signed, SECRET)
    assert not verify_v3(signed, "wrong")
    parts = RequestParts.from_httpx(signed)
    changed_query = RequestParts.from_raw(
        "POST", "/", "CalledNumber=13900139000", parts.headers.items()
    )
    assert check_v3(changed_query, SECRET).reason == "signature does not match"
    changed_body = RequestParts.from_raw(
        "POST", "/", signed.url.query, parts.headers.items(), b"x=1"
    )
    assert check_v3(changed_body, SECRET).reason == "x-acs-content-sha256 does not match the body"


def _parts_with(signed: httpx.Request, **changes: str | None) -> RequestParts:
    headers = dict(RequestParts.from_httpx(signed).headers)
    for name, value in changes.items():
        key = name.replace("_", "-")
        if value is None:
            headers.pop(key, None)
        else:
            headers[key] = value
    return RequestParts.from_raw("POST", "/", signed.url.query, headers.items())


def test_v3_reasons_name_what_is_wrong(sts_credentials: Credentials) -> None:
    signed = _v3_auth(sts_credentials).sign(httpx.Request("POST", "https://h.example/?A=1"))
    auth = signed.headers["authorization"]
    unsigned_token = auth.replace(";x-acs-security-token", "")
    cases = {
        "missing Authorization header": _parts_with(signed, authorization=None),
        "malformed Authorization header": _parts_with(signed, authorization="ACS3-HMAC-SHA256"),
        "unsupported signature algorithm ACS3-HMAC-SM3": _parts_with(
            signed, authorization=auth.replace("ACS3-HMAC-SHA256", "ACS3-HMAC-SM3")
        ),
        "missing header x-acs-date": _parts_with(signed, x_acs_date=None),
        "header x-acs-security-token is not signed": _parts_with(
            signed, authorization=unsigned_token
        ),
    }
    for reason, parts in cases.items():
        assert check_v3(parts, SECRET).reason == reason


def test_parse_v3_authorization() -> None:
    auth = parse_v3_authorization(
        "ACS3-HMAC-SHA256 Credential=id1,SignedHeaders=Host;x-acs-date,Signature=abc"
    )
    assert auth is not None
    assert auth.access_key_id == "id1"
    assert auth.signed_headers == ("host", "x-acs-date")
    assert auth.signature == "abc"
    assert parse_v3_authorization("ACS3-HMAC-SHA256 Credential=id1") is None


# --- what the official SDK sends ---------------------------------------------------------------


def _official() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((DATA / "official_sdk_requests.json").read_text("utf-8"))
    return document


def _official_parts(entry: dict[str, Any]) -> RequestParts:
    path, _, query = entry["path"].partition("?")
    headers = [(name, value) for name, value in entry["headers"]]
    return RequestParts.from_raw(entry["method"], path, query, headers, entry["body"].encode())


@pytest.mark.parametrize("index", range(4))
def test_requests_of_the_official_sdk_verify(index: int) -> None:
    document = _official()
    entry = document["requests"][index]
    parts = _official_parts(entry)
    secret = document["access_key_secret"]
    version = signature_version_of(parts)
    assert version == entry["label"].split()[0]
    assert access_key_id_of(parts) == document["access_key_id"]
    if version == "v3":
        assert verify_v3(parts, secret)
        assert not verify_v3(parts, secret + "x")
    else:
        params = parts.query_dict()
        assert verify_v1(parts.method, params, secret)
        assert not verify_v1(parts.method, params, secret + "x")


def test_official_sdk_sends_python_booleans_capitalised() -> None:
    params = _official_parts(_official()["requests"][0]).query_dict()
    assert params["RecordFlag"] == "True"
    assert params["ActionCodeBreak"] == "False"
    assert params["OutId"] == "order 1*2~"  # sent as "order+1%2A2~": '+' is a space


def test_detection_of_unsigned_request() -> None:
    parts = RequestParts.from_raw("POST", "/", "A=1", [("host", "h")])
    assert signature_version_of(parts) is None
    assert access_key_id_of(parts) is None


def test_parse_timestamp() -> None:
    moment = parse_timestamp("2016-02-23T12:46:24Z")
    assert moment is not None
    assert (moment.year, moment.hour, moment.utcoffset()) == (2016, 12, timedelta(0))
    assert parse_timestamp("2016-02-23 12:46:24") is None
