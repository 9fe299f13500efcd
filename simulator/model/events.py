"""The discrete-event core: which timer or caller action comes next, and what it does.

Candidates are derived from the state each time (so an answer that changes the state changes
what comes next): session timeout, playback end, the outcome of a parallel transfer, timebreak,
the caller's next action, the end of a sentence, the dtmf no-input timeout, mute, and the end of a
silence/wait step. Events due at the same instant run in that order. A handler changes the state
and may return a callback to send; the session sends it and applies the answer before the next
event is computed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

from vcall.simulator.fixture import EndReason
from vcall.simulator.model.caller import CallerEventKind, Sentence, StepPlan
from vcall.simulator.model.content import (
    ContentDict,
    dtmf_content,
    early_media_content,
    normal_content,
    timebreak_content,
    transfer_content,
)
from vcall.simulator.model.core import CallCore
from vcall.simulator.model.timeline import TimelineKind
from vcall.simulator.spec import TRANSFER_SUCCESS, CallbackKind, TransferPhase


@dataclass(slots=True)
class Outgoing:
    """A callback a handler wants sent.

    Not frozen, like the model's other per-event objects (treat them as immutable): they are
    built for every event of every call, and a frozen dataclass costs three times as much.
    """

    kind: CallbackKind
    content: ContentDict
    then: Callable[[CallCore], None] | None = None
    """Run after the answer to this callback has been applied (a transfer that succeeded)."""


Handler = Callable[[CallCore, StepPlan], Outgoing | None]


class Rank(IntEnum):
    """Order of events due at the same instant."""

    SESSION_TIMEOUT = 0
    PLAYBACK_END = 1
    TRANSFER = 2
    TIMEBREAK = 3
    CALLER = 4
    SENTENCE = 5
    DTMF_TIMEOUT = 6
    MUTE = 7
    STEP_END = 8


_SESSION_TIMEOUT = Rank.SESSION_TIMEOUT
_PLAYBACK_END = Rank.PLAYBACK_END
_TRANSFER = Rank.TRANSFER
_TIMEBREAK = Rank.TIMEBREAK
_CALLER = Rank.CALLER
_SENTENCE = Rank.SENTENCE
_DTMF_TIMEOUT = Rank.DTMF_TIMEOUT
_MUTE = Rank.MUTE
_STEP_END = Rank.STEP_END


@dataclass(slots=True)
class Event:
    """The next thing to happen: when, its rank, what handles it (not frozen: see Outgoing)."""

    at_ms: int
    rank: Rank
    handle: Handler


def step_done(core: CallCore, plan: StepPlan) -> bool:
    if plan.finished:
        return True
    if plan.until_idle:
        return core.playing is None and core.transfer is None
    if plan.events or plan.until_ms is not None:
        return False
    if plan.awaits_sentence and core.sentence is not None:
        return False
    target = plan.dtmf_target
    return not (plan.awaits_dtmf and target is not None and core.dtmf is target)


def next_event(core: CallCore, plan: StepPlan) -> Event | None:
    """The earliest candidate, due at ``now`` at the earliest; ties go by :class:`Rank`."""
    candidates = _candidates(core, plan)
    # Plain tuples compared by (due, rank) -- ranks are unique: this runs for every event.
    return Event(*min(candidates)) if candidates else None


def _candidates(core: CallCore, plan: StepPlan) -> list[tuple[int, Rank, Handler]]:
    """What could happen next, each due at ``now`` at the earliest.

    Written for speed (this runs for every event): ranks are module constants, since an enum
    member lookup is slow, and ``at if at > now else now`` is ``max(at, now)`` without a call.
    """
    now = core.now_ms
    found: list[tuple[int, Rank, Handler]] = []
    if (at := core.session_end_ms()) is not None:
        found.append((at if at > now else now, _SESSION_TIMEOUT, on_session_timeout))
    if core.playing is not None:
        at = core.playing.ends_ms
        found.append((at if at > now else now, _PLAYBACK_END, on_playback_end))
    if core.transfer is not None and (at := core.transfer_due_ms()) is not None:
        found.append((at if at > now else now, _TRANSFER, on_transfer_outcome))
    if core.speech is not None and (at := timebreak_due_ms(core)) is not None:
        found.append((at if at > now else now, _TIMEBREAK, on_timebreak))
    if plan.events:
        at = plan.events[0].at_ms
        found.append((at if at > now else now, _CALLER, on_caller_event))
    if core.sentence is not None:
        at = core.sentence.due_ms
        found.append((at if at > now else now, _SENTENCE, on_sentence))
    if core.dtmf is not None and (at := core.dtmf.deadline_ms()) is not None:
        found.append((at if at > now else now, _DTMF_TIMEOUT, on_dtmf_timeout))
    if (at := core.mute_due_ms()) is not None:
        found.append((at if at > now else now, _MUTE, on_mute))
    if (at := plan.until_ms) is not None:
        found.append((at if at > now else now, _STEP_END, on_step_end))
    return found


def timebreak_due_ms(core: CallCore) -> int | None:
    """When speech over a breakable playback with a time break has lasted long enough."""
    speech, playing = core.speech, core.playing
    if speech is None or playing is None or playing.id in speech.timebroken:
        return None
    if not playing.breakable or playing.time_break_ms <= 0:
        return None
    due = max(speech.start_ms, playing.start_ms) + playing.time_break_ms
    return due if due <= speech.end_ms and due < playing.ends_ms else None


# --- handlers ---------------------------------------------------------------------------------


def on_session_timeout(core: CallCore, plan: StepPlan) -> Outgoing | None:
    core.end_call(EndReason.SESSION_TIMEOUT)
    return None


def on_playback_end(core: CallCore, plan: StepPlan) -> Outgoing | None:
    core.playback_ended()
    return None


def on_timebreak(core: CallCore, plan: StepPlan) -> Outgoing | None:
    speech, playing = core.speech, core.playing
    if speech is None or playing is None:
        return None
    speech.timebroken.add(playing.id)
    content = timebreak_content(speech, playing, core.context())
    core.stop_for_timebreak()
    return Outgoing(CallbackKind.TIMEBREAK, content)


def on_transfer_outcome(core: CallCore, plan: StepPlan) -> Outgoing | None:
    """The parallel transfer's outcome (vendor doc 112703), as the fixture chooses it."""
    transfer, core.transfer = core.transfer, None
    if transfer is None:
        return None
    outcome = core.scenario.call.parallel_transfer
    content = transfer_content(
        outcome.status, outcome.fail_cause, transfer.is_monitor, transfer.echoed
    )
    succeeded = outcome.status == TRANSFER_SUCCESS
    core.transfer_phase = TransferPhase.SUCCESS if succeeded else TransferPhase.FAIL
    if succeeded:
        return Outgoing(CallbackKind.PARALLEL_TRANSFER, content, then=_with_agent)
    core.note(f"parallel transfer failed ({outcome.fail_cause}): the call goes on with the bot")
    return Outgoing(CallbackKind.PARALLEL_TRANSFER, content)


