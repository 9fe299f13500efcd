"""What ``vcall check``'s verdicts add up to, in one unit (behaviours) for every renderer.

A *behaviour* is one row of the suite, played once per placement of the parameters. Its verdict
is the most severe of its placements' verdicts (failed, no answer, not run, not reached,
passed). A *finding* is what a rule says about one answer or call; the row shows the most severe
one of each placement (an error before a warning), never just the first. A finding that recurs
in every call that could carry it (the same rule at the same path, e.g. a warning on every
``callin`` answer) says nothing about any one behaviour: it is reported once, above the table
("every call: …"), and left out of the rows. The terminal, JSON, JUnit and HTML renderers all
read these objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from vcall.simulator.explore.check import BehaviourResult, CheckResult, Verdict
from vcall.simulator.findings import Finding, Severity
from vcall.simulator.replay import CallResult, WrongPath, find_wrong_path
from vcall.simulator.transport import Placement

MIN_RECURRING_CALLS = 3
"""A finding is lifted above the table only when it recurs in at least this many calls, and in
at least half the calls of its placement (a finding on every ``timebreak`` answer, which few
behaviours provoke, stays in their rows)."""
CALL_LEVEL = "call"
"""The "callback kind" of a call-level finding (it belongs to no one answer)."""
SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING)
VERDICT_ORDER = (
    Verdict.FAILED,
    Verdict.NO_ANSWER,
    Verdict.NOT_RUN,
    Verdict.NOT_REACHED,
    Verdict.PASSED,
)
"""Most severe first: a behaviour's verdict is the first of these any placement has (a verdict
not listed ranks just before passed)."""
JUDGED = frozenset({Verdict.PASSED, Verdict.FAILED, Verdict.NO_ANSWER})
"""The verdicts of a placement whose call was played and judged: only those show findings."""

Key = tuple[str, str]
"""(rule, path): what makes two findings "the same" across calls."""


def finding_key(finding: Finding) -> Key:
    return (finding.rule, finding.path)


@dataclass(frozen=True, slots=True)
class Recurring:
    """A finding in every call (of some placements) that could carry it."""

    finding: Finding
    """The first one seen (messages may differ in a value; rule and path do not)."""
    placements: tuple[Placement, ...]
    kinds: tuple[str, ...]
    """The callback kinds whose answers carry it (``call`` for a call-level finding)."""
    calls: int

    def line(self, all_placements: Sequence[Placement]) -> str:
        """``every callin answer: warning rule data.x: message (26 calls)``; ``every call
        (query): …`` when it recurs in one placement only."""
        finding = self.finding
        kind = self.kinds[0] if len(self.kinds) == 1 and self.kinds[0] != CALL_LEVEL else ""
        where = f"every {kind} answer" if kind else "every call"
        if len(all_placements) > 1 and not set(self.placements) >= set(all_placements):
            where += f" ({'/'.join(p.value for p in self.placements)})"
        path = f" {finding.path}" if finding.path else ""
        return (
            f"{where}: {finding.severity.value} {finding.rule}{path}: {finding.message} "
            f"({self.calls} calls)"
        )


@dataclass(frozen=True, slots=True)
class Counts:
    """Behaviours by verdict, and per placement whether every call of it passed."""

    behaviours: int
    by_verdict: Mapping[Verdict, int]
    placements_ok: Mapping[Placement, bool | None]
    """True: every call played in it passed; False: one failed or got no answer; None: none
    was played."""

    def count(self, verdict: Verdict) -> int:
        return self.by_verdict.get(verdict, 0)

    @property
    def line(self) -> str:
        """``17 behaviours: 12 passed, 3 failed, 2 not reached; form ✓ query ✗``"""
        parts = [f"{self.count(Verdict.PASSED)} passed", f"{self.count(Verdict.FAILED)} failed"]
        for verdict in Verdict:
            if verdict in (Verdict.PASSED, Verdict.FAILED):
                continue
            if self.count(verdict) or verdict is Verdict.NOT_REACHED:
                parts.append(f"{self.count(verdict)} {verdict.value}")
        marks = " ".join(f"{p.value} {_mark(ok)}" for p, ok in self.placements_ok.items())
        return f"{self.behaviours} behaviours: {', '.join(parts)}; {marks}"

    def to_dict(self) -> dict[str, object]:
        return {
            "behaviours": self.behaviours,
            **{v.value.replace(" ", "_"): self.count(v) for v in Verdict},
            "placements_ok": {p.value: ok for p, ok in self.placements_ok.items()},
        }


def _mark(ok: bool | None) -> str:
    return "-" if ok is None else ("✓" if ok else "✗")


def behaviour_verdict(row: BehaviourResult, placements: Sequence[Placement]) -> Verdict:
    """The most severe verdict of the row's placements."""
    verdicts = {row.verdict(p) for p in placements}
    return min(verdicts, key=_rank)


def _rank(verdict: Verdict) -> int:
    if verdict in VERDICT_ORDER:
        return VERDICT_ORDER.index(verdict) * 2
    return VERDICT_ORDER.index(Verdict.PASSED) * 2 - 1


def counts(result: CheckResult) -> Counts:
    by_verdict: dict[Verdict, int] = {}
    for row in result.behaviours:
        verdict = behaviour_verdict(row, result.placements)
        by_verdict[verdict] = by_verdict.get(verdict, 0) + 1
    ok: dict[Placement, bool | None] = {}
    for placement in result.placements:
        played = [
            r.verdict(placement)
            for r in result.behaviours
            if placement in r.calls and r.verdict(placement) in JUDGED
        ]
        bad = any(v in (Verdict.FAILED, Verdict.NO_ANSWER) for v in played)
        ok[placement] = None if not played else not bad
    return Counts(len(result.behaviours), by_verdict, ok)


