"""``--agent-phrase``, ``--agent-key`` and ``--goodbye-phrase``, shared by ``explore``,
``simulate`` and ``tap``: the opt-in properties' words and keys without a properties file.
Giving one switches its property on (light: the properties are imported once parsed)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from vcall.simulator.properties import Phrases

AgentPhrases = Annotated[
    list[str] | None,
    typer.Option(
        "--agent-phrase",
        metavar="WORDS",
        help="Switch agent-on-request on: a caller saying WORDS is transferred within 2 turns "
        "(repeatable; replaces 转人工, 人工客服).",
    ),
]
AgentKeys = Annotated[
    list[str] | None,
    typer.Option(
        "--agent-key",
        metavar="KEY",
        help="Switch agent-on-request on: a caller pressing KEY is transferred within 2 turns "
        "(repeatable; replaces key 0).",
    ),
]
GoodbyePhrases = Annotated[
    list[str] | None,
    typer.Option(
        "--goodbye-phrase",
        metavar="WORDS",
        help="Switch goodbye-ends on: a caller saying WORDS has the call ended within 2 turns "
        "(repeatable; replaces 再见, 没有了).",
    ),
]


def phrases(
    agent_phrase: list[str] | None, agent_key: list[str] | None, goodbye_phrase: list[str] | None
) -> Phrases:
    """The three options as the library's ``Phrases`` (a bad key: a one-line usage error)."""
    from vcall.simulator.properties import Phrases

    return Phrases(tuple(agent_phrase or ()), tuple(agent_key or ()), tuple(goodbye_phrase or ()))
