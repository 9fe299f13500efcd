"""The platform model: what the SmartCall platform does during one call, as a pure library.

:class:`CallSession` plays a :class:`~vcall.simulator.fixture.scenario.Scenario` and yields the
:class:`Callback` s the platform would send; the engine delivers them, validates each answer and
sends the answer's ``data`` back into the generator. There is no I/O, no asyncio and no clock:
time is an integer number of ms since call start (an "offset"); Unix timestamps are
``start_epoch_ms + offset``. Same inputs, same callbacks.

The behaviour follows docs/platform.md §6. Where the vendor pages are silent, these are vcall's choices:

- Discrete events. Timers (playback end, mute, dtmf no-input, session timeout, timebreak, sentence
  end) and the caller's actions run in time order; at one instant: session timeout, playback end,
  timebreak, caller action, sentence end, dtmf timeout, mute, end of a silence step. The answer to
  a callback is applied at the callback's instant (the endpoint's latency is not modelled).
- Steps are back to back: a step starts when the previous one ended. ``say`` ends with its
  ``normal`` callback (``pause_time`` after the caller stops talking); ``press`` ends after its
  last key, or when the collection its keys went to completes (end character, max digits or
  timeout); ``silence`` / ``wait`` with a duration after it; ``wait`` without one when nothing
  plays any more; ``hangup`` ends the call (``caller_hangup``).
- ``say`` over a playback barges in at once (as ``barge_in`` with ``after`` 0); ``barge_in``
  starts ``after`` into the current playback, or ``after`` from now when nothing plays. Over a
  breakable playback with ``action_code_time_break`` > 0 (0 or less is off), speech lasting that
  long STOPS the playback (and what was queued after it) and gives a ``timebreak`` (the SmartCall page:
  用户持续说话可以打断当前播放); the answer decides what comes next. Shorter speech, or speech
  without a time break, never stops a playback. The sentence still gives its ``normal`` afterwards.
- A new playback interrupts the current one only if the current is breakable
  (``action_code_break``) and the action's ``action_break`` is true; otherwise it is queued
  after it (a note). An interrupting playback drops the queue. ``break`` stops a breakable
  playback and the queue; on a non-breakable one it is ignored (a note).
- ``hangup`` / ``transfer`` play their ``action_code`` then end the call; from the action on, no
  callback is sent. A caller hangup or a session timeout while that last playback plays keeps the
  bot's end reason. ``parallel_bridge`` ends the bot's part at once, if there is something to
  bridge: with no parallel transfer in the call, or after one failed, nothing happens and the call
  goes on with the bot (a note; the platform cannot bridge and documents no other effect).
- ``parallel_transfer`` plays its ``action_code`` (a hold prompt) while the call centre is
  dialled; once it has played, a ``parallel_transfer`` callback reports the outcome the fixture
  chose (``call.parallel_transfer``, default success; vendor doc 112703). On success the caller
  is with the agent once the answer to it is applied (``parallel_bridge``: at once); on fail the
  call goes on with the bot. When the steps run out first, nothing is sent, but a successful
  transfer still ends the call as ``parallel_transfer``.
- ``callin`` answer: ``hangup`` rejects the call (``bot_hangup``, nothing plays); an unusable
  answer (``None``) leaves it unanswered (``endpoint_failed``); any other action answers it and
  plays ``action_code``. Unusable follow-up answers are ``donothing``.
- Outbound: no ``callin``; SmartCall's settings apply from the start, the callee answers at the
  first step that is not early media (offset 0 is when the call was placed), and the session
  timeout counts from the answer. Before the answer only ending actions have an effect.
- ``mute``: once the call is idle (answered, nothing plays, nobody speaks, no sentence or key
  collection pending) for ``mute_time``; the timer restarts when the idle state begins again
  (at the end of the answer's playback, or at the mute itself if nothing plays).
- Content: every value is a string (real traffic); ``begin_time`` is Unix seconds inbound and ms
  outbound unless the fixture or the run chooses; ``callin`` carries ``partnerId``;
  ``identity`` is always ``"id2"``; ``current_media_code`` is the item as written in
  ``action_code`` (``$name$`` for a TTS item); ``play_begin_time`` / ``play_end_time`` describe
  the current playback, else the last one (``"0"`` while it plays); ``dynamic_id`` is the latest
  non-empty one returned (an empty one clears it).
- Only the English comma separates ``action_code`` / ``VoiceCode`` items: ``a.wav，b.wav`` is
  played as one file of that whole name (a note; the validator's ``separator-not-comma``).
- Durations: fixture ``media`` by item, then by TTS text; else estimates from
  ``spec.PLATFORM_DEFAULTS``. A TTS variable without a value is spoken as nothing (a note).
"""

from __future__ import annotations

from vcall.simulator.model.coerce import FieldReader, to_bool, to_int, to_params, to_text, within
from vcall.simulator.model.session import CallbackFlow, CallSession
from vcall.simulator.model.timeline import TimelineEvent, TimelineKind
from vcall.simulator.model.types import (
    CALLER_IDENTITY,
    Callback,
    CallState,
    DtmfInfo,
    ModelNote,
    PlaybackInfo,
    ResponseData,
)

__all__ = [
    "CALLER_IDENTITY",
    "CallSession",
    "CallState",
    "Callback",
    "CallbackFlow",
    "DtmfInfo",
    "FieldReader",
    "ModelNote",
    "PlaybackInfo",
    "ResponseData",
    "TimelineEvent",
    "TimelineKind",
    "to_bool",
    "to_int",
    "to_params",
    "to_text",
    "within",
]
