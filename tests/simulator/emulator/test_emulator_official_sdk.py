"""The official Python SDK (alibabacloud-dyvmsapi20170525) places calls on a real emulator server
(uvicorn on 127.0.0.1, a free port, in a thread): V3 by default, V1 with signature_algorithm v2."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from vcall.simulator.emulator import (
    ApiRequestHandled,
    EmulatorConfig,
    EmulatorEvent,
    SmartCallEmulator,
)
from vcall.simulator.emulator.serve import ServerThread
from vcall.simulator.fixture.scenario import EndReason
from vcall.simulator.replay.engine import CallFinished
from vcall.simulator.replay.targets import EXAMPLE_BOT, resolve_target
from vcall.simulator.smartcall.credentials import Credentials

dyvms = pytest.importorskip("alibabacloud_dyvmsapi20170525")
from alibabacloud_dyvmsapi20170525 import models as dyvms_models  # noqa: E402
from alibabacloud_dyvmsapi20170525.client import Client  # noqa: E402
from alibabacloud_tea_openapi import models as openapi_models  # noqa: E402
from alibabacloud_tea_openapi.exceptions import ClientException  # noqa: E402

KEY_ID, SECRET, TOKEN = "LTAI5tOfficialSdk0001", "sdk/secret+value", "STS.sdk-token"
CALL_WAIT_S = 20.0
"""Upper bound for a thread handoff; a passing run takes milliseconds (virtual call clock)."""


class Recorder:
    """Collects the emulator's events from the server thread; signals each finished call."""

    def __init__(self) -> None:
        self.events: list[EmulatorEvent] = []
        self.finished = threading.Semaphore(0)

    def __call__(self, event: EmulatorEvent) -> None:
        self.events.append(event)
        if isinstance(event, CallFinished):
            self.finished.release()

    def handled(self) -> list[ApiRequestHandled]:
        return [e for e in self.events if isinstance(e, ApiRequestHandled)]


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def server(no_proxy: None) -> Iterator[tuple[ServerThread, Recorder, SmartCallEmulator]]:
    recorder = Recorder()
    config = EmulatorConfig(
        credentials=(Credentials(KEY_ID, SECRET), Credentials("STS.tempkey0002", SECRET, TOKEN)),
        target=resolve_target(EXAMPLE_BOT),
    )
    emulator = SmartCallEmulator(config, sink=recorder)
    with ServerThread(emulator) as running:
        yield running, recorder, emulator


def sdk_client(url: str, key_id: str = KEY_ID, secret: str = SECRET, **extra: Any) -> Client:
    config = openapi_models.Config(
        access_key_id=key_id,
        access_key_secret=secret,
        protocol="http",
        endpoint=url.removeprefix("http://"),
        **extra,
    )
    return Client(config)


def smart_call_request() -> Any:
    return dyvms_models.SmartCallRequest(
        called_number="13800138000",
        called_show_number="057126880000",
        voice_code="$name$,survey_opening.wav",
        voice_code_param='{"name":"张先生"}',
        record_flag=True,
        action_code_break=False,
        mute_time=5000,
    )


@pytest.mark.parametrize(
    ("extra", "signature"), [({}, "v3"), ({"signature_algorithm": "v2"}, "v1")]
)
def test_the_official_sdk_places_a_call_that_is_played(
    server: tuple[ServerThread, Recorder, SmartCallEmulator], extra: dict[str, str], signature: str
) -> None:
    running, recorder, emulator = server
    response = sdk_client(running.url, **extra).smart_call(smart_call_request())
    assert response.status_code == 200
    assert response.body.code == "OK"
    assert recorder.finished.acquire(timeout=CALL_WAIT_S)
    (handled,) = recorder.handled()
    assert handled.signature == signature
    assert handled.params["RecordFlag"] == "True"  # Python booleans, as the SDK sends them
    (result,) = emulator.calls.results
    assert result.call_id == response.body.call_id
    assert result.end_reason is EndReason.BOT_HANGUP
    assert result.passed


@pytest.mark.parametrize("extra", [{}, {"signature_algorithm": "v2"}])
def test_the_official_sdk_with_an_sts_token(
    server: tuple[ServerThread, Recorder, SmartCallEmulator], extra: dict[str, str]
) -> None:
    running, recorder, _emulator = server
    client = sdk_client(running.url, "STS.tempkey0002", SECRET, security_token=TOKEN, **extra)
    assert client.smart_call(smart_call_request()).body.code == "OK"
    assert recorder.finished.acquire(timeout=CALL_WAIT_S)


def test_the_official_sdk_sees_the_platform_error_for_a_wrong_secret(
    server: tuple[ServerThread, Recorder, SmartCallEmulator],
) -> None:
    running, _recorder, emulator = server
    with pytest.raises(ClientException) as caught:
        sdk_client(running.url, secret="wrong").smart_call(smart_call_request())
    assert (caught.value.code, caught.value.status_code) == ("SignatureDoesNotMatch", 400)
    assert emulator.calls.started == 0


def test_the_official_sdk_sees_a_business_error_in_the_body(
    server: tuple[ServerThread, Recorder, SmartCallEmulator],
) -> None:
    running, _recorder, _emulator = server
    request = smart_call_request()
    request.called_number = "12345"
    response = sdk_client(running.url).smart_call(request)
    assert (response.status_code, response.body.code) == (200, "isv.MOBILE_NUMBER_ILLEGAL")
