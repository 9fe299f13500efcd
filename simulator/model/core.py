"""The mutable state of one simulated call and the primitive operations on it.

Playback rules (docs/platform.md §6.2, §6.5): a new playback interrupts the current one only if the
current one is breakable (``action_code_break``) and the new action's ``action_break`` is true;
otherwise it is queued after it, with a note. An interrupting playback also drops the queue.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from types import MappingProxyType

from vcall.simulator.fixture import Direction, EndReason, MediaCatalog, PlayItem, Scenario
from vcall.simulator.model.caller import Sentence, Speech
from vcall.simulator.model.content import ContentContext, ContentDict
from vcall.simulator.model.dtmf import DtmfCollection
from vcall.simulator.model.playback import Playback
from vcall.simulator.model.settings import Settings
from vcall.simulator.model.timeline import Timeline, TimelineKind
from vcall.simulator.model.types import Callback, CallState, ModelNote, PlaybackInfo
from vcall.simulator.spec import (
    BEGIN_TIME_DEFAULTS,
    BeginTime,
    CallbackKind,
    PlatformDefaults,
    TransferPhase,
)


@dataclass(slots=True)
class PendingTransfer:
    """A parallel transfer under way: its outcome is reported once its prompt has played."""

    prompt_id: int | None
    """The prompt's playback id while it has not finished; ``None`` once it has (or without one)."""
    ready_ms: int | None
    """When the outcome is due (set when the prompt is over)."""
    is_monitor: bool
    echoed: dict[str, str]
    """The answer's strings the outcome callback echoes (``spec.echoed_into``: ``cc_name``)."""


