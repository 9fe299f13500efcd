"""The replay engine: plays scenarios on the platform model, delivers callbacks, checks answers."""

from vcall.simulator.replay.answers import validate_answer
from vcall.simulator.replay.call_ids import CallIds
from vcall.simulator.replay.delivery import (
    delivery_findings,
)
from vcall.simulator.replay.engine import (
    CALL_CRASHED,
    PERSONA_NOT_PLAYED,
    CallFinished,
    CallRunner,
    CallStarted,
    Event,
    EventSink,
    PersonaPlayer,
    RunContext,
    SimulationConfig,
    TurnDone,
    open_client,
    run_call,
    run_context,
    run_scenarios,
    simulate,
)
from vcall.simulator.replay.expectations import check_expectation, check_match, lookup
from vcall.simulator.replay.results import (
    FIXTURE_SOURCE,
    CallResult,
    Observed,
    PlacementReport,
    RunResult,
    Turn,
    is_fixture_expectation,
)
from vcall.simulator.replay.targets import EXAMPLE_BOT, Target, app_target, resolve_target
from vcall.simulator.replay.wrong_path import WRONG_PATH_STATUSES, WrongPath, find_wrong_path

__all__ = [
    "CALL_CRASHED",
    "EXAMPLE_BOT",
    "FIXTURE_SOURCE",
    "PERSONA_NOT_PLAYED",
    "WRONG_PATH_STATUSES",
    "CallFinished",
    "CallIds",
    "CallResult",
    "CallRunner",
    "CallStarted",
    "Event",
    "EventSink",
    "Observed",
    "PersonaPlayer",
    "PlacementReport",
    "RunContext",
    "RunResult",
    "SimulationConfig",
    "Target",
    "Turn",
    "TurnDone",
    "WrongPath",
    "app_target",
    "check_expectation",
    "check_match",
    "delivery_findings",
    "find_wrong_path",
    "is_fixture_expectation",
    "lookup",
    "open_client",
    "resolve_target",
    "run_call",
    "run_context",
    "run_scenarios",
    "simulate",
    "validate_answer",
]
