"""Callers with a goal: personas played on the platform model, judged, recorded (issue 27)."""

from vcall.simulator.persona.brain import Act, Brain, BrainError, Decision, Line, Usage, View
from vcall.simulator.persona.caller import PersonaCall, play_persona
from vcall.simulator.persona.fixtures import (
    GOAL_MET,
    GOAL_NOT_MET,
    FixturePersonas,
    GoalRate,
    goal_rate,
    persona_seeds,
)
from vcall.simulator.persona.hearing import Heard, KeyOption, key_options, prompt_text
from vcall.simulator.persona.judge import Verdict, judge_call
from vcall.simulator.persona.llm import LlmBrain, LlmClient, LlmJudge, llm_config
from vcall.simulator.persona.loader import load_personas, parse_personas
from vcall.simulator.persona.model import Persona, Style, SuccessMatcher
from vcall.simulator.persona.report import write_persona_json
from vcall.simulator.persona.rules import RuleBrain, key_phrase
from vcall.simulator.persona.run import (
    BrainFactory,
    JudgeFn,
    PersonaConfig,
    PersonaOutcome,
    PersonaRun,
    run_personas,
)

__all__ = [
    "GOAL_MET",
    "GOAL_NOT_MET",
    "Act",
    "Brain",
    "BrainError",
    "BrainFactory",
    "Decision",
    "FixturePersonas",
    "GoalRate",
    "Heard",
    "JudgeFn",
    "KeyOption",
    "Line",
    "LlmBrain",
    "LlmClient",
    "LlmJudge",
    "Persona",
    "PersonaCall",
    "PersonaConfig",
    "PersonaOutcome",
    "PersonaRun",
    "RuleBrain",
    "Style",
    "SuccessMatcher",
    "Usage",
    "Verdict",
    "View",
    "goal_rate",
    "judge_call",
    "key_options",
    "key_phrase",
    "llm_config",
    "load_personas",
    "parse_personas",
    "persona_seeds",
    "play_persona",
    "prompt_text",
    "run_personas",
    "write_persona_json",
]