def _with_agent(core: CallCore) -> None:
    """After the answer to a successful transfer: the caller is with the call centre's agent,
    unless that answer already ended the bot's part (``parallel_bridge``, ``hangup``)."""
    if core.ended or core.closing is not None:
        return
    core.note("parallel transfer succeeded: the caller is with the call centre's agent")
    core.end_call(EndReason.PARALLEL_TRANSFER)


def on_caller_event(core: CallCore, plan: StepPlan) -> Outgoing | None:
    event = plan.next_caller_event()
    if event.kind is CallerEventKind.SPEECH_START:
        _speech_start(core, plan)
    elif event.kind is CallerEventKind.SPEECH_END:
        _speech_end(core)
    else:
        return _key(core, plan, event.key)
    return None


def on_sentence(core: CallCore, plan: StepPlan) -> Outgoing | None:
    sentence, core.sentence = core.sentence, None
    if sentence is None:
        return None
    speech, ctx = sentence.speech, core.context()
    if speech.early_media:
        return Outgoing(CallbackKind.NORMAL, early_media_content(speech, ctx))
    content = normal_content(speech, ctx, core.playing, core.last_played)
    return Outgoing(CallbackKind.NORMAL, content)


def on_dtmf_timeout(core: CallCore, plan: StepPlan) -> Outgoing | None:
    collection, core.dtmf = core.dtmf, None
    if collection is None:
        return None
    return Outgoing(CallbackKind.DTMF, dtmf_content(collection.timeout_digits()))


def on_mute(core: CallCore, plan: StepPlan) -> Outgoing | None:
    core.idle_since_ms = None
    return Outgoing(CallbackKind.MUTE, {})


def on_step_end(core: CallCore, plan: StepPlan) -> Outgoing | None:
    plan.finished = True
    return None


def _speech_start(core: CallCore, plan: StepPlan) -> None:
    core.speech = plan.speech
    playing = core.playing
    if playing is not None and not playing.breakable and playing.time_break_ms > 0:
        core.note(f"no timebreak: {playing.name} is not breakable")


def _speech_end(core: CallCore) -> None:
    speech = core.finish_speech()
    if speech is None:
        return
    if speech.early_media and not core.settings.early_media_asr:
        core.note("early media not recognised (EarlyMediaAsr is off): no callback")
        return
    core.sentence = Sentence(speech, core.now_ms + core.settings.pause_time_ms)


def _key(core: CallCore, plan: StepPlan, key: str) -> Outgoing | None:
    collection = core.dtmf
    detail = {"collected": collection is not None}
    core.timeline.add(TimelineKind.KEYS, key, core.now_ms, None, detail)
    if collection is None:
        core.note(f"key {key} ignored: no dtmf collection pending")
        return None
    plan.dtmf_target = collection
    core.stop_prompt_for_key()
    digits = collection.press(key, core.now_ms)
    if digits is None:
        return None
    core.dtmf = None
    return Outgoing(CallbackKind.DTMF, dtmf_content(digits))
