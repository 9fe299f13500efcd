"""``explore --report-junit``: one test case per problem and per property (a violated property
fails, one not checked is skipped with the reason), for CI dashboards."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from vcall.simulator.atomic import write_atomic
from vcall.simulator.properties.model import PropertyOutcome, Verdict

SUITE = "vcall explore"


def explore_junit(
    target: str, problems: Sequence[tuple[str, str]], outcomes: Sequence[PropertyOutcome]
) -> ET.Element:
    """``problems``: (name, what) of each problem found."""
    suites = ET.Element("testsuites")
    suite = ET.SubElement(suites, "testsuite", name=f"{SUITE} {target}")
    failures = skipped = 0
    for name, what in problems:
        case = ET.SubElement(suite, "testcase", classname="problems", name=name)
        ET.SubElement(case, "failure", message=what).text = what
        failures += 1
    for outcome in outcomes:
        prop = outcome.property
        case = ET.SubElement(suite, "testcase", classname="properties", name=prop.name)
        if outcome.verdict is Verdict.VIOLATED:
            moves = " → ".join(move.label for move in outcome.path) or "(the call's start)"
            text = f"{prop.describe()}: {outcome.reason}; states {', '.join(outcome.states)}"
            failure = ET.SubElement(case, "failure", message=outcome.reason)
            failure.text = f"{text}\nshortest caller moves: {moves}"
            failures += 1
        elif outcome.verdict is Verdict.NOT_CHECKED:
            ET.SubElement(case, "skipped", message=outcome.reason)
            skipped += 1
    total = len(problems) + len(outcomes)
    suite.set("tests", str(total))
    suite.set("failures", str(failures))
    suite.set("skipped", str(skipped))
    suite.set("errors", "0")
    return suites


def write_explore_junit(
    target: str,
    problems: Sequence[tuple[str, str]],
    outcomes: Sequence[PropertyOutcome],
    path: Path | str,
) -> None:
    tree = explore_junit(target, problems, outcomes)
    ET.indent(tree)
    text = ET.tostring(tree, encoding="unicode", xml_declaration=True)
    write_atomic(path, text + "\n")
