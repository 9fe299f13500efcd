"""The persona options shared by ``vcall persona`` and ``vcall simulate`` (fixtures with a
``persona:`` block): the LLM behind a persona, the brains they choose, ``--calls``."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated

import typer

from vcall.simulator.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.console import Console

    from vcall.simulator.fixture import Scenario
    from vcall.simulator.persona import Brain, BrainFactory, FixturePersonas, JudgeFn
    from vcall.simulator.replay import RunResult

LLM_PANEL = "Personas: the LLM brain (default: rule-based, offline)"

LlmOption = Annotated[
    str | None,
    typer.Option(
        "--llm",
        help="An OpenAI-compatible API's base URL (key: VCALL_LLM_API_KEY).",
        rich_help_panel=LLM_PANEL,
    ),
]
ModelOption = Annotated[
    str | None,
    typer.Option("--model", help="With --llm: the model name.", rich_help_panel=LLM_PANEL),
]
LlmTimeoutOption = Annotated[
    str,
    typer.Option("--llm-timeout", help="Per LLM request attempt.", rich_help_panel=LLM_PANEL),
]
LlmRetriesOption = Annotated[
    int,
    typer.Option(
        "--llm-retries", min=0, max=5, help="Retries per request.", rich_help_panel=LLM_PANEL
    ),
]
MaxTokensOption = Annotated[
    int,
    typer.Option(
        "--max-tokens", min=16, max=4096, help="Per LLM answer.", rich_help_panel=LLM_PANEL
    ),
]
CallsOption = Annotated[
    int,
    typer.Option(
        "--calls",
        min=1,
        max=1000,
        help="Seeds per persona (seed, seed+1, ...): the goal-completion rate over them.",
    ),
]
LLM_TIMEOUT_DEFAULT = "20s"
LLM_RETRIES_DEFAULT = 2
MAX_TOKENS_DEFAULT = 200


def brains(
    llm: str | None, model: str | None, timeout_s: float, retries: int, max_tokens: int
) -> tuple[BrainFactory, JudgeFn | None]:
    """The rule-based brain (no ``--llm``), or the LLM's brain and judge."""
    from vcall.simulator.persona import RuleBrain

    if llm is None:
        if model:
            raise UsageError("--model goes with --llm URL")
        return RuleBrain, None
    from vcall.simulator.persona import LlmBrain, LlmClient, LlmJudge, llm_config

    config = llm_config(
        llm, model or "", os.environ, timeout_s=timeout_s, retries=retries, max_tokens=max_tokens
    )
    client = LlmClient(config)

    def brain_for(_seed: int) -> Brain:
        return LlmBrain(client)

    return brain_for, LlmJudge(client)


def persona_plan(
    scenarios: Sequence[Scenario], calls: int, chosen: tuple[BrainFactory, JudgeFn | None]
) -> tuple[list[Scenario], FixturePersonas | None]:
    """``vcall simulate``: the calls to make (``--calls`` seeds of each persona fixture) and the
    player of the persona fixtures (``None``: there are none)."""
    from vcall.simulator.fixture import persona_of

    brain_for, judge = chosen
    if not any(persona_of(scenario) is not None for scenario in scenarios):
        if judge is not None:
            raise UsageError("--llm: none of the fixtures has a persona: block")
        if calls > 1:
            raise UsageError("--calls: none of the fixtures has a persona: block")
        return list(scenarios), None
    from vcall.simulator.persona import FixturePersonas, persona_seeds

    return persona_seeds(scenarios, calls), FixturePersonas(brain_for, judge)


def print_goal_rate(console: Console, run: RunResult, personas: FixturePersonas) -> None:
    """The goal-completion rate across the run's persona calls (and the LLM's tokens)."""
    from vcall.simulator.persona import goal_rate

    rate = goal_rate(run)
    if rate is None:
        return
    tokens = personas.usage.total
    spent = f" · {tokens} LLM token(s) in {personas.usage.requests} request(s)" if tokens else ""
    console.print(
        f"persona goals: {rate.met}/{rate.calls} met ({rate.rate:.0%}){spent}", markup=False
    )
