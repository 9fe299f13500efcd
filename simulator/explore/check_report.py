"""``vcall check``'s reports: its part of the JSON report, its HTML section, its JUnit XML.

Each counts behaviours (one unit everywhere, as the terminal does: :mod:`.check_summary`), shows
each row's most severe finding per placement, and the findings of every call once.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

from vcall.simulator.atomic import write_atomic
from vcall.simulator.explore.check import BehaviourResult, CheckResult, Verdict
from vcall.simulator.explore.check_summary import (
    Recurring,
    behaviour_verdict,
    counts,
    finding_text,
    recurring_findings,
    row_detail,
    row_finding_parts,
    row_findings,
    wrong_path_of,
)
from vcall.simulator.findings import Finding
from vcall.simulator.reports import xml_safe
from vcall.simulator.transport import Placement

# --- JSON ---------------------------------------------------------------------------------------


def check_to_dict(result: CheckResult) -> dict[str, Any]:
    """The ``check`` part of the JSON report (see docs/output.md, "check")."""
    recurring = recurring_findings(result)
    found = wrong_path_of(result)
    tally = counts(result)
    return {
        "placements": [p.value for p in result.placements],
        "summary": tally.line,
        "counts": tally.to_dict(),
        "wrong_path": found.line if found else None,
        "every_call": [_recurring(r, result.placements) for r in recurring],
        "behaviours": [_row(row, result.placements, recurring) for row in result.behaviours],
        "note": result.placement_note() or None,
        "not_offered": result.direction_note() or None,
    }


def check_json_extra(result: CheckResult) -> dict[str, Any]:
    """The keys check adds to the run's JSON report: its ``check`` part, and the top-level
    ``passed``/``failed`` counted in behaviours like every other count of check (``counted``
    says so; the calls played are still listed under ``calls``)."""
    tally = counts(result)
    return {
        "passed": tally.count(Verdict.PASSED),
        "failed": tally.count(Verdict.FAILED),
        "counted": "behaviours",
        "check": check_to_dict(result),
    }


def _recurring(recurring: Recurring, placements: Sequence[Placement]) -> dict[str, Any]:
    return {
        "line": recurring.line(placements),
        "finding": recurring.finding.to_dict(),
        "placements": [p.value for p in recurring.placements],
        "callback_kinds": list(recurring.kinds),
        "calls": recurring.calls,
    }


def _row(
    row: BehaviourResult, placements: Sequence[Placement], recurring: Sequence[Recurring]
) -> dict[str, Any]:
    shown = row_findings(row, placements, recurring)
    worst = row_finding_parts(row, placements, recurring)
    return {
        "name": row.name,
        "description": row.behaviour.scenario.description,
        "needs": row.behaviour.need or None,
        "moves_first": None if row.prefix is None else [m.label for m in row.prefix],
        "verdict": behaviour_verdict(row, placements).value,
        "verdicts": {p.value: row.verdict(p).value for p in placements},
        "most_severe": worst[0][1].to_dict() if worst else None,
        "most_severe_by_placement": {
            p.value: (shown[p].to_dict() if p in shown else None) for p in placements
        },
        "note": row.note() or None,
    }


# --- HTML ---------------------------------------------------------------------------------------


def check_headline(result: CheckResult) -> tuple[bool, str]:
    """(failed, text) for the HTML report's header: the count line, in behaviours."""
    found = wrong_path_of(result)
    return result.failed, found.line if found else counts(result).line


def check_html(result: CheckResult) -> str:
    """A behaviour × verdict section for the HTML report (styled by the report's own rules):
    verdicts coloured by verdict, findings by severity (a warning is never drawn red)."""
    found = wrong_path_of(result)
    if found is not None:
        return f"<p class='wrongpath'>{escape(found.line)}</p><h2>Calls</h2>"
    recurring = recurring_findings(result)
    head = "".join(f"<th>{escape(p.value)}</th>" for p in result.placements)
    rows = "".join(_html_row(row, result.placements, recurring) for row in result.behaviours)
    every = "".join(
        f"<div class='every'>{_html_finding(r.finding, _unlabelled(r, result.placements))}</div>"
        for r in recurring
    )
    note = result.placement_note()
    note_html = f"<p class='note'>note: {escape(note)}</p>" if note else ""
    offered = result.direction_note()
    if offered:
        note_html += f"<p class='note'>not offered: {escape(offered)}</p>"
    return (
        f"<h2>Behaviours</h2><p class='counts'>{escape(counts(result).line)}</p>{every}"
        f"<table class='summary check'><tr><th>behaviour</th>{head}<th>most severe finding</th>"
        f"</tr>{rows}</table>{note_html}<h2>Calls</h2>"
    )


