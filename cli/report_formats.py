"""The report tables: for each result type, the formats it is written in, their options and
renderers (:mod:`vcall.cli.report_options` turns a table into a command's ``--report-*``
options). A renderer imports its writer when it runs, so a command's plan line is not held up.

=========  ======================================  =========================================
result     command                                 formats (option)
=========  ======================================  =========================================
run        simulate                                junit (--report), json, html
check      check                                   junit (--report), json, html
explore    explore                                 json, html, junit
load       load                                    json, csv, html
diff       diff                                    json, html, md
persona    persona                                 json
=========  ======================================  =========================================
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vcall.cli.report_options import ReportFormat, ReportTable

if TYPE_CHECKING:
    from vcall.simulator.diff import DiffResult
    from vcall.simulator.explore import CheckResult, Coverage, ExploreResult
    from vcall.simulator.load import Breach, LoadResult
    from vcall.simulator.persona import PersonaRun
    from vcall.simulator.properties import PropertyOutcome
    from vcall.simulator.replay import RunResult

JUNIT_HELP = "Write a JUnit XML report here."


# -- run (simulate) ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CoveredRun:
    """A simulate run and, with ``--coverage``, what it exercised of the map."""

    run: RunResult
    covered: Coverage | None = None
    run_properties: tuple[PropertyOutcome, ...] = ()
    """``--properties``: what is judged once over the run's calls (``reachable``)."""


def _run_junit(subject: CoveredRun, path: Path) -> None:
    from vcall.simulator.reports import write_junit_report

    write_junit_report(subject.run, path)


def _run_json(subject: CoveredRun, path: Path) -> None:
    from vcall.simulator.reports import write_json_report

    extra: dict[str, object] = {}
    if subject.covered:
        extra["coverage"] = subject.covered.to_dict()
    if subject.run_properties:
        from vcall.simulator.properties import outcome_dict

        extra["run_properties"] = [outcome_dict(o) for o in subject.run_properties]
    from vcall.simulator.fixture import persona_of

    if any(persona_of(call.scenario) is not None for call in subject.run.calls):
        from vcall.simulator.persona import goal_rate

        rate = goal_rate(subject.run)
        if rate is not None:
            extra["persona_goals"] = {"calls": rate.calls, "met": rate.met, "rate": rate.rate}
    write_json_report(subject.run, path, extra or None)


def _run_html(subject: CoveredRun, path: Path) -> None:
    from vcall.simulator.explore import coverage_html
    from vcall.simulator.reports import write_html_report

    covered = subject.covered
    write_html_report(subject.run, path, extra_html=coverage_html(covered) if covered else "")


RUN_REPORTS: ReportTable[CoveredRun] = ReportTable(
    "run",
    (
        ReportFormat("junit", "--report", JUNIT_HELP, _run_junit),
        ReportFormat("json", "--report-json", "Write a JSON report here.", _run_json),
        ReportFormat(
            "html",
            "--report-html",
            "Write a self-contained HTML report (timelines) here.",
            _run_html,
        ),
    ),
)


# -- check ------------------------------------------------------------------------------------


def _check_junit(result: CheckResult, path: Path) -> None:
    from vcall.simulator.explore import write_check_junit

    write_check_junit(result, path)


def _check_json(result: CheckResult, path: Path) -> None:
    from vcall.simulator.explore import check_json_extra
    from vcall.simulator.reports import write_json_report

    write_json_report(result.run, path, check_json_extra(result))


def _check_html(result: CheckResult, path: Path) -> None:
    from vcall.simulator.explore import check_headline, check_html
    from vcall.simulator.reports import write_html_report

    html = check_html(result)
    write_html_report(result.run, path, "vcall check", html, check_headline(result))


CHECK_REPORTS: ReportTable[CheckResult] = ReportTable(
    "check",
    (
        ReportFormat("junit", "--report", JUNIT_HELP, _check_junit),
        ReportFormat("json", "--report-json", "Write a JSON report here.", _check_json),
        ReportFormat(
            "html",
            "--report-html",
            "Write a self-contained HTML report (timelines) here.",
            _check_html,
        ),
    ),
)


