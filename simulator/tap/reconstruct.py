"""A tapped call as a replayable recording: settings, media, caller steps and the bot's answers.

The caller's activities (:mod:`.activities`) become fixture steps, and the steps are played at
once on vcall's own platform model, fed the bot's recorded answers: each step starts where the
model says the previous one ended, so waits, barge-ins and key timings are what a replay will do.
Each callback the model sends is matched with the recorded one of its kind; where model and
recording part ways (a callback one of them sent and the other did not), it is said in
``divergences`` and written into the fixture's description.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from vcall.simulator.fixture import (
    MAX_DURATION_MS,
    Action,
    BargeIn,
    CallSettings,
    Direction,
    EndReason,
    Press,
    Say,
    Scenario,
    Silence,
    Step,
    TransferOutcome,
    Wait,
)
from vcall.simulator.model import Callback, CallSession
from vcall.simulator.spec import (
    DEFAULT_TRANSFER_FAIL_CAUSE,
    MUTE_TIME_RANGE,
    PLATFORM_DEFAULTS,
    TRANSFER_FAIL,
    TRANSFER_STATUSES,
    TRANSFER_SUCCESS,
    CallbackKind,
)
from vcall.simulator.tap.activities import Activity, Keys, Quiet, Speech, activities
from vcall.simulator.tap.callback import content_text
from vcall.simulator.tap.calls import TappedTurn
from vcall.simulator.tap.media import infer
from vcall.simulator.tap.recorded import Recorded, place

MATCH_AHEAD = 3
"""How far ahead in the recording a model callback looks for its match."""
QUIET_SLACK_MS = 200
COARSE_SLACK_MS = 1000
"""A silence lasts this much past its callback (whole-second timestamps: more), so the model's
own timer fires inside it."""
BOT_ENDINGS = frozenset(
    {
        EndReason.BOT_HANGUP,
        EndReason.TRANSFER,
        EndReason.PARALLEL_TRANSFER,
        EndReason.PARALLEL_BRIDGE,
    }
)
"""The endings a fixture expects when tap saw the bot end the call."""
PLATFORM_KINDS = frozenset({CallbackKind.PARALLEL_TRANSFER})
"""Callbacks the platform sends on its own, not for something the caller did."""
FlowType = Generator[Callback, Any, None]


@dataclass(frozen=True, slots=True)
class Reconstruction:
    settings: CallSettings
    media: Mapping[str, int]
    steps: tuple[Step, ...]
    recorded: tuple[Recorded, ...]
    end_reason: EndReason | None
    divergences: tuple[str, ...]
    epoch_ms: int


def reconstruct(call_id: str, turns: Sequence[TappedTurn], *, ended: bool) -> Reconstruction:
    """``ended``: tap saw the bot end the call (then the model's ending is expected).

    An outbound call's ``MuteTime`` is a SmartCall parameter no callback carries: when the model
    missed a recorded ``mute`` for want of it, the call is rebuilt once with the ``MuteTime`` the
    first mute's timing gives, and kept if model and recording then agree better.
    """
    built, mute_guess = _attempt(call_id, turns, ended, {})
    missed = any(item.kind is CallbackKind.MUTE and not item.matched for item in built.recorded)
    if mute_guess is not None and missed:
        again, _ = _attempt(call_id, turns, ended, {"MuteTime": str(mute_guess)})
        if len(again.divergences) < len(built.divergences):
            return again
    return built


def _attempt(
    call_id: str, turns: Sequence[TappedTurn], ended: bool, smartcall: Mapping[str, str]
) -> tuple[Reconstruction, int | None]:
    epoch, recorded = place(turns)
    inbound = recorded[0].kind is CallbackKind.CALLIN
    inferred = infer(recorded, epoch, outbound=not inbound)
    settings = _settings(recorded, inbound, {**inferred.opening, **smartcall})
    scenario = Scenario("tap", (), call=settings, media=MappingProxyType(dict(inferred.media)))
    builder = _Builder(scenario, call_id, epoch, recorded)
    builder.run(activities(recorded, epoch))
    end = builder.session.state.end_reason
    built = Reconstruction(
        settings,
        inferred.media,
        tuple(builder.steps),
        tuple(recorded),
        end if ended and end in BOT_ENDINGS else None,
        tuple(builder.divergences),
        epoch,
    )
    return built, builder.mute_guess


def _settings(
    recorded: Sequence[Recorded], inbound: bool, opening: Mapping[str, str]
) -> CallSettings:
    """The call's settings; ``partnerId`` is not kept (an account id: the fixture gets vcall's
    made-up default)."""
    first = recorded[0]
    outcome = _transfer_outcome(recorded)
    if not inbound:
        # an outbound call's callbacks carry no numbers: the fixture keeps vcall's defaults
        return CallSettings(
            direction=Direction.OUTBOUND,
            smartcall=MappingProxyType(opening),
            parallel_transfer=outcome,
        )
    content = first.content
    return CallSettings(
        direction=Direction.INBOUND,
        caller=content_text(content, "caller"),
        callee=content_text(content, "callee"),
        orgcallee=content_text(content, "orgcallee"),
        parallel_transfer=outcome,
    )


def _transfer_outcome(recorded: Sequence[Recorded]) -> TransferOutcome:
    """How the call's parallel transfer turned out (its first result callback)."""
    for item in recorded:
        if item.kind is CallbackKind.PARALLEL_TRANSFER:
            sent = (content_text(item.content, "transfer_status") or TRANSFER_SUCCESS).lower()
            status = sent if sent in TRANSFER_STATUSES else TRANSFER_FAIL
            cause = content_text(item.content, "fail_cause") or DEFAULT_TRANSFER_FAIL_CAUSE
            return TransferOutcome(
                status, cause if status != TRANSFER_SUCCESS else DEFAULT_TRANSFER_FAIL_CAUSE
            )
    return TransferOutcome()


