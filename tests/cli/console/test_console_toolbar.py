"""The bottom toolbar: the call's state in one line."""

from __future__ import annotations

from dataclasses import replace

from vcall.cli.console.toolbar import elapsed_text, shorten, toolbar_fragments
from vcall.simulator.fixture.scenario import EndReason
from vcall.simulator.live.status import CallStatus, PlayingStatus
from vcall.simulator.model import DtmfInfo

LIVE = CallStatus(
    elapsed_ms=42_000,
    answered=True,
    ended=False,
    end_reason=None,
    closing=None,
    playing=PlayingStatus("welcome.wav", 1200, 3000, True),
    queued=0,
    keys=None,
    dynamic_id="menu",
    mute_time_ms=5000,
    pause_time_ms=800,
    session_timeout_s=300,
    recording=True,
    transfer_number=None,
)


def text(status: CallStatus | None) -> str:
    return "".join(fragment[1] for fragment in toolbar_fragments(status))


def test_playing_keys_dynamic_id_and_elapsed_time() -> None:
    keys = DtmfInfo("1", 4, "#", 5)
    shown = text(replace(LIVE, keys=keys))
    assert (
        shown
        == " ▶ playing welcome.wav 1.2 s/3.0 s │ ⌨ waiting for keys 1_ (max 4, end #) │ dynamic_id menu │ 00:42"
    )


def test_silence_queue_and_unbreakable_playback() -> None:
    assert text(replace(LIVE, playing=None)).startswith(" silence │")
    unbreakable = PlayingStatus("goodbye.wav", 0, 2000, False)
    shown = text(replace(LIVE, playing=unbreakable, queued=1, closing=EndReason.BOT_HANGUP))
    assert "goodbye.wav 0.0 s/2.0 s (no barge-in) +1 queued" in shown
    assert "ending: bot_hangup" in shown


def test_a_long_tts_sentence_is_cut() -> None:
    sentence = "您最近的一笔快递已到达杭州转运中心，预计明天送达。"
    shown = text(replace(LIVE, playing=PlayingStatus(sentence, 0, 9000, True)))
    assert "您最近的一笔快递已到达杭州…" in shown


def test_an_unanswered_outbound_call_is_ringing() -> None:
    assert "ringing" in text(replace(LIVE, answered=False))


def test_an_ended_call_offers_the_next_steps() -> None:
    shown = text(replace(LIVE, ended=True, end_reason=EndReason.TRANSFER))
    assert shown == " call ended: transfer │ Enter: new call · /save FILE · /quit │ 00:42"


def test_before_the_call() -> None:
    assert "starting" in text(None)


def test_elapsed_and_shorten() -> None:
    assert elapsed_text(0) == "00:00"
    assert elapsed_text(61_999) == "01:01"
    assert elapsed_text(3_725_000) == "1:02:05"
    assert shorten("welcome.wav") == "welcome.wav"
    assert shorten("一二三四五", 6) == "一二…"
