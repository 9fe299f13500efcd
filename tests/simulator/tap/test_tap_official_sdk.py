"""End to end on 127.0.0.1: the official SDK places a call on `vcall emulator`, whose callback
URL is tap, which relays to the example bot. The fixture tap writes loads and replays green
against that bot, and red against a bot changed to answer differently."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from tap_support import ChangedBot, run, saved, tapped

from vcall.simulator.emulator import EmulatorConfig, SmartCallEmulator
from vcall.simulator.emulator.serve import ServerThread
from vcall.simulator.example_bot import app as example_bot
from vcall.simulator.fixture.loader import load_scenario
from vcall.simulator.replay.engine import CallFinished
from vcall.simulator.replay.targets import resolve_target
from vcall.simulator.smartcall.credentials import Credentials

pytest.importorskip("alibabacloud_dyvmsapi20170525")
from alibabacloud_dyvmsapi20170525 import models as dyvms_models
from alibabacloud_dyvmsapi20170525.client import Client
from alibabacloud_tea_openapi import models as openapi_models

KEY_ID, SECRET = "LTAI5tTapEndToEnd01", "tap/secret+value"
WAIT_S = 20.0


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)


def place_call(emulator_url: str) -> str:
    config = openapi_models.Config(
        access_key_id=KEY_ID,
        access_key_secret=SECRET,
        protocol="http",
        endpoint=emulator_url.removeprefix("http://"),
    )
    request = dyvms_models.SmartCallRequest(
        called_number="13800138000",
        called_show_number="057126880000",
        voice_code="$name$,survey_opening.wav",
        voice_code_param='{"name":"张先生"}',
        dynamic_id="campaign-7",
        mute_time=5000,
    )
    response = Client(config).smart_call(request)
    assert response.body.code == "OK"
    return str(response.body.call_id)


def test_sdk_emulator_tap_bot_then_the_fixture_replays(no_proxy: None, tmp_path: Path) -> None:
    finished = threading.Event()

    def sink(event: object) -> None:
        if isinstance(event, CallFinished):
            finished.set()

    with tapped(example_bot, save_dir=tmp_path) as (tap_url, _bot_url, _app, _events):
        config = EmulatorConfig(
            credentials=(Credentials(KEY_ID, SECRET),), target=resolve_target(tap_url)
        )
        with ServerThread(SmartCallEmulator(config, sink=sink)) as emulator:
            place_call(emulator.url)
            assert finished.wait(WAIT_S)
    (path,) = saved(tmp_path)
    scenario = load_scenario(path)
    assert scenario.call.direction.value == "outbound"
    assert scenario.call.smartcall["DynamicId"] == "campaign-7"
    assert "the model differs" not in scenario.description and "differs" not in scenario.description
    green = run([scenario], "vcall.simulator.example_bot:app")
    assert green.failed == 0, [f.message for f in green.calls[0].findings]
    with tapped(ChangedBot("survey", "survey-v2")) as (_tap, changed_url, _app2, _events2):
        red = run([scenario], changed_url)
    assert red.failed == 1
    assert any(
        "survey-v2" in f.message or "survey-v2" in (f.actual or "") for f in red.calls[0].findings
    )
