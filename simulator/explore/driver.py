"""Playing a path of caller moves as one call, and reading off the state after each move.

It stands on the replay engine: a :class:`~vcall.simulator.replay.engine.CallRunner` plays the
call step by step (``begin`` / ``play`` / ``end``) on the virtual clock, so every answer is
validated exactly as ``vcall simulate`` validates it.
"""

from __future__ import annotations

import dataclasses
import json
import re
import time
from collections.abc import Sequence
from typing import Any

from vcall.simulator.dialogue_map import (
    BOT_ENDINGS,
    NO_ANSWER,
    OPENING,
    Identity,
    Move,
    MoveOutcome,
    PathRun,
    Situation,
    StateKey,
    end_state,
    flatten,
    is_no_change,
    kept_answer,
    state_of,
    usable_data,
)
from vcall.simulator.explore.progress import ExploreProgress
from vcall.simulator.fixture import CallSettings, EndReason, Scenario, Silence, Step
from vcall.simulator.replay import CallRunner, RunContext, Turn

PERIODS = 10
"""A play-out stops once the answers have repeated this many whole periods (or more: see
:func:`periods_needed`): the call is then taken to go round for ever."""
MAX_PERIOD = 8
"""The longest cycle of answers a play-out looks for."""
MAX_COUNTER = 100
"""Numbers in what the bot says up to this are counters it may be showing (larger ones are
amounts, numbers to call, years)."""
CHUNK_MS = 5_000
"""A play-out's silence is played this much at a time, the answers looked at after each."""
DIGITS = re.compile(r"\d+")


