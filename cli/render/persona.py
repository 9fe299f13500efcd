"""The console renderer of ``vcall persona``: one line per call (goal met or not, turns, time
to goal, where the caller got stuck), the transcript on request, then the completion rate."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from vcall.simulator.persona.run import PersonaOutcome, PersonaRun


def print_persona(console: Console, run: PersonaRun, *, transcript: bool = False) -> None:
    for outcome in run.outcomes:
        console.print(outcome_line(outcome))
        if transcript or not outcome.verdict.met:
            for line in outcome.call.transcript:
                who = "bot   " if line.speaker == "bot" else "caller"
                console.print(
                    f"    {line.at_ms / 1000:6.1f}s {who} {escape(line.text)}", highlight=False
                )
        if outcome.verdict.explanation:
            console.print(f"    judge: {escape(outcome.verdict.explanation)}")
        if outcome.saved:
            console.print(f"    saved {escape(str(outcome.saved))}")
    console.print(summary(run))


def outcome_line(outcome: PersonaOutcome) -> str:
    call, verdict = outcome.call, outcome.verdict
    who = f"{escape(call.persona.name)} (seed {call.seed})"
    turns = f"{outcome.turns} turn{'s' if outcome.turns != 1 else ''}"
    extra = ""
    if outcome.errors:
        extra += f" · [red]{outcome.errors} spec error(s)[/]"
    if call.reused_steps:
        extra += f" · {call.reused_steps} saved step(s) reused"
    if verdict.met:
        at = verdict.time_to_goal_ms
        when = f", {at / 1000:.1f} s to goal" if at is not None else ""
        return f"[green]✓ goal met[/] {who}: {turns}{when} — {escape(verdict.reason)}{extra}"
    stuck = f"; stuck at: {escape(verdict.stuck)}" if verdict.stuck else ""
    return f"[red]✗ goal not met[/] {who}: {turns} — {escape(verdict.reason)}{stuck}{extra}"


def summary(run: PersonaRun) -> str:
    total = len(run.outcomes)
    rate = f"{run.met}/{total} goal(s) met ({run.rate:.0%})"
    tokens = ""
    if run.usage.requests:
        usage = run.usage
        tokens = (
            f" · {usage.total} tokens ({usage.prompt_tokens} prompt, {usage.completion_tokens} "
            f"completion) in {usage.requests} request(s)"
        )
    so_far = " so far (interrupted)" if run.interrupted else ""
    colour = "green" if run.all_met else "red"
    return f"[bold {colour}]{rate}{so_far}[/] · brain {run.brain or 'rules'}{tokens} · {run.wall_ms / 1000:.1f} s"
