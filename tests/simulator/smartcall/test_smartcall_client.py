"""The SmartCall client: request shape, signatures, responses, retries, masking."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

import httpx
import pytest
from smartcall_fakes import (
    ACCESS_KEY_ID,
    CALL_PARAMS,
    SECRET,
    TOKEN,
    FakeApi,
    answering,
    api_answer,
)

from vcall.simulator.errors import EndpointUnreachableError, UsageError
from vcall.simulator.smartcall.client import (
    INVALID_RESPONSE_CODE,
    SmartCallClient,
    describe_request_masked,
    encode_params,
    normalize_endpoint,
    outcome_unknown,
)
from vcall.simulator.smartcall.clock import VirtualSyncClock
from vcall.simulator.smartcall.credentials import Credentials
from vcall.simulator.smartcall.retry import RetryPolicy
from vcall.simulator.smartcall.signing import percent_encode, verify_v1, verify_v3

MakeClient = Callable[..., SmartCallClient]


def test_encode_params_lowercase_booleans_and_compact_json() -> None:
    encoded = encode_params({**CALL_PARAMS, "OutId": None, "TtsSpeed": -100})
    assert encoded["RecordFlag"] == "true"
    assert encoded["ActionCodeBreak"] == "false"
    assert encoded["VoiceCodeParam"] == '{"name":"张三"}'
    assert encoded["Volume"] == "1"
    assert encoded["TtsSpeed"] == "-100"
    assert "OutId" not in encoded
    assert list(encoded) == sorted(encoded)


def test_encode_params_refuses_signer_names_and_odd_values() -> None:
    with pytest.raises(UsageError, match="parameter AccessKeyId is set by vcall's signer"):
        encode_params({"AccessKeyId": "x"})
    with pytest.raises(UsageError, match="cannot send a bytes"):
        encode_params({"VoiceCode": b"x"})


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("dyvmsapi.aliyuncs.com", "https://dyvmsapi.aliyuncs.com"),
        ("https://dyvmsapi.aliyuncs.com/", "https://dyvmsapi.aliyuncs.com"),
        ("http://127.0.0.1:8731", "http://127.0.0.1:8731"),
    ],
)
def test_normalize_endpoint(given: str, expected: str) -> None:
    assert normalize_endpoint(given) == expected


@pytest.mark.parametrize("bad", ["ftp://host", "https://host/api", "https://host/?a=1"])
def test_normalize_endpoint_rejects(bad: str) -> None:
    with pytest.raises(UsageError, match="endpoint"):
        normalize_endpoint(bad)


def test_prepare_v3_is_the_signed_rpc_request(make_client: MakeClient) -> None:
    request = make_client().prepare(CALL_PARAMS)
    assert request.method == "POST"
    assert request.url.host == "dyvmsapi.aliyuncs.com"
    assert request.url.path == "/"
    assert request.content == b""
    params = dict(request.url.params)
    assert params["RecordFlag"] == "true"
    assert params["VoiceCodeParam"] == '{"name":"张三"}'
    assert b"%E5%BC%A0" in request.url.query  # percent-encoded UTF-8, never '+'
    assert request.headers["x-acs-action"] == "SmartCall"
    assert request.headers["x-acs-version"] == "2017-05-25"
    assert request.headers["authorization"].startswith(
        f"ACS3-HMAC-SHA256 Credential={ACCESS_KEY_ID},"
    )
    assert verify_v3(request, SECRET)


def test_prepare_v1_is_the_signed_rpc_request(
    make_client: MakeClient, sts_credentials: Credentials
) -> None:
    request = make_client(signature="v1", credentials=sts_credentials).prepare(CALL_PARAMS)
    params = dict(request.url.params)
    assert params["Action"] == "SmartCall"
    assert params["Version"] == "2017-05-25"
    assert params["SecurityToken"] == TOKEN
    assert "authorization" not in request.headers
    assert verify_v1("POST", params, SECRET)


def test_place_call_success(make_client: MakeClient, fake_api: FakeApi) -> None:
    fake_api.answers = [lambda _r: api_answer("OK", CallId="116012354148^102813789")]
    result = make_client().place_call(CALL_PARAMS)
    assert result.ok
    assert (result.code, result.request_id, result.call_id) == (
        "OK",
        "RID-1",
        "116012354148^102813789",
    )
    assert (result.http_status, result.attempts) == (200, 1)
    assert fake_api.signature_failures == []


def test_place_call_v1_with_token_is_accepted(
    make_client: MakeClient, fake_api: FakeApi, sts_credentials: Credentials
) -> None:
    result = make_client(signature="v1", credentials=sts_credentials).place_call(CALL_PARAMS)
    assert result.ok
    assert fake_api.signature_failures == []


def test_error_answer_carries_hint_and_is_not_retried(
    make_client: MakeClient, fake_api: FakeApi, clock: VirtualSyncClock
) -> None:
    fake_api.answers = answering("isv.MOBILE_NUMBER_ILLEGAL")
    result = make_client().place_call(CALL_PARAMS)
    assert not result.ok
    assert result.code == "isv.MOBILE_NUMBER_ILLEGAL"
    assert result.hint == "CalledNumber must be a mainland China number"
    assert result.attempts == 1
    assert clock.sleeps == []


def test_wrong_secret_gives_signature_does_not_match(
    make_client: MakeClient, fake_api: FakeApi
) -> None:
    client = make_client(credentials=Credentials(ACCESS_KEY_ID, "not-the-secret"))
    result = client.place_call(CALL_PARAMS)
    assert (result.code, result.http_status) == ("SignatureDoesNotMatch", 400)
    assert result.hint == "check the AccessKey secret and the clock"
    assert fake_api.signature_failures == ["signature does not match"]


def test_answer_that_is_not_json(make_client: MakeClient, fake_api: FakeApi) -> None:
    fake_api.answers = [lambda _r: httpx.Response(404, text="<html>Not Found</html>")]
    result = make_client().place_call(CALL_PARAMS)
    assert result.code == INVALID_RESPONSE_CODE
    assert "HTTP 404" in result.message
    assert "<html>Not Found</html>" in result.message


def test_throttling_is_retried_with_exact_backoff(
    make_client: MakeClient, fake_api: FakeApi, clock: VirtualSyncClock
) -> None:
    fake_api.answers = answering("Throttling", "Throttling", "OK")
    result = make_client().place_call(CALL_PARAMS)
    assert result.ok
    assert result.attempts == 3
    # base 0.5 s doubling, jitter 0.5 with rand 0.5 takes a quarter off each pause
    assert clock.sleeps == [0.375, 0.75]
    nonces = {r.headers["x-acs-signature-nonce"] for r in fake_api.requests}
    assert len(nonces) == 3  # every attempt is signed anew


@pytest.mark.parametrize("answer", [("isp.SYSTEM_ERROR", 500), ("ServiceUnavailable", 503)])
def test_server_errors_are_never_retried_the_call_may_have_been_placed(
    make_client: MakeClient, fake_api: FakeApi, clock: VirtualSyncClock, answer: tuple[str, int]
) -> None:
    fake_api.answers = answering(answer, "OK")
    result = make_client(rand=lambda: 0.0).place_call(CALL_PARAMS)
    assert (result.code, result.attempts) == (answer[0], 1)
    assert len(fake_api.requests) == 1 and clock.sleeps == []
    assert outcome_unknown(result)


def test_retries_are_bounded(
    make_client: MakeClient, fake_api: FakeApi, clock: VirtualSyncClock
) -> None:
    fake_api.answers = answering("Throttling")
    result = make_client(rand=lambda: 0.0).place_call(CALL_PARAMS)
    assert result.code == "Throttling"
    assert result.attempts == 4
    assert len(fake_api.requests) == 4
    assert clock.sleeps == [0.5, 1.0, 2.0]


def test_total_delay_is_bounded(
    make_client: MakeClient, fake_api: FakeApi, clock: VirtualSyncClock
) -> None:
    fake_api.answers = answering("Throttling")
    policy = RetryPolicy(max_attempts=10, base_delay=1.0, max_total_delay=4.0, jitter=0.0)
    result = make_client(retry=policy).place_call(CALL_PARAMS)
    assert clock.sleeps == [1.0, 2.0]  # a further 4.0 s pause would pass the 4.0 s budget
    assert result.attempts == 3


def test_connection_refused_is_unreachable_and_not_retried(
    credentials: Credentials, clock: VirtualSyncClock
) -> None:
    calls: list[httpx.Request] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    client = SmartCallClient(
        credentials,
        endpoint="http://127.0.0.1:9",
        transport=httpx.MockTransport(refuse),
        clock=clock,
    )
    with pytest.raises(EndpointUnreachableError, match=r"cannot reach http://127\.0\.0\.1:9"):
        client.place_call(CALL_PARAMS)
    assert len(calls) == 1


def test_read_timeout_warns_the_call_may_have_been_placed(
    credentials: Credentials, clock: VirtualSyncClock
) -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    client = SmartCallClient(credentials, transport=httpx.MockTransport(slow), clock=clock)
    with pytest.raises(EndpointUnreachableError, match="may or may not have been placed"):
        client.place_call(CALL_PARAMS)


@pytest.mark.parametrize("signature", ["v1", "v3"])
def test_masked_description_hides_secret_and_token(
    make_client: MakeClient, sts_credentials: Credentials, signature: str
) -> None:
    client = make_client(signature=signature, credentials=sts_credentials)
    request = client.prepare(CALL_PARAMS)
    text = describe_request_masked(request, sts_credentials)
    for secret in (SECRET, TOKEN):
        assert secret not in text
        assert percent_encode(secret) not in text
    assert ACCESS_KEY_ID not in text
    assert "LTAI****1234" in text
    assert text.startswith("POST https://dyvmsapi.aliyuncs.com/?")
    assert "CalledNumber = 13800138000" in text
    assert 'VoiceCodeParam = {"name":"张三"}' in text
    assert "****" in text


def test_reprs_hide_secret_and_token(
    make_client: MakeClient, fake_api: FakeApi, sts_credentials: Credentials
) -> None:
    client = make_client(credentials=sts_credentials)
    result = client.place_call(CALL_PARAMS)
    for text in (repr(client), str(client), repr(result), repr(sts_credentials)):
        assert SECRET not in text
        assert TOKEN not in text
        assert ACCESS_KEY_ID not in text


def test_unknown_signature_kind_is_a_usage_error(credentials: Credentials) -> None:
    with pytest.raises(UsageError, match="signature must be v1 or v3"):
        SmartCallClient(credentials, signature="v2")  # type: ignore[arg-type]


def test_a_non_json_error_page_echoing_the_token_is_masked_before_it_is_cut(
    make_client: MakeClient, sts_credentials: Credentials, fake_api: FakeApi
) -> None:
    """The quote of a page that is not SmartCall JSON is cut at 120 characters; cutting first
    left a piece of the token that no longer matched the mask."""
    token = "STS.NUgYrLnoC37mZZCNvAbN1jB5Lv6yBFXXQgZT3ERx8nbGYKq7Zb3x"
    page = f"<html><body><h1>400 Bad Request</h1><p>token rejected: {quote(token)}{'.' * 40}</p>"
    fake_api.answers = [lambda _r: httpx.Response(400, text=page)]
    client = make_client(credentials=Credentials(ACCESS_KEY_ID, SECRET, token))
    result = client.place_call(CALL_PARAMS)
    assert result.code == "vcall.INVALID_RESPONSE"
    assert "token rejected: ****" in result.message
    for start in range(len(token) - 6):
        assert token[start : start + 6] not in result.message


def test_code_and_request_id_are_masked_too(make_client: MakeClient, fake_api: FakeApi) -> None:
    token = "STS.EchoedInEveryField0123456789"
    fake_api.answers = [lambda _r: api_answer(f"Denied.{token}", 400, RequestId=f"R-{token}")]
    client = make_client(credentials=Credentials(ACCESS_KEY_ID, SECRET, token))
    result = client.place_call(CALL_PARAMS)
    assert token not in result.code + result.request_id + result.message
    assert result.code == "Denied.****"
