"""Counterexamples shrunk: the fewest-moves path that shows a violation, made smaller still
(fewer moves, fewer words, shorter silences) while a call played on it still shows it.

The shrinker itself is explore's (the one its problems use), handed in as a function: this
module only says, per kind of property, which part of the path may shrink and what a played
call must show. The part before the violating state (the *prefix*) shrinks while the call still
reaches that state and still shows the violation from there; the moves that show it (the
*tail*: the ``when:`` move, the repeated silences) stay as the property names them, except a
``silence-ends`` silence or a ``never`` move, which shrink too while the violation stays.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from vcall.simulator.dialogue_map import ENDED, ExploreMap, Move, PathRun, StateKey
from vcall.simulator.properties.calls import repeat_violation, silence_violation
from vcall.simulator.properties.model import Kind, PropertyOutcome

Path = tuple[Move, ...]
PlayOne = Callable[[Path], Awaitable[PathRun | None]]
"""Plays one path as a call (``None``: not played, e.g. out of time)."""
Shrinker = Callable[[Path, Callable[[Path], Awaitable[bool]]], Awaitable[Path]]
"""explore's shrinker: the smallest path found that still ``holds`` (the path given holds)."""
TAIL_SHRINKS = frozenset({Kind.SILENCE_ENDS, Kind.NEVER})


def tail_length(outcome: PropertyOutcome) -> int:
    """How many of the path's last moves show the violation (the rest reaches its state)."""
    kind = outcome.property.kind
    if kind in (Kind.CAN_END, Kind.REACHABLE):
        return 0
    if kind is Kind.NO_REPEAT:
        return min(outcome.property.limit, len(outcome.path))
    return min(1, len(outcome.path))


def shows(outcome: PropertyOutcome, goal: StateKey, run: PathRun, prefix: int) -> bool:
    """Whether ``run`` (a call whose first ``prefix`` moves lead to the violating state) still
    shows the violation: it reaches ``goal`` there, and what follows breaks the property."""
    if len(run.outcomes) < prefix:
        return False
    reached = run.outcomes[prefix - 1].state if prefix else run.root
    if reached != goal:
        return False
    prop = outcome.property
    kind = prop.kind
    if kind is Kind.SILENCE_ENDS:
        return bool(silence_violation(run.result.turns, prop.limit))
    if kind is Kind.NO_REPEAT:
        return bool(repeat_violation(run.result.turns, prop.limit))
    if kind in (Kind.NEVER, Kind.WHEN_THEN):
        if len(run.outcomes) <= prefix:
            return False
        answer = run.outcomes[prefix].state
        if kind is Kind.NEVER:
            return answer.action != ENDED and prop.target.test(answer)
        return answer.action not in prop.actions
    return True


async def shrink_outcome(
    outcome: PropertyOutcome, explored: ExploreMap, play: PlayOne, shrinker: Shrinker
) -> PathRun | None:
    """Shrink ``outcome.path`` in place (``outcome.shrunk`` says whether it got smaller); the
    call played on the final path, when one was."""
    node = explored.by_id().get(outcome.states[0]) if outcome.states else None
    if not outcome.violated or node is None or not outcome.path:
        return None
    goal = node.key
    cut = len(outcome.path) - tail_length(outcome)
    prefix, tail = outcome.path[:cut], outcome.path[cut:]
    runs: dict[Path, PathRun] = {}

    async def holds(candidate_prefix: Path, candidate_tail: Path) -> bool:
        path = (*candidate_prefix, *candidate_tail)
        run = runs.get(path) or await play(path)
        if run is None or not shows(outcome, goal, run, len(candidate_prefix)):
            return False
        runs[path] = run
        return True

    async def prefix_holds(candidate: Path) -> bool:
        return await holds(candidate, tail)

    if not await holds(prefix, tail):  # not reproduced by one call (state the bot keeps)
        return None
    prefix = await shrinker(prefix, prefix_holds) if prefix else prefix
    if tail and outcome.property.kind in TAIL_SHRINKS:

        async def tail_holds(candidate: Path) -> bool:
            return len(candidate) == len(tail) and await holds(prefix, candidate)

        tail = await shrinker(tail, tail_holds)
    smaller = (*prefix, *tail)
    outcome.shrunk = smaller != outcome.path
    outcome.path = smaller
    run = runs.get(smaller)
    if outcome.shrunk and run is not None:
        ids = {node.key: node.id for node in explored.nodes.values()}
        visited = (run.root, *(step.state for step in run.outcomes))
        outcome.through = tuple(dict.fromkeys(ids[key] for key in visited if key in ids))
    return run


async def shrink_outcomes(
    outcomes: Sequence[PropertyOutcome], explored: ExploreMap, play: PlayOne, shrinker: Shrinker
) -> dict[int, PathRun]:
    """Each violated outcome's counterexample shrunk; the call on each final path by index."""
    shown: dict[int, PathRun] = {}
    for index, outcome in enumerate(outcomes):
        run = await shrink_outcome(outcome, explored, play, shrinker)
        if run is not None:
            shown[index] = run
    return shown
