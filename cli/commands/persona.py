"""``vcall persona``: callers with a goal, played on the platform model, judged and recorded."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from vcall.cli.commands.persona_options import (
    LLM_RETRIES_DEFAULT,
    LLM_TIMEOUT_DEFAULT,
    MAX_TOKENS_DEFAULT,
    CallsOption,
    LlmOption,
    LlmRetriesOption,
    LlmTimeoutOption,
    MaxTokensOption,
    ModelOption,
    brains,
)
from vcall.cli.errors import handled_errors
from vcall.cli.exit_codes import ExitCode
from vcall.cli.render.output import output_console
from vcall.cli.report_formats import PERSONA_REPORTS
from vcall.cli.report_options import NO_REPORTS, Reports
from vcall.simulator.errors import UsageError

if TYPE_CHECKING:
    from vcall.simulator.persona import Persona, PersonaOutcome, PersonaRun

EPILOG = """\
[bold]Examples[/]

  vcall persona --example-bot --goal '查一下快递到哪了，然后挂机'
  vcall persona --example-bot --goal '我要找人工客服' --style impatient --calls 5
  vcall persona http://127.0.0.1:8080/callback --persona caller.yaml --save calls/
  vcall persona myapp.main:app --persona caller.yaml --replay calls/   [dim](saved turns reused)[/]
  VCALL_LLM_API_KEY=sk-... vcall persona URL --goal '查本月话费' \\
      --llm https://dashscope.aliyuncs.com/compatible-mode/v1 --model qwen-plus --save calls/