class _Builder:
    def __init__(
        self, scenario: Scenario, call_id: str, epoch: int, recorded: Sequence[Recorded]
    ) -> None:
        self.scenario = scenario
        self.session = CallSession(scenario, call_id=call_id, start_epoch_ms=epoch)
        self.steps: list[Step] = []
        self.divergences: list[str] = []
        self.pending = deque(item for item in recorded if item.kind is not None)
        self.outbound = scenario.call.direction is Direction.OUTBOUND
        self.mute_guess: int | None = None
        """Outbound: the ``MuteTime`` the first mute's timing gives (idle from then on)."""

    def run(self, found: Sequence[Activity]) -> None:
        self._drive(self.session.start(), None)
        for index, activity in enumerate(found):
            if self.session.ended:
                self._diverged(f"the model's call ended before the caller's activity {index + 1}")
                break
            self._activity(activity, found[index + 1] if index + 1 < len(found) else None)
        if not self.session.ended and any(item.kind in PLATFORM_KINDS for item in self.pending):
            self._play(Wait())  # the platform's own callback (a transfer's result) comes after
        self._drive(self.session.finish(), None)
        for item in self.pending:
            self._diverged(f"the model never sent the recorded {item.kind} (turn {item.index + 1})")

    # --- one activity -> steps ---------------------------------------------------------------

    def _activity(self, activity: Activity, following: Activity | None) -> None:
        what = activity.what
        if isinstance(what, Speech):
            self._speech(what)
        elif isinstance(what, Keys):
            self._keys(what)
        else:
            self._quiet(what, following)

    def _speech(self, speech: Speech) -> None:
        state = self.session.state
        now, duration = state.now_ms, speech.end_ms - speech.start_ms
        if speech.early_media and not state.answered:
            self._play(Say(speech.words, duration, early_media=True))
            return
        playing = state.playing
        start = max(speech.start_ms, now)
        if playing is not None and playing.started_ms <= start < playing.ends_ms:
            after = start - playing.started_ms
            self._play(BargeIn(speech.words, after, duration))
            return
        if start > now:
            self._play(Wait(start - now))
        self._play(Say(speech.words, duration))

    def _keys(self, keys: Keys) -> None:
        state = self.session.state
        pending = state.pending_dtmf
        pressed, last_ms = keys.digits, keys.at_ms
        if pending is None:
            self._diverged(f"keys {keys.digits} at {keys.at_ms / 1000:g} s: no key collection")
        elif pending.max_numbers is None or len(pressed) < pending.max_numbers:
            if pending.end_character:
                pressed += pending.end_character
            else:
                last_ms -= pending.timeout_s * 1000
        gap = PLATFORM_DEFAULTS.dtmf_key_gap_ms
        first_ms = last_ms - gap * (len(pressed) - 1)
        if first_ms < state.now_ms and len(pressed) > 1:
            gap = max((last_ms - state.now_ms) // (len(pressed) - 1), 1)
            first_ms = state.now_ms
        if first_ms > state.now_ms:
            self._play(Wait(first_ms - state.now_ms))
        written_gap = None if gap == PLATFORM_DEFAULTS.dtmf_key_gap_ms else gap
        self._play(Press(pressed, written_gap))

    def _quiet(self, quiet: Quiet, following: Activity | None) -> None:
        now = self.session.state.now_ms
        if quiet.mute and self.outbound and self.mute_guess is None:
            self._guess_mute_time(quiet)
        slack = COARSE_SLACK_MS if quiet.coarse else QUIET_SLACK_MS
        until = max(quiet.until_ms, now + 1) + slack
        next_start = _start_of(following)
        if next_start is not None and next_start > quiet.until_ms:
            until = min(until, next_start)
        self._play(Silence(max(until - now, 1)))

    def _guess_mute_time(self, quiet: Quiet) -> None:
        state = self.session.state
        if state.pending_dtmf is not None:
            return
        if not state.answered:  # the opening plays from the answer, at the next step
            idle_from = state.now_ms + self._opening_ms()
        else:
            idle_from = state.now_ms if state.playing is None else state.playing.ends_ms
        guess = quiet.until_ms - idle_from
        if quiet.coarse:
            guess = round(guess, -3)
        low, high = MUTE_TIME_RANGE.low, MUTE_TIME_RANGE.high
        if low is not None and high is not None and low <= guess <= high:
            self.mute_guess = guess

    def _opening_ms(self) -> int:
        call = self.scenario.call
        code = str(call.smartcall.get("VoiceCode", ""))
        default = PLATFORM_DEFAULTS.file_duration_ms
        return sum(self.scenario.media.get(item, default) for item in code.split(",") if item)

    # --- the model ------------------------------------------------------------------------

    def _play(self, action: Action) -> None:
        action = self._bounded(action)
        step = Step(action, index=len(self.steps))
        self.steps.append(step)
        self._drive(self.session.play_step(step), step.index)

    def _bounded(self, action: Action) -> Action:
        """Durations a fixture can hold (at most 24 h): timestamps or offsets far apart (a
        clock jump, garbage) would otherwise write a step the loader refuses."""
        changes = {
            name: MAX_DURATION_MS
            for name in ("duration_ms", "after_ms", "gap_ms")
            if (value := getattr(action, name, None)) is not None and value > MAX_DURATION_MS
        }
        if not changes:
            return action
        self._diverged(f"a step longer than 24 h was cut to 24 h (step {len(self.steps) + 1})")
        return dataclasses.replace(action, **changes)  # type: ignore[arg-type]

    def _drive(self, flow: FlowType, step_index: int | None) -> None:
        callback = next(flow, None)
        while callback is not None:
            try:
                callback = flow.send(self._answer(callback, step_index))
            except StopIteration:
                return

    def _answer(self, callback: Callback, step_index: int | None) -> Any:
        """The recorded answer to the recorded twin of the model's ``callback``."""
        ahead = list(self.pending)[:MATCH_AHEAD]
        twin = next((item for item in ahead if item.kind is callback.kind), None)
        if twin is None:
            at = callback.at_ms / 1000
            self._diverged(f"the model sends a {callback.kind} at {at:g} s the platform did not")
            return None
        while self.pending[0] is not twin:
            skipped = self.pending.popleft()
            self._diverged(
                f"the model does not send the recorded {skipped.kind} (turn {skipped.index + 1})"
            )
        self.pending.popleft()
        twin.step_index = step_index
        twin.matched = True
        return None if twin.data is None else dict(twin.data)

    def _diverged(self, message: str) -> None:
        self.divergences.append(message)


def _start_of(activity: Activity | None) -> int | None:
    if activity is None:
        return None
    what = activity.what
    if isinstance(what, Speech):
        return what.start_ms
    if isinstance(what, Keys):
        return what.at_ms
    return None
