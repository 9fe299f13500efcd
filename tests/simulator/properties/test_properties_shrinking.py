"""Counterexamples shrunk with explore's shrinker: fewer words and a shorter silence while a call
on the path still shows the violation; the report and the saved fixture carry the shrunk path,
and the fixture still replays red on the faulty bot and green once it is fixed."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from props_bots import bot_from, menu_bot

from vcall.simulator.dialogue_map import (
    ExploreMap,
    Identity,
    Move,
    MoveKind,
    MoveOutcome,
    Node,
    PathRun,
    Situation,
    StateKey,
)
from vcall.simulator.explore.report import explore_to_dict
from vcall.simulator.explore.run import ExploreConfig, ExploreResult, explore
from vcall.simulator.fixture.loader import load_scenarios
from vcall.simulator.fixture.scenario import EndReason, Say, Scenario, Silence
from vcall.simulator.properties import (
    BuiltinOptions,
    Kind,
    Property,
    PropertyOutcome,
    Verdict,
    builtin_properties,
)
from vcall.simulator.properties.shrinking import shrink_outcome
from vcall.simulator.replay.engine import SimulationConfig, simulate
from vcall.simulator.replay.results import CallResult
from vcall.simulator.replay.targets import app_target

LINES = ("我想查话费谢谢你", "投诉")
"""A long line the bot only needs a part of (it listens for 查话费)."""
BUILTINS = builtin_properties(BuiltinOptions())


def _explore(tmp_path: Path, shrink: bool = True, **faults: Any) -> ExploreResult:
    config = ExploreConfig(lines=LINES, properties=BUILTINS, save_dir=tmp_path, shrink=shrink)
    return explore(app_target("bot", bot_from(menu_bot(**faults))), config)


def _outcome(result: ExploreResult, name: str) -> PropertyOutcome:
    return next(o for o in result.properties if o.property.name == name)


def _replays_green(fixture: Path, **faults: Any) -> bool:
    scenarios = list(load_scenarios([str(fixture)]))
    bot = app_target("bot", bot_from(menu_bot(**faults)))
    return simulate(scenarios, bot, SimulationConfig()).failed == 0


def _said(fixture: Path) -> list[str]:
    document = yaml.safe_load(fixture.read_text("utf-8"))
    return [str(step["say"]) for step in document["steps"] if "say" in step]


def _silences_ms(path: tuple[Move, ...]) -> list[int]:
    return [s.duration_ms for m in path for s in m.steps if isinstance(s, Silence)]


def test_a_call_can_end_counterexample_says_fewer_words_in_the_report_and_fixture(
    tmp_path: Path,
) -> None:
    first = _outcome(
        _explore(tmp_path / "unshrunk", shrink=False, stuck_balance=True), "call-can-end"
    )
    assert [m.label for m in first.path] == ["say 我想查话费谢谢你"] * 3 and not first.shrunk

    result = _explore(tmp_path / "shrunk", stuck_balance=True)
    outcome = _outcome(result, "call-can-end")
    assert outcome.verdict is Verdict.VIOLATED and outcome.shrunk
    # the greeting and the balance take any words (one character); the menu needs 查话费
    assert [m.label for m in outcome.path] == ["say 我", "say 我想查话费", "say 我"]
    assert outcome.states == first.states
    assert outcome.through[-1] == outcome.states[0]
    reported = next(p for p in explore_to_dict(result)["properties"] if p["name"] == "call-can-end")
    assert reported["moves"] == ["say 我", "say 我想查话费", "say 我"] and reported["shrunk"]

    fixture = Path(outcome.saved)
    assert _said(fixture) == ["我", "我想查话费", "我"]
    assert not _replays_green(fixture, stuck_balance=True)
    assert _replays_green(fixture)


def test_a_silence_ends_counterexample_waits_a_shorter_silence(tmp_path: Path) -> None:
    first = _outcome(
        _explore(tmp_path / "unshrunk", shrink=False, silence_forever=True), "silence-ends"
    )
    outcome = _outcome(_explore(tmp_path / "shrunk", silence_forever=True), "silence-ends")
    assert outcome.verdict is Verdict.VIOLATED and outcome.shrunk
    assert len(outcome.path) == len(first.path) == 1
    assert sum(_silences_ms(outcome.path)) < sum(_silences_ms(first.path))
    # still long enough for the bot to re-prompt past the limit of 3 silences (every 5 s)
    assert sum(_silences_ms(outcome.path)) > 3 * 5000

    fixture = Path(outcome.saved)
    document = yaml.safe_load(fixture.read_text("utf-8"))
    assert "Caller moves: silence" in document["description"]
    shrunk_s = sum(_silences_ms(outcome.path)) / 1000
    assert document["steps"] == [{"silence": f"{shrunk_s:g}s"}]
    assert not _replays_green(fixture, silence_forever=True)
    assert _replays_green(fixture)


@pytest.mark.parametrize("shows", [True, False])
def test_a_path_is_only_shrunk_to_one_a_played_call_still_shows(shows: bool) -> None:
    """``shrink_outcome`` keeps a smaller path only when the call on it still reaches the
    violating state: a bot that needs every word keeps the path whole."""
    goal = StateKey("play", ("hold.wav",))
    explored = ExploreMap(Identity.NORMAL)
    node = Node("s1", goal, 1, (_say("我想查话费"),), Situation(), expanded=True)
    explored.nodes[goal.key] = node
    prop = Property("call-can-end", Kind.CAN_END, builtin=True)
    outcome = PropertyOutcome(prop, Verdict.VIOLATED, ("s1",), node.path)
    played: list[tuple[Move, ...]] = []

    async def play(path: tuple[Move, ...]) -> PathRun | None:
        played.append(path)
        words = "".join(s.words for m in path for s in m.steps if isinstance(s, Say))
        reached = goal if shows or words == "我想查话费" else StateKey("play", ("menu.wav",))
        return _run(reached)

    async def shrinker(
        path: tuple[Move, ...], holds: Callable[[tuple[Move, ...]], Awaitable[bool]]
    ) -> tuple[Move, ...]:
        smaller = (_say("我想"),)
        return smaller if await holds(smaller) else path

    asyncio.run(shrink_outcome(outcome, explored, play, shrinker))
    assert played == [(_say("我想查话费"),), (_say("我想"),)]  # the first found is confirmed first
    assert outcome.shrunk is shows
    assert [m.label for m in outcome.path] == (["say 我想"] if shows else ["say 我想查话费"])


def _say(words: str) -> Move:
    return Move(MoveKind.SAY, f"say {words}", (Say(words),))


def _run(state: StateKey) -> PathRun:
    result = CallResult(Scenario("t", ()), "call-1", (), (), EndReason.CALLER_HANGUP, 0, 0.0)
    move = MoveOutcome(_say("x"), (), state, Situation())
    return PathRun(StateKey("answer"), (), Situation(), (move,), result)
