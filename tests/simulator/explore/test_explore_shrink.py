"""The shrinker: drop moves, then shorten them, while the problem stays."""

from __future__ import annotations

import asyncio

from vcall.simulator.dialogue_map.moves import HANGUP, key_move, say_move
from vcall.simulator.explore.shrink import Path, shrink
from vcall.simulator.fixture.scenario import Say, Silence


def _run(path: Path, holds, max_tries: int = 200) -> Path:  # type: ignore[no-untyped-def]
    async def predicate(candidate: Path) -> bool:
        return holds(candidate)

    return asyncio.run(shrink(path, predicate, max_tries))


def _labels(path: Path) -> list[str]:
    return [move.label for move in path]


def test_moves_that_do_not_matter_are_dropped() -> None:
    path = (say_move("喂？"), key_move("1"), key_move("2"), say_move("好的"), key_move("3"))
    smaller = _run(path, lambda p: "key 2" in _labels(p))
    assert _labels(smaller) == ["key 2"]


def test_order_of_the_moves_that_matter_is_kept() -> None:
    path = (key_move("1"), say_move("好的"), key_move("2"), key_move("3"))

    def holds(p: Path) -> bool:
        labels = _labels(p)
        return (
            "key 1" in labels
            and "key 2" in labels
            and labels.index("key 1") < labels.index("key 2")
        )

    assert _labels(_run(path, holds)) == ["key 1", "key 2"]


def test_words_are_shortened_while_the_problem_stays() -> None:
    path = (say_move("我想转人工服务"),)

    def holds(p: Path) -> bool:
        return any(isinstance(s, Say) and s.words.startswith("我想") for m in p for s in m.steps)

    (move,) = _run(path, holds)
    words = [s.words for s in move.steps if isinstance(s, Say)]
    assert words == ["我想"]


def test_the_wait_before_speaking_goes_when_it_does_not_matter() -> None:
    (move,) = _run((say_move("投诉"),), lambda p: len(p) == 1)
    assert all(not isinstance(step, Silence) for step in move.steps)
    assert len(move.steps) == 1


def test_a_path_nothing_smaller_reproduces_is_returned_as_it_is() -> None:
    path = (key_move("4"), HANGUP)
    assert _run(path, lambda p: p == path) == path


def test_the_number_of_tries_is_bounded() -> None:
    tried: list[Path] = []

    def holds(p: Path) -> bool:
        tried.append(p)
        return False

    _run(tuple(key_move(k) for k in "1234567890"), holds, max_tries=5)
    assert len(tried) == 5


def test_shrinking_stops_when_time_is_up() -> None:
    tried: list[Path] = []

    async def holds(p: Path) -> bool:
        tried.append(p)
        return True

    path = tuple(key_move(k) for k in "123")
    clock = iter([False, True, True, True])
    smaller = asyncio.run(shrink(path, holds, out_of_time=lambda: next(clock)))
    assert len(tried) == 1 and len(smaller) == 2