# -- explore ----------------------------------------------------------------------------------


def _explore_json(result: ExploreResult, path: Path) -> None:
    from vcall.simulator.explore import write_explore_json

    write_explore_json(result, path)


def _explore_html(result: ExploreResult, path: Path) -> None:
    from vcall.simulator.explore import write_explore_html

    write_explore_html(result, path)


def _explore_junit(result: ExploreResult, path: Path) -> None:
    from vcall.simulator.properties import write_explore_junit

    problems = [(f"{i}. {p.kind.value}", p.summary) for i, p in enumerate(result.problems, 1)]
    write_explore_junit(result.target, problems, result.properties, path)


EXPLORE_REPORTS: ReportTable[ExploreResult] = ReportTable(
    "explore",
    (
        ReportFormat("json", "--report-json", "The map and problems as JSON.", _explore_json),
        ReportFormat(
            "html",
            "--report-html",
            "A self-contained HTML report with the map drawn.",
            _explore_html,
        ),
        ReportFormat(
            "junit",
            "--report-junit",
            "JUnit XML: one test case per problem and per property.",
            _explore_junit,
        ),
    ),
)


# -- load -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class JudgedLoad:
    """A load run and the thresholds it breached."""

    result: LoadResult
    breaches: list[Breach]


def _load_json(subject: JudgedLoad, path: Path) -> None:
    from vcall.simulator.load import write_load_report

    write_load_report(subject.result, path, subject.breaches)


def _load_csv(subject: JudgedLoad, path: Path) -> None:
    from vcall.simulator.load import write_series_csv

    write_series_csv(subject.result.series, path)


def _load_html(subject: JudgedLoad, path: Path) -> None:
    from vcall.simulator.load import write_load_html

    write_load_html(subject.result, path, subject.breaches)


LOAD_REPORTS: ReportTable[JudgedLoad] = ReportTable(
    "load",
    (
        ReportFormat("json", "--report-json", "Write the summary as JSON here.", _load_json),
        ReportFormat(
            "csv",
            "--report-csv",
            "Write callbacks/s, p50/p99, errors per second as CSV here.",
            _load_csv,
        ),
        ReportFormat(
            "html", "--report-html", "Write an HTML report with charts over time here.", _load_html
        ),
    ),
)


# -- diff -------------------------------------------------------------------------------------


def _diff_json(result: DiffResult, path: Path) -> None:
    from vcall.simulator.diff import write_diff_json

    write_diff_json(result, path)


def _diff_html(result: DiffResult, path: Path) -> None:
    from vcall.simulator.diff import write_diff_html

    write_diff_html(result, path)


def _diff_md(result: DiffResult, path: Path) -> None:
    from vcall.simulator.diff import write_diff_markdown

    write_diff_markdown(result, path)


DIFF_REPORTS: ReportTable[DiffResult] = ReportTable(
    "diff",
    (
        ReportFormat("json", "--report-json", "The changes as JSON.", _diff_json),
        ReportFormat(
            "html",
            "--report-html",
            "Both maps side by side, changed states highlighted.",
            _diff_html,
        ),
        ReportFormat(
            "md", "--report-md", "A Markdown summary for a pull-request comment.", _diff_md
        ),
    ),
)


# -- persona ----------------------------------------------------------------------------------


def _persona_json(run: PersonaRun, path: Path) -> None:
    from vcall.simulator.persona import write_persona_json

    write_persona_json(run, path)


PERSONA_REPORTS: ReportTable[PersonaRun] = ReportTable(
    "persona", (ReportFormat("json", "--report-json", "The outcome as JSON.", _persona_json),)
)

TABLES: dict[str, ReportTable[Any]] = {
    "simulate": RUN_REPORTS,
    "check": CHECK_REPORTS,
    "explore": EXPLORE_REPORTS,
    "load": LOAD_REPORTS,
    "diff": DIFF_REPORTS,
    "persona": PERSONA_REPORTS,
}
"""Each command that writes reports and its table (tests walk it)."""
