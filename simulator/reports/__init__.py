"""Renderers of run results to files: JSON (for machines) and JUnit XML (for CI systems).

Both take the same :class:`~vcall.simulator.replay.results.RunResult` the console renders, and write
atomically, so an interrupted run never leaves half a report.
"""

from vcall.simulator.reports.html import first_problem, write_html_report
from vcall.simulator.reports.json_report import run_to_dict, write_json_report
from vcall.simulator.reports.junit import (
    call_properties,
    run_to_junit,
    write_junit_report,
    xml_safe,
)

__all__ = [
    "call_properties",
    "first_problem",
    "run_to_dict",
    "run_to_junit",
    "write_html_report",
    "write_json_report",
    "write_junit_report",
    "xml_safe",
]
