"""A call played one move at a time (the console's engine side), and the moves it builds."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest

from vcall.simulator.clock import VirtualClock
from vcall.simulator.fixture.scenario import (
    BargeIn,
    CallSettings,
    EndReason,
    Hangup,
    Say,
    Silence,
    Wait,
)
from vcall.simulator.live.call import (
    SILENCE_MARGIN_MS,
    LiveCall,
    barge_in,
    default_silence_ms,
    say_after_playback,
    silence,
    speaking_ms,
)
from vcall.simulator.replay.engine import RunContext, SimulationConfig, open_client
from vcall.simulator.replay.targets import EXAMPLE_BOT, resolve_target
from vcall.simulator.spec import PLATFORM_DEFAULTS, CallbackKind

T = TypeVar("T")
WELCOME_MS = PLATFORM_DEFAULTS.file_duration_ms
"""welcome.wav has no media entry: it plays the default file duration."""
BOT_MUTE_MS = 5000
"""The example bot's mute_time."""


def with_call(
    body: Callable[[LiveCall, VirtualClock], Awaitable[T]], *, realtime: bool = False
) -> T:
    """Run ``body`` with a started call on the example bot; the clock is virtual either way."""

    async def run() -> T:
        target = resolve_target(EXAMPLE_BOT)
        config = SimulationConfig(realtime=realtime, seed=3)
        clock = VirtualClock()
        async with open_client(target, config) as http:
            call = LiveCall(
                RunContext(http, target, config, clock_factory=lambda: clock), CallSettings()
            )
            await call.begin()
            return await body(call, clock)

    return asyncio.run(run())


def test_begin_answers_the_callin() -> None:
    async def body(call: LiveCall, _clock: VirtualClock) -> list[str]:
        return [turn.callback.kind.value for turn in call.turns]

    assert with_call(body) == ["callin"]


def test_default_silence_lasts_until_the_mute() -> None:
    async def body(call: LiveCall, _clock: VirtualClock) -> tuple[int, list[CallbackKind]]:
        default = default_silence_ms(call.state)
        turns = await call.play(silence(None, call.state))
        return default, [turn.callback.kind for turn in turns]

    default, kinds = with_call(body)
    assert default == WELCOME_MS + BOT_MUTE_MS + SILENCE_MARGIN_MS
    assert kinds == [CallbackKind.MUTE]


def test_default_silence_waits_for_the_key_timeout_when_keys_are_expected() -> None:
    async def body(call: LiveCall, _clock: VirtualClock) -> tuple[int, int, list[CallbackKind]]:
        await call.play(Wait(None))
        await call.play(Say("菜单"))
        keys = call.state.pending_dtmf
        assert keys is not None
        turns = await call.play(silence(None, call.state))
        return (
            default_silence_ms(call.state),
            keys.timeout_s,
            [turn.callback.kind for turn in turns],
        )

    _after, timeout_s, kinds = with_call(body)
    assert kinds[0] is CallbackKind.DTMF
    assert timeout_s == 5


def test_a_given_silence_is_kept() -> None:
    async def body(call: LiveCall, _clock: VirtualClock) -> Silence:
        return silence(1500, call.state)

    assert with_call(body) == Silence(1500)


def test_words_wait_for_the_playback_to_end_unless_nothing_plays() -> None:
    async def body(call: LiveCall, _clock: VirtualClock) -> tuple[object, object]:
        playing = say_after_playback("你好", call.state)
        await call.play(Wait(None))
        return playing, say_after_playback("你好", call.state)

    playing, idle = with_call(body)
    assert playing == (Wait(None), Say("你好"))
    assert idle == (Say("你好"),)


def test_barge_in_defaults_start_at_once_and_last_as_long_as_the_words() -> None:
    assert barge_in("等一下") == BargeIn("等一下", 0, speaking_ms("等一下"))
    assert speaking_ms("等一下") == 3 * PLATFORM_DEFAULTS.caller_ms_per_char
    assert barge_in("等一下", 500, 2000) == BargeIn("等一下", 500, 2000)


def test_steps_are_numbered_and_kept_for_the_recording() -> None:
    async def body(call: LiveCall, _clock: VirtualClock) -> list[tuple[int, str]]:
        await call.play(Wait(None))
        await call.play(Say("你好"))
        return [(step.index, step.kind) for step in call.steps]

    assert with_call(body) == [(0, "wait"), (1, "say")]


def test_playing_after_the_end_is_refused_and_end_is_idempotent() -> None:
    async def body(call: LiveCall, _clock: VirtualClock) -> EndReason | None:
        await call.play(Hangup())
        assert call.ended
        with pytest.raises(RuntimeError, match="ended"):
            await call.play(Say("还在吗"))
        first = call.end()
        assert call.end() is first
        return first.end_reason

    assert with_call(body) is EndReason.CALLER_HANGUP


def test_realtime_plays_the_typing_pause_as_silence() -> None:
    async def body(call: LiveCall, clock: VirtualClock) -> list[object]:
        clock.advance(4350)
        assert call.elapsed_ms() == 4350
        await call.catch_up()
        clock.advance(100)  # with the 50 ms left over: still under the minimum
        await call.catch_up()
        return [step.action for step in call.steps]

    assert with_call(body, realtime=True) == [Silence(4300)]


def test_realtime_typing_past_the_mute_brings_the_mute_first() -> None:
    async def body(call: LiveCall, clock: VirtualClock) -> list[CallbackKind]:
        clock.advance(WELCOME_MS + BOT_MUTE_MS + 1000)
        return [turn.callback.kind for turn in await call.catch_up()]

    assert with_call(body, realtime=True) == [CallbackKind.MUTE]


def test_realtime_steps_take_their_time_on_the_clock() -> None:
    async def body(call: LiveCall, clock: VirtualClock) -> float:
        await call.play(Wait(2000))
        return clock.now_ms()

    assert with_call(body, realtime=True) == 2000


def test_virtual_clock_ignores_time_at_the_prompt() -> None:
    async def body(call: LiveCall, clock: VirtualClock) -> list[object]:
        clock.advance(60_000)
        await call.catch_up()
        return [step.action for step in call.steps]

    assert with_call(body) == []


def test_a_bot_ending_the_call_lets_its_last_playback_play_out() -> None:
    async def body(call: LiveCall, clock: VirtualClock) -> tuple[EndReason | None, float, int]:
        await call.play(Wait(None))
        await call.play(Say("谢谢"))
        assert call.state.closing is EndReason.BOT_HANGUP
        goodbye_ends = call.state.playing.ends_ms if call.state.playing else -1
        result = await call.let_end()
        return result.end_reason, clock.now_ms(), goodbye_ends

    reason, now, goodbye_ends = with_call(body, realtime=True)
    assert reason is EndReason.BOT_HANGUP
    assert now == goodbye_ends
