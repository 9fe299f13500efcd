"""Calls played through tap come out as fixtures that replay green against the same bot and red
against a changed one: every shipped fixture (every callback kind, barge-in, keys, a forwarded
call, outbound early media) is played through tap, and what tap writes is replayed."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from tap_support import ChangedBot, run, saved, shipped, tapped

from vcall.simulator.example_bot import app as example_bot
from vcall.simulator.fixture.loader import load_scenario
from vcall.simulator.tap import CallClosed


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[CallClosed], str]:
    directory = tmp_path_factory.mktemp("tapped")
    with tapped(example_bot, save_dir=directory) as (tap_url, _bot, _app, events):
        played = run(shipped(), tap_url)
    assert played.passed == len(played.calls) == len(shipped())
    closed = [event for event in events if isinstance(event, CallClosed)]
    return directory, closed, ""


def test_every_call_is_saved_and_the_model_agrees_with_the_recording(
    recorded: tuple[Path, list[CallClosed], str],
) -> None:
    directory, closed, _ = recorded
    assert len(saved(directory)) == len(shipped())
    assert {event.saved for event in closed} == set(saved(directory))
    assert [event.divergences for event in closed if event.divergences] == []


def test_the_saved_fixtures_replay_green_against_the_same_bot(
    recorded: tuple[Path, list[CallClosed], str],
) -> None:
    directory, _, _ = recorded
    scenarios = [load_scenario(path) for path in saved(directory)]
    result = run(scenarios, "vcall.simulator.example_bot:app")
    failures = {
        call.scenario.file: [f.message for f in call.findings if f.is_error]
        for call in result.calls
        if not call.passed
    }
    assert failures == {}


def test_the_saved_fixtures_replay_red_against_a_changed_bot(
    recorded: tuple[Path, list[CallClosed], str],
) -> None:
    directory, _, _ = recorded
    scenarios = [load_scenario(path) for path in saved(directory)]
    with tapped(ChangedBot()) as (_tap, bot_url, _app, _events):
        result = run(scenarios, bot_url)
    assert result.failed > 0
    mismatches = [f for call in result.calls for f in call.findings if f.rule == "expect-mismatch"]
    assert any("main-menu" in (f.actual or "") or "main-menu" in f.message for f in mismatches)


def _documents(directory: Path) -> list[dict]:
    return [yaml.safe_load(path.read_text(encoding="utf-8")) for path in saved(directory)]


def _steps(document: dict) -> list:
    return document["steps"]


def test_reconstruction_writes_each_caller_step_kind(
    recorded: tuple[Path, list[CallClosed], str],
) -> None:
    directory, _, _ = recorded
    documents = _documents(directory)
    steps = [step for document in documents for step in _steps(document) if isinstance(step, dict)]
    kinds = {next(iter(step)) for step in steps}
    assert {"say", "silence", "press", "barge_in", "wait"} <= kinds
    presses = [step["press"] for step in steps if "press" in step]
    assert "0#" in presses and "1#" in presses  # keys with the end character the bot asked for
    expected = {step["expect"]["callback"] for step in steps if "expect" in step}
    assert {"normal", "mute", "dtmf"} <= expected
    assert all(
        document["tags"][0] == "recorded" and "tap" in document["tags"] for document in documents
    )


def test_barge_in_is_written_as_talking_over_the_playback(
    recorded: tuple[Path, list[CallClosed], str],
) -> None:
    directory, _, _ = recorded
    barge = [
        step
        for document in _documents(directory)
        for step in _steps(document)
        if isinstance(step, dict) and str(step.get("barge_in", "")).startswith("等一下")
    ]
    assert barge == [
        {
            "barge_in": "等一下，我不用听这些，我就想问一下我的快递到哪了",
            "after": "1s",
            "for": "3s",
            "expect": barge[0]["expect"],
        }
    ]


def test_a_forwarded_call_keeps_its_orgcallee_as_a_fake(
    recorded: tuple[Path, list[CallClosed], str],
) -> None:
    directory, _, _ = recorded
    forwarded = [d for d in _documents(directory) if "orgcallee" in d["call"]]
    assert len(forwarded) == 1
    original = load_scenario(
        Path(__file__).resolve().parents[3] / "fixtures" / "forwarded_call_greeting.yaml"
    )
    call = forwarded[0]["call"]
    assert call["orgcallee"] != original.call.orgcallee
    assert len(call["orgcallee"]) == len(original.call.orgcallee)
    assert call["orgcallee"][:3] == original.call.orgcallee[:3]


def test_outbound_early_media_and_the_opening_are_inferred(
    recorded: tuple[Path, list[CallClosed], str],
) -> None:
    directory, _, _ = recorded
    outbound = [d for d in _documents(directory) if d["call"]["direction"] == "outbound"]
    early = [
        d for d in outbound if any(isinstance(s, dict) and s.get("early_media") for s in _steps(d))
    ]
    assert len(early) == 1
    document = early[0]
    assert document["call"]["smartcall"]["EarlyMediaAsr"] == "true"
    assert document["call"]["smartcall"]["DynamicId"] == "campaign-7"
    opening = document["call"]["smartcall"]["VoiceCode"]
    assert document["media"][opening] == "5.75s"  # $name$ (张先生, 3 chars at 250 ms) + 5 s file


def test_media_durations_come_from_the_play_times(
    recorded: tuple[Path, list[CallClosed], str],
) -> None:
    directory, _, _ = recorded
    media: dict[str, set[str]] = {}
    for document in _documents(directory):
        for code, duration in document.get("media", {}).items():
            media.setdefault(code, set()).add(duration)
    assert {"3s", "4s"} <= media["welcome.wav"]  # as each shipped fixture says (or less: cut)
    media = {code: durations.pop() for code, durations in media.items() if len(durations) == 1}  # type: ignore[misc]
    assert media["notice.wav"] == "30s"  # type: ignore[comparison-overlap]  # never heard whole: ended when the queued reply began
    assert media["menu.wav"] == "6s"  # type: ignore[comparison-overlap]  # from the dtmf no-input timeout after it


def test_a_parallel_transfer_keeps_its_outcome(
    recorded: tuple[Path, list[CallClosed], str],
) -> None:
    directory, _, _ = recorded
    outcomes = [d["call"].get("parallel_transfer") for d in _documents(directory)]
    assert {"status": "fail", "fail_cause": "坐席全忙"} in outcomes
    bridged = [d for d in _documents(directory) if d.get("end") == "parallel_bridge"]
    assert len(bridged) == 1
    last = bridged[0]["steps"][-1]
    assert last == {"wait": "playback", "expect": last["expect"]}
    assert last["expect"]["callback"] == "parallel_transfer"


def test_vcall_simulate_loads_the_directory_green_then_red(
    recorded: tuple[Path, list[CallClosed], str],
) -> None:
    from typer.testing import CliRunner

    from vcall.cli.app import app

    directory, _, _ = recorded
    runner = CliRunner()
    green = runner.invoke(app, ["simulate", "--example-bot", "--fixture", str(directory)])
    assert green.exit_code == 0, green.output
    with tapped(ChangedBot()) as (_tap, bot_url, _app, _events):
        red = runner.invoke(app, ["simulate", bot_url, "--fixture", str(directory)])
    assert red.exit_code == 1, red.output
    assert "main-menu" in red.output
