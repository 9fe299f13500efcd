"""What ``vcall check``'s verdicts add up to: the most severe finding per placement, findings on
every call said once, counts in behaviours, a wrong path — on bots written here (check_bots)."""

from __future__ import annotations

import check_bots
import pytest

from vcall.simulator.explore.check import CheckConfig, CheckResult, Verdict, check
from vcall.simulator.explore.check_summary import (
    behaviour_verdict,
    counts,
    most_severe,
    recurring_findings,
    row_detail,
    row_finding_parts,
    wrong_path_of,
)
from vcall.simulator.explore.suite import builtin_suite
from vcall.simulator.findings import Finding, Severity
from vcall.simulator.replay.delivery import Placement
from vcall.simulator.replay.targets import app_target


def _check(app: object, **config: object) -> CheckResult:
    return check(app_target("bot", app), CheckConfig(**config))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def warned() -> CheckResult:
    return _check(check_bots.warned_bot())


@pytest.fixture(scope="module")
def one_sided() -> CheckResult:
    return _check(check_bots.timebreak_401_in_query())


def _row(result: CheckResult, name: str):  # type: ignore[no-untyped-def]
    return next(row for row in result.behaviours if row.name == name)


def test_a_warning_on_every_callin_is_said_once_and_hides_no_row(warned: CheckResult) -> None:
    (every,) = recurring_findings(warned)
    assert every.finding.rule == "range-fallback" and every.finding.path == "data.mute_time"
    assert every.kinds == ("callin",) and set(every.placements) == set(warned.placements)
    inbound = [
        c for c in warned.run.calls if c.turns and c.turns[0].callback.kind.value == "callin"
    ]
    assert every.calls == len(inbound) >= 20
    assert every.line(warned.placements).startswith(
        "every callin answer: warning range-fallback data.mute_time: mute_time 999999 is outside"
    )
    # no row repeats it: the rows that had only that warning show nothing
    for row in warned.behaviours:
        shown = [f.rule for _, f in row_finding_parts(row, warned.placements, (every,))]
        assert "range-fallback" not in shown, row.name
    assert row_detail(_row(warned, "inbound-plain"), warned.placements, (every,)) == ""


def test_the_row_shows_the_most_severe_finding_not_the_first(warned: CheckResult) -> None:
    row = _row(warned, "timebreak-speech")
    call = row.calls[Placement.FORM]
    assert call.findings[0].severity is Severity.WARNING  # the callin warning comes first
    parts = row_finding_parts(row, warned.placements, recurring_findings(warned))
    assert [(label, f.rule) for label, f in parts] == [("", "action-not-allowed-at-stage")]
    # without lifting anything, the error still wins over the earlier warning
    assert most_severe(call.findings).rule == "action-not-allowed-at-stage"  # type: ignore[union-attr]


def test_most_severe_prefers_an_error_and_skips_lifted_keys() -> None:
    warning = Finding("w", Severity.WARNING, "data.a", "w", "seed")
    error = Finding("e", Severity.ERROR, "data.b", "e", "seed")
    assert most_severe([warning, error]) is error
    assert most_severe([warning, error], frozenset({("e", "data.b")})) is warning
    assert most_severe([]) is None


def test_both_placements_show_in_one_row(one_sided: CheckResult) -> None:
    row = _row(one_sided, "timebreak-speech")
    assert (row.verdict(Placement.FORM), row.verdict(Placement.QUERY)) == (
        Verdict.PASSED,
        Verdict.FAILED,
    )
    parts = row_finding_parts(row, one_sided.placements, recurring_findings(one_sided))
    assert [(label, f.severity, f.rule) for label, f in parts] == [
        ("form", Severity.WARNING, "range-fallback"),
        ("query", Severity.ERROR, "http-status"),
    ]
    detail = row_detail(row, one_sided.placements, recurring_findings(one_sided))
    assert detail.startswith("form: warning range-fallback data.mute_time")
    assert "; query: error http-status: HTTP status 401" in detail
    assert behaviour_verdict(row, one_sided.placements) is Verdict.FAILED


def test_counts_are_behaviours_with_a_mark_per_placement(one_sided: CheckResult) -> None:
    tally = counts(one_sided)
    total = len(one_sided.behaviours)
    assert tally.behaviours == total and total >= 17
    assert tally.count(Verdict.FAILED) == sum(
        1 for r in one_sided.behaviours if Verdict.FAILED in {r.verdict(p) for p in r.calls}
    )
    assert sum(tally.count(verdict) for verdict in Verdict) == total
    assert tally.placements_ok == {Placement.FORM: True, Placement.QUERY: False}
    assert tally.line.startswith(
        f"{total} behaviours: {tally.count(Verdict.PASSED)} passed, "
        f"{tally.count(Verdict.FAILED)} failed, {tally.count(Verdict.NOT_REACHED)} not reached"
    )
    assert tally.line.endswith("; form ✓ query ✗")


def test_not_reached_behaviours_are_counted_once_not_per_placement() -> None:
    result = _check(check_bots.never_collecting_bot())
    tally = counts(result)
    needs_keys = sum(1 for b in builtin_suite() if b.need == "needs-keys")
    total = len(builtin_suite())
    assert needs_keys >= 2  # the key behaviours: no bot collecting keys, none reached
    assert tally.line == (
        f"{total} behaviours: {total - needs_keys} passed, 0 failed, {needs_keys} not reached; "
        "form ✓ query ✓"
    )
    assert tally.to_dict()["not_reached"] == needs_keys
    assert tally.to_dict()["placements_ok"] == {"form": True, "query": True}


def test_a_wrong_path_is_one_line() -> None:
    result = _check(check_bots.not_found(), placements=(Placement.FORM,))
    found = wrong_path_of(result)
    assert found is not None and found.status == 404 and found.count >= len(result.run.calls)
    assert found.line.startswith(
        "every callback got HTTP 404: is the path right? (vcall sent POST "
    )
    assert result.failed
    assert wrong_path_of(_check(check_bots.never_collecting_bot())) is None
