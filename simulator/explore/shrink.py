"""Shrinking: the smallest caller sequence that still shows a problem.

Greedy, in the spirit of delta debugging: drop one move at a time (earliest first) while the
problem stays; when no move can go, shorten one (fewer words, a shorter silence, fewer keys); stop
when nothing smaller reproduces, or after ``max_tries`` candidate calls.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from vcall.simulator.dialogue_map import Move

Path = tuple[Move, ...]
Holds = Callable[[Path], Awaitable[bool]]
MAX_TRIES = 200


async def shrink(
    path: Sequence[Move],
    holds: Holds,
    max_tries: int = MAX_TRIES,
    out_of_time: Callable[[], bool] = lambda: False,
) -> Path:
    """The smallest path found that ``holds``; ``path`` itself is assumed to hold. Stops after
    ``max_tries`` candidates or once ``out_of_time()``, with the smallest found so far."""
    best = tuple(path)
    tries = 0
    while tries < max_tries and not out_of_time():
        improved = False
        for candidate in _candidates(best):
            tries += 1
            if await holds(candidate):
                best = candidate
                improved = True
                break
            if tries >= max_tries or out_of_time():
                break
        if not improved:
            break
    return best


def _candidates(path: Path) -> list[Path]:
    """Smaller paths, the biggest cuts first: without one move, then with one move shortened."""
    dropped = [path[:i] + path[i + 1 :] for i in range(len(path))]
    shortened = [
        (*path[:i], smaller, *path[i + 1 :])
        for i, move in enumerate(path)
        for smaller in move.shorter()
    ]
    return dropped + shortened
