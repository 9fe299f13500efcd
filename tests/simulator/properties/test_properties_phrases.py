"""The opt-in properties' words and keys from the command line (``Phrases``): giving one
switches its property on, with exactly the words and keys given."""

from __future__ import annotations

import pytest

from vcall.simulator.errors import UsageError
from vcall.simulator.properties import BuiltinOptions, Phrases, builtin_properties
from vcall.simulator.properties.model import MoveKind


def _when(options: BuiltinOptions, name: str) -> list[tuple[MoveKind, str]]:
    prop = next(p for p in builtin_properties(options) if p.name == name)
    return [(move.kind, move.value) for move in prop.when]


def test_no_phrase_changes_nothing() -> None:
    options = BuiltinOptions()
    assert Phrases().apply(options) is options
    assert Phrases().properties() == ()


def test_an_agent_phrase_switches_agent_on_request_on_with_its_words_only() -> None:
    options = Phrases(agent_words=("找客服",)).apply(BuiltinOptions())
    assert "agent-on-request" in options.on and "goodbye-ends" not in options.on
    assert _when(options, "agent-on-request") == [(MoveKind.SAY, "找客服")]


def test_a_key_alone_switches_it_on_too_and_phrases_and_keys_combine() -> None:
    assert _when(Phrases(agent_keys=("9",)).apply(BuiltinOptions()), "agent-on-request") == [
        (MoveKind.PRESS, "9")
    ]
    both = Phrases(agent_words=("转人工",), agent_keys=("0", "*")).apply(BuiltinOptions())
    assert _when(both, "agent-on-request") == [
        (MoveKind.SAY, "转人工"),
        (MoveKind.PRESS, "0"),
        (MoveKind.PRESS, "*"),
    ]


def test_a_goodbye_phrase_switches_goodbye_ends_on() -> None:
    options = Phrases(goodbye_words=("拜拜", "不用了")).apply(BuiltinOptions())
    assert options.on == frozenset({"goodbye-ends"})
    assert _when(options, "goodbye-ends") == [(MoveKind.SAY, "拜拜"), (MoveKind.SAY, "不用了")]


def test_for_simulate_and_tap_only_the_switched_on_properties() -> None:
    names = [p.name for p in Phrases(goodbye_words=("再见",), agent_keys=("0",)).properties()]
    assert names == ["agent-on-request", "goodbye-ends"]


@pytest.mark.parametrize(
    ("phrases", "message"),
    [
        ({"agent_keys": ("12",)}, "--agent-key: one key, 0-9, * or #, got '12'"),
        ({"agent_keys": ("a",)}, "--agent-key: one key, 0-9, * or #, got 'a'"),
        ({"agent_words": (" ",)}, "--agent-phrase: a phrase cannot be empty"),
        ({"goodbye_words": ("",)}, "--goodbye-phrase: a phrase cannot be empty"),
    ],
)
def test_a_bad_key_or_an_empty_phrase_is_a_usage_error(
    phrases: dict[str, tuple[str, ...]], message: str
) -> None:
    with pytest.raises(UsageError) as raised:
        Phrases(**phrases)
    assert str(raised.value) == message
