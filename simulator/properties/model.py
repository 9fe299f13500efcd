"""What a dialogue property is: a claim about every path of a bot's dialogue.

Built-in properties (``call-can-end``, ``silence-ends``, ``no-repeat``, and the opt-in
``agent-on-request`` and ``goodbye-ends``) and team-written ones (``--properties FILE``, see
:mod:`.loader`) are the same :class:`Property` objects; :mod:`.checker` checks them over an
exploration's map and :mod:`.calls` over single calls.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from vcall.simulator.dialogue_map import (
    Move,
    Situation,
    StateKey,
    key_move,
    no_input_move,
    say_move,
    silence_move,
)
from vcall.simulator.errors import UsageError
from vcall.simulator.fixture import Match
from vcall.simulator.replay import check_match

ENDING_ACTIONS = frozenset({"hangup", "transfer", "parallel_transfer", "parallel_bridge"})
"""Answers with which the bot ends the call (hangs up or hands it over)."""
TRANSFER_ACTIONS = ("transfer", "parallel_transfer")
DEFAULT_MAX_SILENCES = 3
DEFAULT_MAX_REPEATS = 3
DEFAULT_WITHIN = 2


class Kind(StrEnum):
    CAN_END = "call-can-end"
    SILENCE_ENDS = "silence-ends"
    NO_REPEAT = "no-repeat"
    WHEN_THEN = "when-then"
    NEVER = "never"
    REACHABLE = "reachable"


class Verdict(StrEnum):
    HOLDS = "holds"
    VIOLATED = "violated"
    NOT_CHECKED = "not checked"


@dataclass(frozen=True, slots=True)
class Selector:
    """Which states: every value matched (as a fixture's ``when:`` matches an answer) against
    the state's ``action``, ``action_code`` (what it plays, comma-joined; a TTS item as the
    text it speaks), ``dynamic_id`` and ``keys``. No match: every state (``in: any``)."""

    matches: tuple[Match, ...] = ()

    @property
    def any(self) -> bool:
        return not self.matches

    def test(self, key: StateKey) -> bool:
        if not self.matches:
            return True
        envelope = {"data": state_values(key)}
        return all(check_match(match, envelope, "") is None for match in self.matches)

    def describe(self) -> str:
        if not self.matches:
            return "any"
        return ", ".join(
            f"{m.path.removeprefix('data.')} {m.kind.value} {m.value!r}" for m in self.matches
        )


ANY = Selector()


def state_values(key: StateKey) -> dict[str, Any]:
    return {
        "action": key.action,
        "action_code": ",".join(key.plays),
        "dynamic_id": key.dynamic_id,
        "keys": key.keys,
    }


class MoveKind(StrEnum):
    SAY = "say"
    PRESS = "press"
    SILENCE = "silence"


@dataclass(frozen=True, slots=True)
class CallerMove:
    """A caller move a ``when:`` names: ``say`` words, ``press`` a key, or ``silence``."""

    kind: MoveKind
    value: str = ""

    def move(self, situation: Situation) -> Move | None:
        """The explorer's move for it in a state, ``None`` where it does not apply (words while
        the bot collects keys, a key while it does not)."""
        if self.kind is MoveKind.SILENCE:
            return no_input_move(situation) if situation.collecting else silence_move(situation)
        if self.kind is MoveKind.PRESS:
            return key_move(self.value) if situation.collecting else None
        return None if situation.collecting else say_move(self.value)

    @property
    def label(self) -> str:
        return f"{self.kind.value} {self.value}".strip()


@dataclass(frozen=True, slots=True)
class Property:
    name: str
    kind: Kind
    where: Selector = ANY
    """``in:``: the states it is checked in."""
    when: tuple[CallerMove, ...] = ()
    within: int = DEFAULT_WITHIN
    actions: frozenset[str] = frozenset()
    """``then: action``: the answers that satisfy it (when-then)."""
    target: Selector = ANY
    """``never:`` (what no answer in ``in`` states may match) or ``reachable:``."""
    limit: int = 0
    """``silence-ends``: silences; ``no-repeat``: plays of one prompt in a row."""
    builtin: bool = False
    file: str = ""
    line: int = 0

    @property
    def source(self) -> str:
        return "built-in" if self.builtin else f"{self.file}:{self.line}"

    def describe(self) -> str:
        if self.kind is Kind.CAN_END:
            return "from every state, some caller behaviour lets the bot end the call"
        if self.kind is Kind.SILENCE_ENDS:
            return f"a silent caller is hung up on or transferred within {self.limit} silences"
        if self.kind is Kind.NO_REPEAT:
            return f"no prompt is played more than {self.limit} times in a row"
        if self.kind is Kind.WHEN_THEN:
            moves = " / ".join(move.label for move in self.when)
            wanted = " or ".join(sorted(self.actions))
            return f"in {self.where.describe()}: {moves} → {wanted} within {self.within} turns"
        if self.kind is Kind.NEVER:
            return f"in {self.where.describe()}: never an answer with {self.target.describe()}"
        return f"from {self.where.describe()}: a state with {self.target.describe()} is reachable"


@dataclass(slots=True)
class PropertyOutcome:
    """A property checked: its verdict, the states that break it and the shortest caller path
    that shows it (from the call's start)."""

    property: Property
    verdict: Verdict
    states: tuple[str, ...] = ()
    path: tuple[Move, ...] = ()
    reason: str = ""
    """Why it was not checked, or what the counterexample shows."""
    undecided: tuple[str, ...] = ()
    """States the crawl's bound left undecided."""
    saved: str = ""
    shrunk: bool = False
    """Whether ``path`` was shrunk (fewer moves, words or silence) from the first found."""
    through: tuple[str, ...] = ()
    """The map's states a shrunk ``path`` passes through (its moves are not the map's)."""

    @builtins.property
    def violated(self) -> bool:
        return self.verdict is Verdict.VIOLATED


BUILTIN_ON = (Kind.CAN_END.value, Kind.SILENCE_ENDS.value, Kind.NO_REPEAT.value)
BUILTIN_OPT_IN = ("agent-on-request", "goodbye-ends")
BUILTIN_NAMES = (*BUILTIN_ON, *BUILTIN_OPT_IN)
AGENT_WORDS = ("转人工", "人工客服")
AGENT_KEYS = ("0",)
GOODBYE_WORDS = ("再见", "没有了")


@dataclass(frozen=True, slots=True)
class BuiltinOptions:
    off: frozenset[str] = frozenset()
    on: frozenset[str] = frozenset()
    max_silences: int = DEFAULT_MAX_SILENCES
    max_repeats: int = DEFAULT_MAX_REPEATS
    agent_words: tuple[str, ...] = AGENT_WORDS
    agent_keys: tuple[str, ...] = AGENT_KEYS
    goodbye_words: tuple[str, ...] = GOODBYE_WORDS


def builtin_properties(options: BuiltinOptions = BuiltinOptions()) -> tuple[Property, ...]:
    """The built-ins ``options`` leaves on; ``UsageError`` for an unknown name."""
    for name in (*options.off, *options.on):
        if name not in BUILTIN_NAMES:
            raise UsageError(f"no built-in property {name!r} (known: {', '.join(BUILTIN_NAMES)})")
    wanted = [
        n for n in BUILTIN_NAMES if (n in BUILTIN_ON or n in options.on) and n not in options.off
    ]
    made = {
        Kind.CAN_END.value: lambda: Property(Kind.CAN_END.value, Kind.CAN_END, builtin=True),
        Kind.SILENCE_ENDS.value: lambda: Property(
            Kind.SILENCE_ENDS.value, Kind.SILENCE_ENDS, limit=options.max_silences, builtin=True
        ),
        Kind.NO_REPEAT.value: lambda: Property(
            Kind.NO_REPEAT.value, Kind.NO_REPEAT, limit=options.max_repeats, builtin=True
        ),
        "agent-on-request": lambda: Property(
            "agent-on-request",
            Kind.WHEN_THEN,
            when=_moves(options.agent_words, options.agent_keys),
            actions=frozenset(TRANSFER_ACTIONS),
            builtin=True,
        ),
        "goodbye-ends": lambda: Property(
            "goodbye-ends",
            Kind.WHEN_THEN,
            when=_moves(options.goodbye_words, ()),
            actions=ENDING_ACTIONS,
            builtin=True,
        ),
    }
    return tuple(made[name]() for name in wanted)


KEY_CHARS = "0123456789*#"


@dataclass(frozen=True, slots=True)
class Phrases:
    """The opt-in properties' words and keys given on the command line (``--agent-phrase``,
    ``--agent-key``, ``--goodbye-phrase``): what is given replaces that property's defaults and
    switches it on. ``UsageError`` for an empty phrase or a key that is not one of 0-9 * #."""

    agent_words: tuple[str, ...] = ()
    agent_keys: tuple[str, ...] = ()
    goodbye_words: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for option, words in (
            ("--agent-phrase", self.agent_words),
            ("--goodbye-phrase", self.goodbye_words),
        ):
            if any(not word.strip() for word in words):
                raise UsageError(f"{option}: a phrase cannot be empty")
        for key in self.agent_keys:
            if len(key) != 1 or key not in KEY_CHARS:
                raise UsageError(f"--agent-key: one key, 0-9, * or #, got {key!r}")

    def switched_on(self) -> frozenset[str]:
        on = {"agent-on-request"} if self.agent_words or self.agent_keys else set()
        return frozenset({*on, *(["goodbye-ends"] if self.goodbye_words else [])})

    def apply(self, options: BuiltinOptions) -> BuiltinOptions:
        """``options`` with these phrases' properties on, checking these words and keys."""
        on = self.switched_on()
        if not on:
            return options
        options = replace(options, on=options.on | on)
        if "agent-on-request" in on:
            words, keys = tuple(self.agent_words), tuple(self.agent_keys)
            options = replace(options, agent_words=words, agent_keys=keys)
        if "goodbye-ends" in on:
            options = replace(options, goodbye_words=tuple(self.goodbye_words))
        return options

    def properties(self) -> tuple[Property, ...]:
        """Only the opt-in properties these phrases switch on (``simulate``, ``tap``: they
        check no built-in otherwise)."""
        if not self.switched_on():
            return ()
        return builtin_properties(self.apply(BuiltinOptions(off=frozenset(BUILTIN_ON))))


def _moves(words: Iterable[str], keys: Iterable[str]) -> tuple[CallerMove, ...]:
    return (
        *(CallerMove(MoveKind.SAY, word) for word in words),
        *(CallerMove(MoveKind.PRESS, key) for key in keys),
    )


def extra_lines(properties: Sequence[Property]) -> list[str]:
    """The words ``when:`` moves say: added to the explorer's bank of caller lines."""
    words: list[str] = []
    for prop in properties:
        for move in prop.when:
            if move.kind is MoveKind.SAY and move.value not in words:
                words.append(move.value)
    return words


def outcome_dict(outcome: PropertyOutcome) -> Mapping[str, Any]:
    prop = outcome.property
    return {
        "name": prop.name,
        "kind": prop.kind.value,
        "source": prop.source,
        "claim": prop.describe(),
        "verdict": outcome.verdict.value,
        "states": list(outcome.states),
        "moves": [move.label for move in outcome.path],
        "shrunk": outcome.shrunk,
        "reason": outcome.reason,
        "undecided_states": list(outcome.undecided),
        "saved": outcome.saved or None,
    }


__all__ = ["Kind", "Property", "PropertyOutcome", "Selector", "Verdict"]
