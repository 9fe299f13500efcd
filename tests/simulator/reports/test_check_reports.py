"""``vcall check``'s JSON, JUnit and HTML reports: counted in behaviours as the terminal counts,
the most severe finding per placement, findings on every call once, severities drawn apart."""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "explore"))

import check_bots
from html_dom import parse_html

from vcall.simulator.explore.check import CheckConfig, CheckResult, Verdict, check
from vcall.simulator.explore.check_report import (
    check_headline,
    check_html,
    check_to_dict,
    check_to_junit,
    write_check_junit,
)
from vcall.simulator.explore.check_summary import counts
from vcall.simulator.explore.suite import builtin_suite
from vcall.simulator.replay.delivery import Placement
from vcall.simulator.replay.targets import app_target
from vcall.simulator.reports.html import render_html

BEHAVIOURS = len(builtin_suite())


@pytest.fixture(scope="module")
def warned() -> CheckResult:
    return check(app_target("warned", check_bots.warned_bot()), CheckConfig())


@pytest.fixture(scope="module")
def one_sided() -> CheckResult:
    return check(app_target("one-sided", check_bots.timebreak_401_in_query()), CheckConfig())


def test_json_counts_behaviours_and_names_the_findings_of_every_call(warned: CheckResult) -> None:
    report = json.loads(json.dumps(check_to_dict(warned), ensure_ascii=False))
    assert report["summary"] == counts(warned).line
    assert report["summary"].startswith(
        f"{BEHAVIOURS} behaviours: {BEHAVIOURS - 1} passed, 1 failed, 0 not reached;"
    )
    assert report["counts"]["behaviours"] == BEHAVIOURS and report["counts"]["failed"] == 1
    assert report["counts"]["placements_ok"] == {"form": False, "query": False}
    (every,) = report["every_call"]
    assert every["finding"]["rule"] == "range-fallback" and every["callback_kinds"] == ["callin"]
    rows = {row["name"]: row for row in report["behaviours"]}
    assert rows["inbound-plain"]["most_severe"] is None  # the every-call warning is not repeated
    assert rows["timebreak-speech"]["verdict"] == "failed"
    assert rows["timebreak-speech"]["most_severe"]["rule"] == "action-not-allowed-at-stage"
    assert report["wrong_path"] is None


def test_json_keeps_each_placements_most_severe_finding(one_sided: CheckResult) -> None:
    rows = {row["name"]: row for row in check_to_dict(one_sided)["behaviours"]}
    row = rows["timebreak-speech"]
    assert row["verdicts"] == {"form": "passed", "query": "failed"}
    by_placement = row["most_severe_by_placement"]
    assert by_placement["form"]["severity"] == "warning"
    assert by_placement["query"]["rule"] == "http-status"


def test_junit_has_one_testcase_per_behaviour(one_sided: CheckResult, tmp_path: Path) -> None:
    path = tmp_path / "check.xml"
    write_check_junit(one_sided, path)
    suite = ET.parse(path).getroot().find("testsuite")
    assert suite is not None
    tally = counts(one_sided)
    assert suite.get("tests") == str(BEHAVIOURS)
    assert suite.get("failures") == str(tally.count(Verdict.FAILED))
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert len(cases) == BEHAVIOURS
    failure = cases["timebreak-speech"].find("failure")
    assert failure is not None and failure.get("type") == "query"
    assert "form: warning range-fallback" in failure.get("message", "")
    assert "query: error http-status" in failure.get("message", "")
    assert cases["speech"].find("failure") is None
    out = suite.find("system-out")
    assert out is not None and (out.text or "").startswith(tally.line)


def test_junit_skips_what_was_not_reached() -> None:
    result = check(app_target("nc", check_bots.never_collecting_bot()), CheckConfig())
    suite = check_to_junit(result).find("testsuite")
    needs_keys = sum(1 for b in builtin_suite() if b.need == "needs-keys")
    assert suite is not None and suite.get("skipped") == str(needs_keys)
    assert suite.get("failures") == "0"
    skipped = [c.get("name") for c in suite.iter("testcase") if c.find("skipped") is not None]
    expected = sorted(b.scenario.name for b in builtin_suite() if b.need == "needs-keys")
    assert sorted(skipped) == expected  # type: ignore[type-var]


def test_html_draws_a_warning_as_a_warning_and_counts_behaviours(warned: CheckResult) -> None:
    page = parse_html(
        render_html(warned.run, "vcall check", check_html(warned), check_headline(warned))
    )
    header = page.one(cls="verdict")
    assert header.text() == counts(warned).line and "fail" in header.classes
    (every,) = page.all(cls="every")
    assert every.one(cls="finding").classes == {"finding", "warning"}  # amber, not error red
    rows = {r.one(cls="name").text(): r for r in page.one("table", "check").all("tr")[1:]}
    assert len(rows) == BEHAVIOURS
    assert "failed" in rows["timebreak-speech"].classes
    (finding,) = rows["timebreak-speech"].all(cls="finding")
    assert "error" in finding.classes
    assert finding.text() == "erroraction-not-allowed-at-stage data.action: " + (
        "action answer is not allowed at followup: use play"
    )  # the badge says "error", the text does not repeat it
    assert rows["inbound-plain"].all(cls="finding") == []
    verdicts = rows["timebreak-speech"].all(cls="v")
    assert [v.text() for v in verdicts] == ["failed", "failed"]
    assert all("failed" in v.classes for v in verdicts)


def test_html_a_warning_only_row_is_not_red() -> None:
    result = check(
        app_target("w", check_bots.timebreak_401_in_query()),
        CheckConfig(placements=(Placement.FORM,)),
    )
    page = parse_html(
        render_html(result.run, "vcall check", check_html(result), check_headline(result))
    )
    rows = {r.one(cls="name").text(): r for r in page.one("table", "check").all("tr")[1:]}
    row = rows["timebreak-speech"]
    assert row.classes == {"warning"}
    (finding,) = row.all(cls="finding")
    assert finding.classes == {"finding", "warning"}
    assert "pass" in page.one(cls="verdict").classes


def test_html_a_wrong_path_is_one_line() -> None:
    result = check(
        app_target("gone", check_bots.not_found()), CheckConfig(placements=(Placement.FORM,))
    )
    section = parse_html(check_html(result))
    assert section.one(cls="wrongpath").text().startswith("every callback got HTTP 404")
    assert section.all("table") == []
    assert check_headline(result) == (True, section.one(cls="wrongpath").text())
