"""``CallSession``: plays one scenario as the platform would, one step at a time.

Each public method is a generator: it yields the callbacks the platform sends, in time order,
and takes the endpoint's answer (the response's ``data``, or ``None`` when unusable) through
``.send()``. The answer is applied before the next event is computed.
"""

from __future__ import annotations

from collections.abc import Generator

from vcall.simulator.fixture import Action, EndReason, Hangup, Say, Scenario, Step
from vcall.simulator.model.caller import StepPlan, plan_step
from vcall.simulator.model.coerce import is_mapping, to_text
from vcall.simulator.model.content import callin_content
from vcall.simulator.model.core import CallCore
from vcall.simulator.model.events import Outgoing, next_event, step_done
from vcall.simulator.model.opening import answer_outbound, apply_smartcall_settings
from vcall.simulator.model.responses import apply_callin_answer, apply_followup_answer
from vcall.simulator.model.timeline import TimelineEvent, TimelineKind
from vcall.simulator.model.types import Callback, CallState, ModelNote, ResponseData
from vcall.simulator.spec import PLATFORM_DEFAULTS, BeginTime, CallbackKind, PlatformDefaults

CallbackFlow = Generator[Callback, ResponseData | None, None]
"""Yields callbacks; is sent each one's answer."""


class CallSession:
    """One simulated call: ``start()``, then ``play_step()`` per step, then ``finish()``."""

    def __init__(
        self,
        scenario: Scenario,
        *,
        call_id: str,
        start_epoch_ms: int,
        defaults: PlatformDefaults = PLATFORM_DEFAULTS,
        keep_timeline: bool = True,
        begin_time: BeginTime | None = None,
    ) -> None:
        """``keep_timeline=False``: :attr:`timeline` stays empty (load runs). ``begin_time``:
        how ``begin_time`` is written, over the fixture's choice (``--begin-time``)."""
        self._core = CallCore(
            scenario,
            call_id=call_id,
            start_epoch_ms=start_epoch_ms,
            defaults=defaults,
            keep_timeline=keep_timeline,
            begin_time=begin_time,
        )
        self._started = False

    @property
    def state(self) -> CallState:
        return self._core.snapshot()

    @property
    def ended(self) -> bool:
        """Whether the call is over: ``state.ended`` without building a snapshot."""
        return self._core.ended

    @property
    def timeline(self) -> list[TimelineEvent]:
        """What happened, by start time (what is still under way is not in it yet)."""
        return self._core.timeline.events()

    @property
    def notes(self) -> list[ModelNote]:
        return list(self._core.notes)

    def start(self) -> CallbackFlow:
        """Inbound: the ``callin`` callback. Outbound: SmartCall's settings; no callback."""
        if self._started:
            raise RuntimeError("CallSession.start() was already called")
        self._started = True
        core = self._core
        if core.outbound:
            apply_smartcall_settings(core)
            return
        callback = core.callback(CallbackKind.CALLIN, callin_content(core.scenario.call))
        data = yield callback
        apply_callin_answer(core, data)
        self._record(callback, data)

    def play_step(self, step: Step) -> CallbackFlow:
        """Every callback of ``step``, in time order; returns when the step is over."""
        self._require_started()
        core = self._core
        core.step_index = step.index
        if core.ended:
            return
        if isinstance(step.action, Hangup):
            core.end_call(EndReason.CALLER_HANGUP)
            return
        self._answer_when_due(step.action)
        plan = plan_step(
            step.action,
            now_ms=core.now_ms,
            playing=core.playing,
            early_media=self._early_media(step.action),
            defaults=core.defaults,
        )
        started = core.now_ms
        yield from self._run(plan)
        if plan.until_ms is not None or plan.until_idle:
            core.timeline.add(TimelineKind.SILENCE, step.kind, started, core.now_ms)

    def finish(self) -> CallbackFlow:
        """The steps ran out: the caller hangs up once the playback has ended. No callbacks."""
        self._require_started()
        core = self._core
        core.step_index = None
        if core.ended:
            return
        if not core.answered:
            core.note("the call was never answered")
        else:
            core.silent = True
            yield from self._run(StepPlan(until_idle=True))
        core.end_call(EndReason.END_OF_SCENARIO)

    # --- internals -------------------------------------------------------------------------

    def _require_started(self) -> None:
        if not self._started:
            raise RuntimeError("CallSession.start() must run before the steps")

    def _answer_when_due(self, action: Action) -> None:
        core = self._core
        is_early = isinstance(action, Say) and action.early_media
        if core.outbound and not core.answered and not is_early:
            answer_outbound(core)

    def _early_media(self, action: Action) -> bool:
        """Whether ``action`` is heard as early media; a misplaced ``early_media`` is noted."""
        if not isinstance(action, Say) or not action.early_media:
            return False
        core = self._core
        if not core.outbound:
            core.note("early_media ignored: an inbound call has no early media")
            return False
        if core.answered:
            core.note("early_media ignored: the call is already answered")
            return False
        return True

    def _run(self, plan: StepPlan) -> CallbackFlow:
        core = self._core
        while not core.ended and not step_done(core, plan):
            event = next_event(core, plan)
            if event is None:
                core.note("nothing more can happen in this step")
                return
            core.advance(event.at_ms)
            outgoing = event.handle(core, plan)
            core.refresh_idle()
            if outgoing is not None:
                yield from self._send(outgoing)

    def _send(self, outgoing: Outgoing) -> CallbackFlow:
        core = self._core
        if core.silent:  # the steps ran out: nothing is sent, but what follows still happens
            if outgoing.then is not None:
                outgoing.then(core)
            return
        if core.closing is not None:
            core.note(f"no {outgoing.kind} callback: the call is ending ({core.closing})")
            return
        callback = core.callback(outgoing.kind, outgoing.content)
        data = yield callback
        apply_followup_answer(core, data)
        if outgoing.then is not None:
            outgoing.then(core)
        self._record(callback, data)

    def _record(self, callback: Callback, data: ResponseData | None) -> None:
        core = self._core
        if core.timeline.enabled:
            action = to_text(data.get("action")) if is_mapping(data) else None
            detail: dict[str, str | int | bool] = {"callback": callback.kind.value}
            detail["action"] = action or ""
            if callback.step_index is not None:
                detail["step_index"] = callback.step_index
            kind = callback.kind.value
            core.timeline.add(TimelineKind.CALLBACK, kind, callback.at_ms, None, detail)
        core.refresh_idle()
