"""A call played one caller move at a time: what the interactive console drives.

The console reads the caller's moves one by one (``vcall simulate TARGET`` without ``--fixture``).
Each move becomes a scenario :class:`~vcall.simulator.fixture.scenario.Step`, played through the engine's
:class:`~vcall.simulator.replay.engine.CallRunner` on the same platform model as a replay. The steps
played are kept, so that the call can be recorded as a fixture (``vcall.simulator.live.recording``).

With ``--realtime`` the call runs on the wall clock: the time the developer spends typing is
played as a silence step before the next move (so the platform's ``mute`` may come first, as on a
real call), and a step that ends without a callback still takes its time.
"""

from __future__ import annotations

from vcall.simulator.fixture import (
    Action,
    BargeIn,
    CallSettings,
    Say,
    Scenario,
    Silence,
    Step,
    Wait,
)
from vcall.simulator.model import CallState
from vcall.simulator.replay import CallResult, CallRunner, RunContext, Turn
from vcall.simulator.spec import PLATFORM_DEFAULTS

CONSOLE_SCENARIO = "console"
"""The name of the scenario every console call plays (its steps are added as they are played)."""
SILENCE_MARGIN_MS = 500
"""What ``/silence`` without a duration adds to the time until the platform reacts."""
TYPING_PAUSE_MIN_MS = 200
"""``--realtime``: a pause at the prompt shorter than this is not played as silence."""
TYPING_PAUSE_STEP_MS = 100
"""``--realtime``: typing pauses are played rounded down to this (recorded as ``silence: 4.3s``)."""


class LiveCall:
    """One call of the console: started, then played move by move, then ended."""

    def __init__(self, ctx: RunContext, settings: CallSettings, index: int = 0) -> None:
        self.scenario = Scenario(name=CONSOLE_SCENARIO, steps=(), call=settings)
        self.runner = CallRunner(ctx, self.scenario, index)
        self.realtime = ctx.config.realtime
        self.steps: list[Step] = []
        self.result: CallResult | None = None

    @property
    def call_id(self) -> str:
        return self.runner.call_id

    @property
    def settings(self) -> CallSettings:
        return self.scenario.call

    @property
    def state(self) -> CallState:
        return self.runner.session.state

    @property
    def ended(self) -> bool:
        return self.runner.ended

    @property
    def turns(self) -> tuple[Turn, ...]:
        return tuple(self.runner.turns)

    def elapsed_ms(self) -> int:
        """Call time now: the model's time, or (``--realtime``) the wall clock's."""
        if not self.realtime or self.ended:
            return self.state.now_ms
        return max(self.state.now_ms, round(self.runner.clock.now_ms() - self.runner.origin_ms))

    async def begin(self) -> list[Turn]:
        """Start the call: ``callin`` for an inbound call; an outbound one is answered later."""
        return await self.runner.begin()

    async def catch_up(self) -> list[Turn]:
        """``--realtime``: play the time spent at the prompt as silence (may bring a ``mute``)."""
        pause = self.elapsed_ms() - self.state.now_ms
        pause -= pause % TYPING_PAUSE_STEP_MS
        if not self.realtime or self.ended or pause < TYPING_PAUSE_MIN_MS:
            return []
        return await self.play(Silence(pause))

    async def play(self, action: Action) -> list[Turn]:
        """Play one caller move as the next step; returns the turns it produced."""
        if self.ended:
            raise RuntimeError("the call has ended: start a new one")
        step = Step(action, line=0, index=len(self.steps))
        self.steps.append(step)
        turns = await self.runner.play(step)
        if self.realtime and not self.ended:
            await self.runner.clock.sleep_until(self.runner.origin_ms + self.state.now_ms)
        return turns

    async def let_end(self) -> CallResult:
        """The bot is ending the call (hangup, transfer): its last playback plays out, then it ends.

        Nothing the caller does can change that (no callback is sent any more), so it need not wait.
        """
        if self.realtime:
            await self.runner.clock.sleep_until(self.runner.origin_ms + idle_at_ms(self.state))
        return self.end()

    def end(self) -> CallResult:
        """End the call (the caller hangs up once the playback ended, if it is still up)."""
        if self.result is None:
            self.result = self.runner.end()
        return self.result


# --- building caller moves ----------------------------------------------------------------------


def idle_at_ms(state: CallState) -> int:
    """When nothing plays any more: the end of the current and queued playbacks, or now."""
    ends = [info.ends_ms for info in (state.playing, *state.queued) if info is not None]
    return max([state.now_ms, *ends])


def default_silence_ms(state: CallState) -> int:
    """A silence long enough for the platform to react: its ``mute`` (or the key timeout)."""
    wait = idle_at_ms(state) - state.now_ms
    if state.pending_dtmf is not None:
        return wait + state.pending_dtmf.timeout_s * 1000 + SILENCE_MARGIN_MS
    return wait + state.mute_time_ms + SILENCE_MARGIN_MS


def say_after_playback(words: str, state: CallState) -> tuple[Action, ...]:
    """The caller listens to the end of what plays, then says ``words`` (no barge-in)."""
    if idle_at_ms(state) > state.now_ms:
        return (Wait(None), Say(words))
    return (Say(words),)


def silence(duration_ms: int | None, state: CallState) -> Silence:
    """``/silence [DURATION]``: without a duration, long enough for a ``mute``."""
    return Silence(default_silence_ms(state) if duration_ms is None else duration_ms)


def speaking_ms(words: str) -> int:
    """How long the caller takes to say ``words`` (the model's estimate)."""
    return len(words) * PLATFORM_DEFAULTS.caller_ms_per_char


def barge_in(words: str, after_ms: int | None = None, for_ms: int | None = None) -> BargeIn:
    """``/bargein WORDS [after=..] [for=..]``: from the start of the playback, for as long as it takes."""
    return BargeIn(words, after_ms or 0, speaking_ms(words) if for_ms is None else for_ms)