class CallCore:
    """Everything the model knows about the call at ``now_ms``."""

    def __init__(
        self,
        scenario: Scenario,
        *,
        call_id: str,
        start_epoch_ms: int,
        defaults: PlatformDefaults,
        keep_timeline: bool = True,
        begin_time: BeginTime | None = None,
    ) -> None:
        self.scenario = scenario
        self.begin_time = (
            begin_time
            or scenario.call.begin_time
            or BEGIN_TIME_DEFAULTS[scenario.call.direction.value]
        )
        """How ``begin_time`` is written: the run's choice, the fixture's, else by direction."""
        self.call_id = call_id
        self.epoch_ms = start_epoch_ms
        self.defaults = defaults
        self.catalog = MediaCatalog(scenario.media, defaults)
        self.settings = Settings.initial(defaults)
        self.timeline = Timeline(enabled=keep_timeline)
        self.notes: list[ModelNote] = []
        self.now_ms = 0
        self.step_index: int | None = None
        self.answered_ms: int | None = None
        self.answered = False
        """Whether ``answered_ms`` is set (a flag: it is read for every event)."""
        self.record_begin_ms: int | None = None
        self.end_reason: EndReason | None = None
        self.ended = False
        """Whether ``end_reason`` is set."""
        self.closing: EndReason | None = None
        self.playing: Playback | None = None
        self.queue: list[Playback] = []
        self.last_played: Playback | None = None
        self.dtmf: DtmfCollection | None = None
        self.transfer: PendingTransfer | None = None
        self.transfer_phase = TransferPhase.NONE
        """Where the call's parallel transfer stands (what ``parallel_bridge`` can bridge)."""
        self.speech: Speech | None = None
        self.sentence: Sentence | None = None
        self.idle_since_ms: int | None = None
        self.silent = False
        """Set by ``finish``: the steps ran out, no callback is sent any more."""
        self._playback_ids = itertools.count(1)

    # --- time, notes, callbacks ------------------------------------------------------------

    @property
    def outbound(self) -> bool:
        return self.scenario.call.direction is Direction.OUTBOUND

    def advance(self, at_ms: int) -> None:
        self.now_ms = max(self.now_ms, at_ms)

    def note(self, message: str) -> None:
        self.notes.append(ModelNote(self.now_ms, self.step_index, message))
        self.timeline.add(TimelineKind.NOTE, message, self.now_ms)

    def context(self) -> ContentContext:
        return ContentContext(self.epoch_ms, self.now_ms, self.record_begin_ms, self.begin_time)

    def callback(self, kind: CallbackKind, content: ContentDict) -> Callback:
        """A callback sent now; ``dynamic_id`` is carried in every kind but ``callin``."""
        if kind is not CallbackKind.CALLIN and self.settings.dynamic_id:
            content = {**content, "dynamic_id": self.settings.dynamic_id}
        step = None if kind is CallbackKind.CALLIN else self.step_index
        timestamp = self.epoch_ms + self.now_ms
        proxy = MappingProxyType(content)
        phase = self.transfer_phase
        return Callback(kind, self.call_id, self.now_ms, timestamp, proxy, step, phase)

    def answer(self) -> None:
        self.answered_ms = self.now_ms
        self.answered = True
        if self.settings.record_flag:
            self.record_begin_ms = self.now_ms

    def session_end_ms(self) -> int | None:
        if self.answered_ms is None:
            return None
        return self.answered_ms + self.settings.session_timeout_s * 1000

    # --- playback --------------------------------------------------------------------------

    def new_playback(
        self,
        action: str,
        items: tuple[PlayItem, ...],
        *,
        breakable: bool = True,
        time_break_ms: int = 0,
    ) -> Playback:
        return Playback(next(self._playback_ids), action, items, breakable, time_break_ms)

    def schedule(self, playback: Playback, *, action_break: bool) -> None:
        """Start ``playback`` now, interrupting the current one if allowed; else queue it."""
        current = self.playing
        if current is None:
            self._start(playback)
        elif current.breakable and action_break:
            self._drop_queue(f"{playback.action} interrupts {current.name}")
            self._stop_current("interrupted")
            self._start(playback)
        else:
            why = "action_code_break is false" if not current.breakable else "action_break is false"
            self.note(f"{playback.action} queued after {current.name}: {why}")
            self.queue.append(playback)

    def playback_ended(self) -> None:
        """The current playback played to its end."""
        finished = self.playing
        if finished is None:
            return
        self._stop_current("")
        if finished.then_end is not None:
            self.end_call(finished.then_end)
        elif self.queue:
            self._start(self.queue.pop(0))

    def break_playback(self) -> None:
        """The bot's ``break``: stop the current playback (and the queue) if it is breakable."""
        current = self.playing
        if current is None:
            self.note("break: nothing is playing")
        elif not current.breakable:
            self.note(f"break ignored: {current.name} is not breakable")
        else:
            self._drop_queue("break")
            self._stop_current("break")

    def stop_for_timebreak(self) -> None:
        """The caller talked over a breakable playback long enough: it stops (the SmartCall page,
        ActionCodeTimeBreak: 用户持续说话可以打断当前播放), and what was queued after it with it."""
        current = self.playing
        if current is None:
            return
        self._drop_queue(f"timebreak stopped {current.name}")
        self._stop_current("timebreak")

    def stop_prompt_for_key(self) -> None:
        """A key during a breakable dtmf prompt stops the prompt."""
        current, collection = self.playing, self.dtmf
        if current is None or collection is None or current.id != collection.prompt_id:
            return
        if current.breakable:
            self._stop_current("key pressed")
            if self.queue:
                self._start(self.queue.pop(0))

    def _start(self, playback: Playback) -> None:
        playback.started_ms = self.now_ms
        self.playing = playback

    def _stop_current(self, cut: str) -> None:
        playback = self.playing
        if playback is None:
            return
        playback.stopped_ms = self.now_ms
        self.timeline.playback(playback, self.now_ms, cut=cut)
        self.last_played = playback
        self.playing = None
        self._prompt_over(playback)

    def _drop_queue(self, why: str) -> None:
        for playback in self.queue:
            self.note(f"queued {playback.action} {playback.name} dropped: {why}")
            self._prompt_over(playback)
        self.queue.clear()

    def _prompt_over(self, playback: Playback) -> None:
        if self.dtmf is not None and self.dtmf.prompt_id == playback.id:
            self.dtmf.prompt_over(self.now_ms)
        transfer = self.transfer
        if transfer is not None and transfer.prompt_id == playback.id:
            transfer.prompt_id = None
            transfer.ready_ms = self.now_ms

    def transfer_due_ms(self) -> int | None:
        transfer = self.transfer
        return None if transfer is None else transfer.ready_ms

    # --- the end of the call ---------------------------------------------------------------

    def close(self, reason: EndReason, playback: Playback | None, *, action_break: bool) -> None:
        """The bot hangs up or transfers: its playback (if any) plays, then the call ends.

        No callback is sent any more from now on.
        """
        self.dtmf = None
        if playback is None or not playback.items:
            self.end_call(reason)
            return
        self.closing = reason
        playback.then_end = reason
        self.schedule(playback, action_break=action_break)

    def end_call(self, reason: EndReason) -> None:
        if self.ended:
            return
        if self.closing is not None and reason is not self.closing:
            self.note(
                f"{reason} while the bot's last playback played: the call ends as {self.closing}"
            )
            reason = self.closing
        self._stop_current("call ended")
        self.queue.clear()
        self._cut_speech()
        self.sentence = self.dtmf = None
        self.transfer = None
        self.idle_since_ms = None
        self.end_reason = reason
        self.ended = True
        self.timeline.add(TimelineKind.END, reason.value, self.now_ms)

    def finish_speech(self, *, cut: bool = False) -> Speech | None:
        speech, self.speech = self.speech, None
        if speech is not None and self.timeline.enabled:
            end = min(speech.end_ms, self.now_ms)
            detail = {"barge_in": speech.barge_in, "early_media": speech.early_media, "cut": cut}
            self.timeline.add(TimelineKind.SPEECH, speech.words, speech.start_ms, end, detail)
        return speech

    def _cut_speech(self) -> None:
        if self.speech is not None:
            self.finish_speech(cut=True)

    # --- silence and mute ------------------------------------------------------------------

    def refresh_idle(self) -> None:
        busy = (  # nothing plays, nobody speaks, nothing pending (runs several times per event)
            self.playing
            or self.speech
            or self.sentence
            or self.dtmf
            or self.closing
            or self.transfer
        )
        if busy or not self.answered or self.ended:
            self.idle_since_ms = None
        elif self.idle_since_ms is None:
            self.idle_since_ms = self.now_ms

    def mute_due_ms(self) -> int | None:
        if self.idle_since_ms is None:
            return None
        return self.idle_since_ms + self.settings.mute_time_ms

    # --- snapshot --------------------------------------------------------------------------

    def snapshot(self) -> CallState:
        settings = self.settings
        return CallState(
            now_ms=self.now_ms,
            answered=self.answered,
            ended=self.ended,
            end_reason=self.end_reason,
            closing=self.closing,
            playing=self.playing.info(self.now_ms) if self.playing else None,
            queued=self._queued_info(),
            pending_dtmf=self.dtmf.info() if self.dtmf else None,
            dynamic_id=settings.dynamic_id,
            mute_time_ms=settings.mute_time_ms,
            pause_time_ms=settings.pause_time_ms,
            session_timeout_s=settings.session_timeout_s,
            recording=self.record_begin_ms is not None,
            transfer_number=settings.transfer_number,
        )

    def _queued_info(self) -> tuple[PlaybackInfo, ...]:
        start = self.playing.ends_ms if self.playing else self.now_ms
        infos = []
        for playback in self.queue:
            infos.append(playback.info(self.now_ms, start))
            start += playback.duration_ms
        return tuple(infos)