# --- findings that recur on every call -----------------------------------------------------------


def _kinds_by_key(call: CallResult) -> dict[Key, set[str]]:
    found: dict[Key, set[str]] = {}
    for turn in call.turns:
        for finding in turn.findings:
            found.setdefault(finding_key(finding), set()).add(turn.callback.kind.value)
    for finding in call.call_findings:
        found.setdefault(finding_key(finding), set()).add(CALL_LEVEL)
    return found


def _could_carry(call: CallResult, kinds: set[str]) -> bool:
    return CALL_LEVEL in kinds or any(turn.callback.kind.value in kinds for turn in call.turns)


def _recurring_in(calls: Sequence[CallResult]) -> dict[Key, tuple[set[str], int]]:
    """The keys found in every call that could carry them: their kinds and how many calls."""
    per_call = [_kinds_by_key(call) for call in calls]
    keys: dict[Key, set[str]] = {}
    for found in per_call:
        for key, kinds in found.items():
            keys.setdefault(key, set()).update(kinds)
    recurring: dict[Key, tuple[set[str], int]] = {}
    for key, kinds in keys.items():
        eligible = [i for i, call in enumerate(calls) if _could_carry(call, kinds)]
        enough = max(MIN_RECURRING_CALLS, (len(calls) + 1) // 2)
        if len(eligible) >= enough and all(key in per_call[i] for i in eligible):
            recurring[key] = (kinds, len(eligible))
    return recurring


def _calls(result: CheckResult, placement: Placement) -> list[CallResult]:
    return [
        row.calls[placement]
        for row in result.behaviours
        if placement in row.calls and row.verdict(placement) in JUDGED
    ]


def recurring_findings(result: CheckResult) -> tuple[Recurring, ...]:
    """Findings found in every call that could carry them, in the order first seen."""
    by_placement = {p: _recurring_in(_calls(result, p)) for p in result.placements}
    first: dict[Key, Finding] = {}
    for call in result.run.calls:
        for finding in call.findings:
            first.setdefault(finding_key(finding), finding)
    found: list[Recurring] = []
    for key, finding in first.items():
        placements = tuple(p for p in result.placements if key in by_placement[p])
        if not placements:
            continue
        kinds = set().union(*(by_placement[p][key][0] for p in placements))
        calls = sum(by_placement[p][key][1] for p in placements)
        found.append(Recurring(finding, placements, tuple(sorted(kinds)), calls))
    return tuple(sorted(found, key=lambda r: SEVERITY_ORDER.index(r.finding.severity)))


def lifted(recurring: Iterable[Recurring], placement: Placement) -> frozenset[Key]:
    return frozenset(finding_key(r.finding) for r in recurring if placement in r.placements)


# --- the most severe finding of a row ------------------------------------------------------------


def most_severe(findings: Iterable[Finding], skip: frozenset[Key] = frozenset()) -> Finding | None:
    """The first error, else the first warning (findings whose key is in ``skip`` left out)."""
    kept = [f for f in findings if finding_key(f) not in skip]
    for severity in SEVERITY_ORDER:
        chosen = next((f for f in kept if f.severity is severity), None)
        if chosen is not None:
            return chosen
    return None


def row_findings(
    row: BehaviourResult, placements: Sequence[Placement], recurring: Sequence[Recurring]
) -> dict[Placement, Finding]:
    """Each placement's most severe finding, findings above the table left out."""
    shown: dict[Placement, Finding] = {}
    for placement in placements:
        call = row.calls.get(placement)
        if call is None or row.verdict(placement) not in JUDGED:
            continue
        finding = most_severe(call.findings, lifted(recurring, placement))
        if finding is not None:
            shown[placement] = finding
    return shown


def same_finding(a: Finding, b: Finding) -> bool:
    return (a.rule, a.path, a.message, a.severity) == (b.rule, b.path, b.message, b.severity)


def finding_text(finding: Finding) -> str:
    path = f" {finding.path}" if finding.path else ""
    return f"{finding.severity.value} {finding.rule}{path}: {finding.message}"


def row_finding_parts(
    row: BehaviourResult, placements: Sequence[Placement], recurring: Sequence[Recurring]
) -> list[tuple[str, Finding]]:
    """(label, finding) to show: one part when every placement shows the same finding (label
    empty), else one per placement labelled with it, so neither hides the other."""
    shown = row_findings(row, placements, recurring)
    values = list(shown.values())
    if not values:
        return []
    if len(placements) < 2 or (
        len(values) == len(placements) and all(same_finding(values[0], f) for f in values)
    ):
        return [("", values[0])]
    return [(p.value, f) for p, f in shown.items()]


def row_detail(
    row: BehaviourResult, placements: Sequence[Placement], recurring: Sequence[Recurring]
) -> str:
    """The row's last cell as plain text: its most severe findings, then its note."""
    parts = [
        f"{label}: {finding_text(finding)}" if label else finding_text(finding)
        for label, finding in row_finding_parts(row, placements, recurring)
    ]
    verdicts = {row.verdict(p) for p in placements}
    if not parts and Verdict.FAILED in verdicts and recurring:
        parts.append("(every call, above)")
    note = row.note()
    return "; ".join([*parts, *([note] if note else [])])


def wrong_path_of(result: CheckResult) -> WrongPath | None:
    """Every callback of the check got HTTP 404/405: one line says so, not a table."""
    return find_wrong_path(turn.exchange for call in result.run.calls for turn in call.turns)
