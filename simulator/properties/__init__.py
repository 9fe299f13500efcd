"""Dialogue properties: claims about every path of a bot's dialogue (``vcall explore``,
``--properties FILE``), checked over an exploration's map and on single calls."""

from vcall.simulator.properties.calls import (
    CallViolation,
    check_call,
    run_with_properties,
    with_properties,
)
from vcall.simulator.properties.checker import Graph, candidates, check_on_map, judge_played
from vcall.simulator.properties.loader import load_properties, parse_properties, schema_text
from vcall.simulator.properties.model import (
    BUILTIN_NAMES,
    BuiltinOptions,
    Kind,
    Property,
    PropertyOutcome,
    Selector,
    Verdict,
    builtin_properties,
    extra_lines,
    outcome_dict,
)

__all__ = [
    "BUILTIN_NAMES",
    "BuiltinOptions",
    "CallViolation",
    "Graph",
    "Kind",
    "Property",
    "PropertyOutcome",
    "Selector",
    "Verdict",
    "builtin_properties",
    "candidates",
    "check_call",
    "check_on_map",
    "extra_lines",
    "judge_played",
    "load_properties",
    "outcome_dict",
    "parse_properties",
    "run_with_properties",
    "schema_text",
    "with_properties",
]
