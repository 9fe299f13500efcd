"""Exploring a bot with no fixture written: ``vcall check`` (a built-in suite of generic caller
behaviours), ``vcall explore`` (a breadth-first crawl of the dialogue, problems shrunk and saved
as fixtures) and coverage of a fixture suite against the map.
The face is lazy (PEP 562): a name is imported from its module the first time it is asked for,
so ``from vcall.simulator.explore import ExploreProgress`` loads the progress counters only and
a command prints its plan line before the crawler, the engine and the validator are imported
(issue 21: the first output line in 0.5 s). ``run_check`` is ``check.check`` (a name the
``check`` module itself would shadow).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vcall.simulator.lazy_face import lazy_names

if TYPE_CHECKING:
    from vcall.simulator.dialogue_map import Identity, read_say_file
    from vcall.simulator.explore.asr_robustness import Robustness
    from vcall.simulator.explore.check import CheckConfig, CheckResult, Verdict
    from vcall.simulator.explore.check import check as run_check
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
    from vcall.simulator.explore.driver import PathDriver
    from vcall.simulator.explore.problems import MAX_ALSO_LISTED, Caution
    from vcall.simulator.explore.progress import CheckProgress, ExploreProgress
    from vcall.simulator.explore.report import (
        EXPLORE_CSS,
        explore_to_dict,
        write_explore_html,
        write_explore_json,
        write_graph,
    )
    from vcall.simulator.explore.result import ExploreResult
    from vcall.simulator.explore.run import ExploreConfig, explore
    from vcall.simulator.explore.svg import map_svg
    from vcall.simulator.explore.transport import open_transport, run_fast

_WHERE: dict[str, tuple[str, str]] = {
    "Caution": ("problems", "Caution"),
    "CheckConfig": ("check", "CheckConfig"),
    "CheckProgress": ("progress", "CheckProgress"),
    "CheckResult": ("check", "CheckResult"),
    "Coverage": ("coverage", "Coverage"),
    "EXPLORE_CSS": ("report", "EXPLORE_CSS"),
    "ExploreConfig": ("run", "ExploreConfig"),
    "ExploreProgress": ("progress", "ExploreProgress"),
    "ExploreResult": ("result", "ExploreResult"),
    "Identity": ("vcall.simulator.dialogue_map", "Identity"),
    "Limits": ("crawler", "Limits"),
    "MAX_ALSO_LISTED": ("problems", "MAX_ALSO_LISTED"),
    "PathDriver": ("driver", "PathDriver"),
    "Recurring": ("check_summary", "Recurring"),
    "Robustness": ("asr_robustness", "Robustness"),
    "Verdict": ("check", "Verdict"),
    "check_headline": ("check_report", "check_headline"),
    "check_html": ("check_report", "check_html"),
    "check_json_extra": ("check_report", "check_json_extra"),
    "counts": ("check_summary", "counts"),
    "coverage_html": ("coverage", "coverage_html"),
    "coverage_of": ("coverage", "coverage_of"),
    "explore": ("run", "explore"),
    "explore_to_dict": ("report", "explore_to_dict"),
    "finding_text": ("check_summary", "finding_text"),
    "load_map": ("coverage", "load_map"),
    "map_svg": ("svg", "map_svg"),
    "open_transport": ("transport", "open_transport"),
    "read_say_file": ("vcall.simulator.dialogue_map", "read_say_file"),
    "recurring_findings": ("check_summary", "recurring_findings"),
    "row_detail": ("check_summary", "row_detail"),
    "row_finding_parts": ("check_summary", "row_finding_parts"),
    "run_check": ("check", "check"),
    "run_fast": ("transport", "run_fast"),
    "write_check_junit": ("check_report", "write_check_junit"),
    "write_explore_html": ("report", "write_explore_html"),
    "write_explore_json": ("report", "write_explore_json"),
    "write_graph": ("report", "write_graph"),
    "wrong_path_of": ("check_summary", "wrong_path_of"),
}
"""Each public name: the module of this package that defines it, and its name there."""


__getattr__ = lazy_names(__name__, _WHERE)


__all__ = [
    "EXPLORE_CSS",
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
    "PathDriver",
    "Recurring",
    "Robustness",
    "Verdict",
    "check_headline",
    "check_html",
    "check_json_extra",
    "counts",
    "coverage_html",
    "coverage_of",
    "explore",
    "explore_to_dict",
    "finding_text",
    "load_map",
    "map_svg",
    "open_transport",
    "read_say_file",
    "recurring_findings",
    "row_detail",
    "row_finding_parts",
    "run_check",
    "run_fast",
    "write_check_junit",
    "write_explore_html",
    "write_explore_json",
    "write_graph",
    "wrong_path_of",
]