[bold]Exit codes[/]: 0 every goal met (no spec error) · 1 a goal not met, or a spec error · 2 usage
errors · 3 endpoint unreachable · 130 interrupted (the calls so far printed)
"""


def persona_command(
    target: Annotated[
        str | None,
        typer.Argument(help="Endpoint URL or an in-process ASGI/WSGI app as module:attr."),
    ] = None,
    example_bot: Annotated[
        bool, typer.Option("--example-bot", help="Call the built-in example bot.")
    ] = False,
    goal: Annotated[
        str | None, typer.Option("--goal", help="The caller's goal, in its own words.")
    ] = None,
    persona_files: Annotated[
        list[Path] | None,
        typer.Option(
            "--persona", help="A persona file (YAML/JSON; personas: [...] for several); repeat."
        ),
    ] = None,
    say: Annotated[
        str | None, typer.Option("--say", help="With --goal: the goal's key phrase.")
    ] = None,
    fact: Annotated[
        list[str] | None,
        typer.Option(
            "--fact", help="With --goal: NAME=VALUE the caller knows (phone=138...); repeat."
        ),
    ] = None,
    hears: Annotated[
        list[str] | None,
        typer.Option(
            "--hears",
            help="With --goal: FILE=WORDS a media file says (menu.wav=查快递请按1); repeat.",
        ),
    ] = None,
    style: Annotated[
        str,
        typer.Option(
            "--style", help="With --goal: patient, impatient, elderly, talks-over or fragments."
        ),
    ] = "patient",
    asr: Annotated[
        str | None,
        typer.Option("--asr", help="With --goal: ASR realism, on or fillers=0.3,digits=mixed,..."),
    ] = None,
    budget: Annotated[
        int, typer.Option("--budget", min=1, max=200, help="With --goal: caller turns.")
    ] = 12,
    calls: CallsOption = 1,
    seed: Annotated[int, typer.Option("--seed", help="With --goal: the first seed.")] = 0,
    llm: LlmOption = None,
    model: ModelOption = None,
    llm_timeout: LlmTimeoutOption = LLM_TIMEOUT_DEFAULT,
    llm_retries: LlmRetriesOption = LLM_RETRIES_DEFAULT,
    max_tokens: MaxTokensOption = MAX_TOKENS_DEFAULT,
    save: Annotated[
        Path | None, typer.Option("--save", help="Write each call as an ordinary fixture in DIR.")
    ] = None,
    replay: Annotated[
        Path | None,
        typer.Option(
            "--replay", help="Reuse the calls saved in DIR while the bot's answers match."
        ),
    ] = None,
    reports: Reports[PersonaRun] = NO_REPORTS,
    transcript: Annotated[
        bool,
        typer.Option(
            "--transcript", help="Show every call's transcript (a missed goal's always shows)."
        ),
    ] = False,
    timeout: Annotated[str, typer.Option("--timeout", help="Per callback.")] = "10s",
) -> None:
    """Callers with a goal: each pursues it on the platform model; goal met or not, and where it
    got stuck."""
    console = output_console()
    done: list[PersonaOutcome] = []
    with handled_errors():
        reports.check()
        from vcall.simulator.fixture import parse_duration

        personas = _personas(
            goal, persona_files or [], say, fact or [], hears or [], style, asr, budget, seed
        )
        if replay is not None and not replay.is_dir():
            raise UsageError(f"--replay {replay}: not a directory")
        timeout_s = parse_duration(timeout, what="--timeout") / 1000
        llm_timeout_s = parse_duration(llm_timeout, what="--llm-timeout") / 1000
        from vcall.cli.commands.targeting import chosen_target, one_line_if_unreachable
        from vcall.simulator.persona import PersonaConfig, run_personas
        from vcall.simulator.replay import SimulationConfig

        config = PersonaConfig(
            simulation=SimulationConfig(timeout_s=timeout_s, seed=seed),
            calls=calls,
            save_dir=save,
            replay_dir=replay,
        )
        resolved = chosen_target(target, example_bot)
        brain_for, judge = brains(llm, model, llm_timeout_s, llm_retries, max_tokens)
        try:
            with one_line_if_unreachable(resolved):
                run = asyncio.run(run_personas(personas, resolved, config, brain_for, judge, done))
        except KeyboardInterrupt:
            run = _interrupted(done, resolved.label)
        reports.write(run)
        if run.unreachable and not run.met:  # one line, as simulate says it
            from vcall.cli.render.transcript import unreachable_message
            from vcall.simulator.errors import EndpointUnreachableError

            detail = next(
                (t.exchange.error_detail for o in run.outcomes for t in o.call.result.turns), ""
            )
            raise EndpointUnreachableError(unreachable_message(resolved.url, detail))
        from vcall.cli.render.persona import print_persona

        print_persona(console, run, transcript=transcript)
    raise typer.Exit(_exit_code(run))


def _personas(
    goal: str | None,
    files: list[Path],
    say: str | None,
    facts: list[str],
    hears: list[str],
    style: str,
    asr: str | None,
    budget: int,
    seed: int,
) -> list[Persona]:
    from vcall.simulator.fixture import parse_asr_option
    from vcall.simulator.persona import Persona, Style, load_personas

    if not goal and not files:
        raise UsageError("give a --goal or a --persona file")
    personas = [persona for file in files for persona in load_personas(file)]
    if goal:
        try:
            chosen = Style(style)
        except ValueError:
            choices = ", ".join(s.value for s in Style)
            raise UsageError(f"--style {style!r}: one of {choices}") from None
        personas.append(
            Persona(
                name="goal",
                goal=goal,
                say=say or "",
                facts=_pairs(facts, "--fact"),
                hears=_pairs(hears, "--hears"),
                style=chosen,
                asr=parse_asr_option(asr) if asr else None,
                budget=budget,
                seed=seed,
            )
        )
    return personas


def _pairs(items: list[str], option: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise UsageError(f"{option} {item!r}: expected NAME=VALUE")
        pairs[name.strip()] = value.strip()
    return pairs


def _interrupted(done: list[PersonaOutcome], target: str) -> PersonaRun:
    from vcall.simulator.persona import PersonaRun, Usage

    return PersonaRun(tuple(done), target, "", Usage(), 0.0, interrupted=True)


def _exit_code(run: PersonaRun) -> ExitCode:
    if run.interrupted:
        return ExitCode.INTERRUPTED
    if run.unreachable:
        return ExitCode.UNREACHABLE
    if run.all_met and not any(outcome.errors for outcome in run.outcomes):
        return ExitCode.OK
    return ExitCode.FAILED


def register(app: typer.Typer) -> None:
    app.command("persona", epilog=EPILOG)(PERSONA_REPORTS.command(persona_command))
