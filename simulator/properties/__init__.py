"""Dialogue properties: claims about every path of a bot's dialogue (``vcall explore``,
``--properties FILE``), checked over an exploration's map and on single calls.

It sits below the features that check them (explore, simulate's replay, tap) and reads the
map's types from ``vcall.simulator.dialogue_map``."""

from vcall.simulator.properties.calls import (
    PROPERTY_RULE,
    CallViolation,
    check_call,
    run_with_properties,
    with_properties,
)
from vcall.simulator.properties.checker import Graph, candidates, check_on_map, judge_played
from vcall.simulator.properties.explore import check_explored
from vcall.simulator.properties.html import properties_section
from vcall.simulator.properties.junit import write_explore_junit
from vcall.simulator.properties.live import LiveChecker
from vcall.simulator.properties.loader import load_properties, parse_properties, schema_text
from vcall.simulator.properties.model import (
    BUILTIN_NAMES,
    BuiltinOptions,
    Kind,
    Phrases,
    Property,
    PropertyOutcome,
    Selector,
    Verdict,
    builtin_properties,
    extra_lines,
    outcome_dict,
)
from vcall.simulator.properties.reach import ReachTracker, reachable_outcomes
from vcall.simulator.properties.saving import fixture_path, save_property_fixtures

__all__ = [
    "BUILTIN_NAMES",
    "PROPERTY_RULE",
    "BuiltinOptions",
    "CallViolation",
    "Graph",
    "Kind",
    "LiveChecker",
    "Phrases",
    "Property",
    "PropertyOutcome",
    "ReachTracker",
    "Selector",
    "Verdict",
    "builtin_properties",
    "candidates",
    "check_call",
    "check_explored",
    "check_on_map",
    "extra_lines",
    "fixture_path",
    "judge_played",
    "load_properties",
    "outcome_dict",
    "parse_properties",
    "properties_section",
    "reachable_outcomes",
    "run_with_properties",
    "save_property_fixtures",
    "schema_text",
    "with_properties",
    "write_explore_junit",
]
