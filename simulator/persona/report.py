"""``--report-json``: a persona run as JSON (written atomically, secrets masked on the way out)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from vcall.simulator.atomic import write_atomic
from vcall.simulator.persona.run import PersonaOutcome, PersonaRun


def run_document(run: PersonaRun) -> dict[str, Any]:
    return {
        "target": run.target,
        "brain": run.brain,
        "calls": len(run.outcomes),
        "goals_met": run.met,
        "completion_rate": round(run.rate, 4),
        "interrupted": run.interrupted,
        "tokens": {
            "requests": run.usage.requests,
            "prompt": run.usage.prompt_tokens,
            "completion": run.usage.completion_tokens,
            "total": run.usage.total,
        },
        "wall_ms": round(run.wall_ms, 1),
        "results": [outcome_document(outcome) for outcome in run.outcomes],
    }


def outcome_document(outcome: PersonaOutcome) -> dict[str, Any]:
    call, verdict = outcome.call, outcome.verdict
    ending = call.result.end_reason
    return {
        "persona": call.persona.name,
        "goal": call.persona.goal,
        "style": call.persona.style.value,
        "seed": call.seed,
        "goal_met": verdict.met,
        "reason": verdict.reason,
        "judge": verdict.judge,
        "explanation": verdict.explanation,
        "turns": outcome.turns,
        "callbacks": len(call.result.turns),
        "time_to_goal_ms": verdict.time_to_goal_ms,
        "duration_ms": call.result.duration_ms,
        "ended_by": ending.value if ending else None,
        "stuck_at": verdict.stuck,
        "spec_errors": outcome.errors,
        "gave_up": call.gave_up,
        "brain_error": call.error,
        "reused_steps": call.reused_steps,
        "saved": str(outcome.saved) if outcome.saved else None,
        "transcript": [
            {"speaker": line.speaker, "at_ms": line.at_ms, "text": line.text}
            for line in call.transcript
        ],
    }


def write_persona_json(run: PersonaRun, path: Path) -> None:
    write_atomic(path, json.dumps(run_document(run), ensure_ascii=False, indent=2) + "\n")