class PathDriver:
    """Plays paths against one target; each path is a new call."""

    def __init__(
        self, ctx: RunContext, settings: CallSettings, identity: Identity = Identity.NORMAL
    ) -> None:
        self.ctx = ctx
        self.settings = settings
        self.identity = identity
        self.calls = 0
        self.callbacks = 0
        """Callbacks sent so far (every call this driver placed)."""
        self._lean = dataclasses.replace(ctx, retain_turns=False)
        """The same run, keeping no turns: play-outs look at each answer once and let it go."""
        self.progress: ExploreProgress | None = None
        """Given: its ``calls`` and ``callbacks`` follow this driver's."""

    def runner(
        self, moves: Sequence[Move], name: str = "explore", *, lean: bool = False
    ) -> CallRunner:
        """A call ready to play ``moves`` (created in order: call ids follow the seed).
        ``lean``: the call keeps no timeline and its result no turns (the crawl reads the
        turns each move returns, and lets them go)."""
        scenario = Scenario(name=name, steps=flatten(moves), call=self.settings)
        self.calls += 1
        return CallRunner(self._lean if lean else self.ctx, scenario, self.calls)

    async def run(self, moves: Sequence[Move], runner: CallRunner | None = None) -> PathRun:
        runner = runner or self.runner(moves)
        root_turns = tuple(await runner.begin())
        root = self._root_state(root_turns)
        situation = Situation.of(runner.session.state)
        outcomes: list[MoveOutcome] = []
        current = root
        steps = iter(runner.scenario.steps)
        played: list[Step] = []
        for move in moves:
            if runner.ended:
                break
            turns: list[Turn] = []
            for _ in move.steps:
                step = next(steps)
                if runner.ended:
                    break
                played.append(step)
                turns.extend(await runner.play(step))
            outcome = self._outcome(runner, move, tuple(turns), current)
            outcomes.append(outcome)
            current = outcome.state
        result = runner.end()
        self._count(runner)
        answer = kept_answer(usable_data(root_turns[-1])) if root_turns else None
        outcome_list = tuple(outcomes)
        return PathRun(root, root_turns, situation, outcome_list, result, tuple(played), answer)

    async def plays_on(self, moves: Sequence[Move], deadline: float) -> EndReason | None:
        """Play ``moves``, then stay silent, as a caller who waits for the session timeout would.

        Returns how the call ended, or ``None`` once the bot's answers since the moves have
        gone round the same cycle for :func:`periods_needed` periods: a bot that counts per
        call (silences, retries) and ends the call at its limit has ended it long before, and
        one that never ends it is not waited out to the session timeout (360 callbacks of a
        one-hour call with a ``mute`` every 10 s). ``None`` too when ``deadline``
        (``time.perf_counter()``) passes first.
        """
        scenario = Scenario(name="explore", steps=flatten(moves), call=self.settings)
        self.calls += 1
        runner = CallRunner(self._lean, scenario, self.calls)
        try:
            await runner.begin()
            for step in scenario.steps:
                if runner.ended:
                    break
                await runner.play(step)
            answers: list[str] = []
            counter = 0
            index = len(scenario.steps)
            while not runner.ended and time.perf_counter() < deadline:
                for turn in await runner.play(Step(Silence(CHUNK_MS), index=index)):
                    answer, shown = _answer_of(turn)
                    answers.append(answer)
                    counter = max(counter, shown)
                index += 1
                if is_periodic(answers, periods_needed(counter)):
                    return None
            if not runner.ended:
                return None
            return runner.end().end_reason
        finally:
            self._count(runner)

    def _count(self, runner: CallRunner) -> None:
        self.callbacks += runner.turn_count
        if self.progress is not None:
            self.progress.calls = self.calls
            self.progress.callbacks = self.callbacks

    def _root_state(self, turns: Sequence[Turn]) -> StateKey:
        if not turns:
            voice = str(self.settings.smartcall.get("VoiceCode", ""))
            return StateKey(OPENING, (voice,) if voice else ())
        data = usable_data(turns[-1])
        return NO_ANSWER_STATE if data is None else state_of(data, self.identity)

    def _outcome(
        self, runner: CallRunner, move: Move, turns: tuple[Turn, ...], current: StateKey
    ) -> MoveOutcome:
        state = current
        answer: dict[str, Any] | None = None
        for turn in turns:
            data = usable_data(turn)
            if not is_no_change(data, state):
                assert data is not None
                state = state_of(data, self.identity)
                answer = kept_answer(data)
        call = runner.session.state
        reason = EndReason.ENDPOINT_FAILED if runner.unreachable else call.end_reason
        if call.ended and reason not in BOT_ENDINGS:
            state, answer = end_state(reason), None
        return MoveOutcome(move, turns, state, Situation.of(call), reason, answer)


NO_ANSWER_STATE = StateKey(NO_ANSWER)


def periods_needed(counter: int) -> int:
    """Whole periods a cycle must repeat: :data:`PERIODS`, or beyond the largest counter the bot
    showed (a bot saying "第 12 次" may well stop at 15)."""
    return max(PERIODS, counter + 2)


def is_periodic(answers: Sequence[str], periods: int) -> bool:
    """Whether the last answers repeat one cycle (of up to ``MAX_PERIOD``) ``periods`` times."""
    count = len(answers)
    for period in range(1, MAX_PERIOD + 1):
        span = period * periods
        if span > count:
            return False
        start = count - span
        if all(answers[i] == answers[i - period] for i in range(start + period, count)):
            return True
    return False


def _answer_of(turn: Turn) -> tuple[str, int]:
    """What a play-out compares (the callback's kind and the ``data`` the platform acts on,
    ``call_id`` aside), and the largest counter-sized number the answer shows."""
    data = usable_data(turn)
    if data is None:
        return f"{turn.callback.kind}|{turn.exchange.status}|-", 0
    kept = {name: value for name, value in data.items() if name != "call_id"}
    text = json.dumps(kept, sort_keys=True, ensure_ascii=False, default=str)
    key = state_of(data, Identity.FINE)
    shown = [int(n) for part in (*key.plays, key.dynamic_id) for n in DIGITS.findall(part)]
    counters = [n for n in shown if n <= MAX_COUNTER]
    return f"{turn.callback.kind}|{text}", max(counters, default=0)
