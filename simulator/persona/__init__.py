"""Callers with a goal: personas played on the platform model, judged, recorded (issue 27)."""

from vcall.simulator.persona.brain import Act, Brain, BrainError, Decision, Line, Usage, View
from vcall.simulator.persona.caller import PersonaCall, play_persona
from vcall.simulator.persona.hearing import Heard, KeyOption, key_options, prompt_text
from vcall.simulator.persona.judge import Verdict, judge_call
from vcall.simulator.persona.loader import load_personas, parse_personas
from vcall.simulator.persona.model import Persona, Style, SuccessMatcher
from vcall.simulator.persona.rules import RuleBrain, key_phrase
from vcall.simulator.persona.run import PersonaConfig, PersonaOutcome, PersonaRun, run_personas

__all__ = [
    "Act",
    "Brain",
    "BrainError",
    "Decision",
    "Heard",
    "KeyOption",
    "Line",
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
    "judge_call",
    "key_options",
    "key_phrase",
    "load_personas",
    "parse_personas",
    "play_persona",
    "prompt_text",
    "run_personas",
]
