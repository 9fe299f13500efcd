"""Exploring a bot with no fixture written: ``vcall check`` (a built-in suite of generic caller
behaviours), ``vcall explore`` (a breadth-first crawl of the dialogue, problems shrunk and saved
as fixtures) and coverage of a fixture suite against the map."""

from vcall.simulator.explore.check import CheckConfig, CheckResult, Verdict, check
from vcall.simulator.explore.check_report import (
    check_headline,
    check_html,
    check_json_extra,
    write_check_junit,
)
from vcall.simulator.explore.check_summary import (
    Recurring,
    counts,
    finding_text,
    recurring_findings,
    row_detail,
    row_finding_parts,
    wrong_path_of,
)
from vcall.simulator.explore.coverage import Coverage, coverage_html, coverage_of, load_map
from vcall.simulator.explore.crawler import Limits
from vcall.simulator.explore.identity import Identity
from vcall.simulator.explore.moves import read_say_file
from vcall.simulator.explore.problems import MAX_ALSO_LISTED, Caution
from vcall.simulator.explore.progress import CheckProgress, ExploreProgress
from vcall.simulator.explore.report import write_explore_html, write_explore_json, write_graph
from vcall.simulator.explore.result import ExploreResult
from vcall.simulator.explore.run import ExploreConfig, explore
from vcall.simulator.explore.transport import run_fast

__all__ = [
    "MAX_ALSO_LISTED",
    "Caution",
    "CheckConfig",
    "CheckProgress",
    "CheckResult",
    "Coverage",
    "ExploreConfig",
    "ExploreProgress",
    "ExploreResult",
    "Identity",
    "Limits",
    "Recurring",
    "Verdict",
    "check",
    "check_headline",
    "check_html",
    "check_json_extra",
    "counts",
    "coverage_html",
    "coverage_of",
    "explore",
    "finding_text",
    "load_map",
    "read_say_file",
    "recurring_findings",
    "row_detail",
    "row_finding_parts",
    "run_fast",
    "write_check_junit",
    "write_explore_html",
    "write_explore_json",
    "write_graph",
    "wrong_path_of",
]
