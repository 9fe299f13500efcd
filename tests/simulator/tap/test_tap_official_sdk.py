"""End to end on 127.0.0.1: the official SDK places a call on `vcall emulator`, whose callback
URL is tap, which relays to the example bot. The fixture tap writes loads and replays green
against that bot, and red against a bot changed to answer differently."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from tap_support import FIXTURES, ChangedBot, run, saved, tapped

from vcall.simulator.emulator import EmulatorConfig, SmartCallEmulator
from vcall.simulator.emulator.serve import ServerThread
from vcall.simulator.example_bot import app as example_bot
from vcall.simulator.fixture.loader import load_scenario
from vcall.simulator.fixture.scenario import Scenario
from vcall.simulator.replay.engine import CallFinished
from vcall.simulator.replay.targets import resolve_target
from vcall.simulator.smartcall.credentials import Credentials
from vcall.simulator.tap import CallClosed

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


SILENT_CALLEE = """\
name: 外呼：接通后沉默
call: {direction: outbound}
steps:
  - wait: playback
  - silence: 8s
  - say: 喂，你好，刚才信号不好
  - wait: playback
  - say: 好的，谢谢，再见
"""


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
        early_media_asr=True,
    )
    response = Client(config).smart_call(request)
    assert response.body.code == "OK"
    return str(response.body.call_id)


def callee(name: str, tmp_path: Path) -> Scenario | None:
    if name == "polite":
        return None
    if name == "silent":
        path = tmp_path / "silent.yaml"
        path.write_text(SILENT_CALLEE, encoding="utf-8")
        return load_scenario(path)
    return load_scenario(FIXTURES / f"{name}.yaml")


def record_one_call(tmp_path: Path, fixture: Scenario | None) -> tuple[Scenario, list[Any]]:
    """SDK -> emulator -> tap -> example bot; the one fixture tap wrote, and tap's events."""
    finished = threading.Event()

    def sink(event: object) -> None:
        if isinstance(event, CallFinished):
            finished.set()

    saved_dir = tmp_path / "saved"
    saved_dir.mkdir()
    with tapped(example_bot, save_dir=saved_dir) as (tap_url, _bot_url, _app, events):
        target = resolve_target(tap_url)
        config = EmulatorConfig(
            credentials=(Credentials(KEY_ID, SECRET),), target=target, fixture=fixture
        )
        with ServerThread(SmartCallEmulator(config, sink=sink)) as emulator:
            place_call(emulator.url)
            assert finished.wait(WAIT_S)
    (path,) = saved(saved_dir)
    return load_scenario(path), events


@pytest.mark.parametrize("name", ["polite", "outbound_survey_early_media", "silent"])
def test_sdk_emulator_tap_bot_then_the_fixture_replays_green(
    no_proxy: None, tmp_path: Path, name: str
) -> None:
    scenario, events = record_one_call(tmp_path, callee(name, tmp_path))
    assert scenario.call.direction.value == "outbound"
    assert scenario.call.smartcall["DynamicId"] == "campaign-7"
    assert [e.divergences for e in events if isinstance(e, CallClosed)] == [()]
    green = run([scenario], "vcall.simulator.example_bot:app")
    assert green.failed == 0, [f.message for f in green.calls[0].findings]
    if name == "silent":  # SmartCall's MuteTime, carried by no callback, was inferred
        assert "MuteTime" in scenario.call.smartcall
        muted = [step for step in scenario.steps if step.expect and step.expect.callback == "mute"]
        assert len(muted) == 1
        assert [turn.callback.kind.value for turn in green.calls[0].turns].count("mute") == 1


def test_the_recorded_call_replays_red_against_a_changed_bot(
    no_proxy: None, tmp_path: Path
) -> None:
    scenario, _events = record_one_call(tmp_path, None)
    with tapped(ChangedBot("survey", "survey-v2")) as (_tap, changed_url, _app, _events2):
        red = run([scenario], changed_url)
    assert red.failed == 1
    findings = red.calls[0].findings
    assert any("survey-v2" in f.message or "survey-v2" in (f.actual or "") for f in findings)