def _html_row(
    row: BehaviourResult, placements: Sequence[Placement], recurring: Sequence[Recurring]
) -> str:
    verdict = behaviour_verdict(row, placements)
    cells = "".join(
        f"<td><span class='v {_css(row.verdict(p))}'>{escape(row.verdict(p).value)}</span></td>"
        for p in placements
    )
    parts = row_finding_parts(row, placements, recurring)
    findings = "".join(
        _html_finding(f, f"{label}: " * bool(label) + _without_severity(f)) for label, f in parts
    )
    detail = row_detail(row, placements, recurring) if not parts else ""
    note = row.note()
    notes = escape(detail or note)
    severity = parts and all(not f.is_error for _, f in parts)
    css = _css(verdict) if verdict is not Verdict.PASSED or not severity else "warning"
    return (
        f"<tr class='{css}'><td class='name'>{escape(row.name)}</td>{cells}"
        f"<td class='detail'>{findings}{f'<div class=note>{notes}</div>' if notes else ''}</td>"
        "</tr>"
    )


def _without_severity(finding: Finding) -> str:
    """The finding's text without its severity word (the badge says it)."""
    return finding_text(finding).removeprefix(f"{finding.severity.value} ")


def _unlabelled(recurring: Recurring, placements: Sequence[Placement]) -> str:
    severity = f": {recurring.finding.severity.value} "
    return recurring.line(placements).replace(severity, ": ", 1)


def _html_finding(finding: Finding, text: str) -> str:
    """A finding behind its severity badge (amber for a warning, red for an error)."""
    severity = finding.severity.value
    return (
        f"<div class='finding {severity}'><span class='sev'>{severity}</span>{escape(text)}</div>"
    )


def _css(verdict: Verdict) -> str:
    return verdict.value.replace(" ", "-")


# --- JUnit --------------------------------------------------------------------------------------


def check_to_junit(result: CheckResult) -> ET.Element:
    """One testcase per behaviour (the unit the terminal counts); a failed placement is a
    ``failure``, a behaviour not reached or not run is ``skipped``, a no-answer an ``error``
    (nothing was checked); the count line and the findings of every call are the suite's
    ``system-out``."""
    tally = counts(result)
    recurring = recurring_findings(result)
    failures = tally.count(Verdict.FAILED)
    errors = tally.count(Verdict.NO_ANSWER)
    skipped = tally.behaviours - tally.count(Verdict.PASSED) - failures - errors
    attrs = {
        "tests": str(tally.behaviours),
        "failures": str(failures),
        "errors": str(errors),
        "skipped": str(skipped),
    }
    suites = ET.Element("testsuites", {"name": "vcall check", **attrs})
    suite = ET.SubElement(
        suites,
        "testsuite",
        {
            "name": xml_safe(f"vcall check {result.target}"),
            "time": f"{result.run.wall_ms / 1000:.3f}",
            **attrs,
        },
    )
    for row in result.behaviours:
        suite.append(_testcase(row, result.placements, recurring))
    found = wrong_path_of(result)
    lines = [found.line] if found else [r.line(result.placements) for r in recurring]
    out = ET.SubElement(suite, "system-out")
    out.text = xml_safe("\n".join([tally.line, *lines]))
    return suites


def _testcase(
    row: BehaviourResult, placements: Sequence[Placement], recurring: Sequence[Recurring]
) -> ET.Element:
    case = ET.Element("testcase", name=row.name, classname="vcall.check")
    case.set("time", f"{sum(c.wall_ms for c in row.calls.values()) / 1000:.3f}")
    verdict = behaviour_verdict(row, placements)
    detail = xml_safe(row_detail(row, placements, recurring))
    verdicts = ", ".join(f"{p.value} {row.verdict(p).value}" for p in placements)
    if verdict is Verdict.FAILED:
        failed = [p.value for p in placements if row.verdict(p) is Verdict.FAILED]
        element = ET.SubElement(case, "failure", message=detail, type=",".join(failed))
        element.text = verdicts
    elif verdict is Verdict.NO_ANSWER:
        ET.SubElement(case, "error", message=detail, type="no-answer").text = verdicts
    elif verdict is not Verdict.PASSED:  # not reached, not run: nothing was played to judge
        ET.SubElement(case, "skipped", message=detail or verdict.value)
    return case


def write_check_junit(result: CheckResult, path: str | Path) -> None:
    tree = check_to_junit(result)
    ET.indent(tree)
    text = ET.tostring(tree, encoding="unicode", xml_declaration=True)
    write_atomic(path, text + "\n")
