"""Findings: what a rule says about a response, a callback or a parameter set.

A finding is plain data. The console, the JSON writer and the JUnit writer all render the same
objects; nothing here knows how it will be shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    """Information, not a doubt about the answer (advice no vendor page backs): never fails a run, even
    a strict one; a run shows it once, not per callback."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One observation by one rule.

    ``rule`` is a stable id (documented in docs/rules.md), ``path`` a JSON path into the response
    (``data.mute_time``; empty for the body as a whole), ``seed`` the vendor page it comes from.
    """

    rule: str
    severity: Severity
    path: str
    message: str
    seed: str
    expected: str | None = None
    actual: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def is_info(self) -> bool:
        return self.severity is Severity.INFO

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON shape: rule, severity, path, message, seed (+ expected/actual)."""
        data = asdict(self)
        data["severity"] = self.severity.value
        return {key: value for key, value in data.items() if value is not None}


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(finding.is_error for finding in findings)


def without_info(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """The errors and warnings: what ``--strict`` fails on and what is shown per callback."""
    return tuple(finding for finding in findings if finding.severity is not Severity.INFO)


def info_once(findings: Iterable[Finding]) -> list[tuple[Finding, int]]:
    """The first info finding of each rule and how many there were: what a run shows once."""
    first: dict[str, Finding] = {}
    counts: dict[str, int] = {}
    for finding in findings:
        if finding.severity is Severity.INFO:
            first.setdefault(finding.rule, finding)
            counts[finding.rule] = counts.get(finding.rule, 0) + 1
    return [(finding, counts[rule]) for rule, finding in first.items()]


def count_by_severity(findings: Iterable[Finding]) -> dict[Severity, int]:
    counts = dict.fromkeys(Severity, 0)
    for finding in findings:
        counts[finding.severity] += 1
    return counts
