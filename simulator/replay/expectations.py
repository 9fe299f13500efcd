"""Checking a step's expectations against the answer to the step's last callback."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from vcall.simulator.findings import Finding, Severity
from vcall.simulator.fixture import Expectation, Match, MatchKind
from vcall.simulator.spec import CallbackKind

_MISSING = object()
SOURCE = "fixture"
"""Expectation findings come from the fixture, not from a vendor page."""


def check_expectation(
    expectation: Expectation,
    kind: CallbackKind | None,
    envelope: Mapping[str, Any] | None,
    where: str,
) -> list[Finding]:
    """Findings for every unmet part of ``expectation``; ``kind`` is None when no callback came."""
    if kind is None:
        message = f"{where}: expected an answer to check, but the step produced no callback"
        return [Finding("expect-no-callback", Severity.ERROR, "", message, SOURCE)]
    findings: list[Finding] = []
    if expectation.callback is not None and expectation.callback is not kind:
        findings.append(_callback_mismatch(expectation.callback, kind, where))
    misses = [
        finding
        for match in expectation.matches
        if (finding := check_match(match, envelope or {}, where)) is not None
    ]
    in_data = [finding for finding in misses if finding.path.startswith("data.")]
    unusable = _unusable(envelope, in_data)
    if unusable is not None and len(in_data) > 1:  # one cause: group its consequences
        grouped = _grouped(in_data, unusable, where)
        misses = [grouped, *(finding for finding in misses if finding not in in_data)]
    return findings + misses


def _unusable(envelope: Mapping[str, Any] | None, in_data: list[Finding]) -> str | None:
    """Why the answer has no data to match the expectations against (each of ``in_data``
    missing), or None when it has."""
    if envelope is None:
        return "it is not a JSON object"
    if not isinstance(envelope.get("data"), Mapping):
        return "it has no data object"
    if envelope.get("result") != "success" and all(f.actual == "absent" for f in in_data):
        return f"its result is {envelope.get('result')!r}, its data empty"
    return None


def _grouped(misses: list[Finding], why: str, where: str) -> Finding:
    wanted = "; ".join(
        (finding.message.split(": ", 1)[1] if ": " in finding.message else finding.message)
        for finding in misses[:3]
    )
    more = f"; and {len(misses) - 3} more" if len(misses) > 3 else ""
    message = (
        f"{where}: none of the {len(misses)} expected values could match: the answer has no "
        f"usable data ({why}) -- {wanted}{more}"
    )
    return Finding("expect-mismatch", Severity.ERROR, "data", message, SOURCE)


def _callback_mismatch(expected: CallbackKind, actual: CallbackKind, where: str) -> Finding:
    message = f"{where}: expected the step to end with a {expected} callback, but it was {actual}"
    return Finding(
        "expect-callback", Severity.ERROR, "content_type", message, SOURCE, expected, actual
    )


def check_match(match: Match, envelope: Mapping[str, Any], where: str) -> Finding | None:
    actual = lookup(envelope, match.path)
    if _matches(match, actual):
        return None
    shown = "absent" if actual is _MISSING else repr(actual)
    wanted = _describe(match)
    message = f"{where}: {match.path} should {wanted}, got {shown}"
    return Finding("expect-mismatch", Severity.ERROR, match.path, message, SOURCE, wanted, shown)


def lookup(envelope: Mapping[str, Any], path: str) -> Any:
    value: Any = envelope
    for part in path.split("."):
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return _MISSING
    return value


def _matches(match: Match, actual: Any) -> bool:
    if match.kind is MatchKind.ABSENT:
        return (actual is _MISSING) == bool(match.value)
    if actual is _MISSING:
        return False
    if match.kind is MatchKind.EQUALS:
        return _equal(match.value, actual)
    text = actual if isinstance(actual, str) else _as_text(actual)
    if match.kind is MatchKind.CONTAINS:
        return str(match.value) in text
    try:
        return re.search(str(match.value), text) is not None
    except re.error:  # checked when loaded; one built at run time that is not a regex: no match
        return False


def _equal(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual or str(expected).lower() == str(actual).lower()
    if isinstance(expected, int | float) and isinstance(actual, str):
        return str(expected) == actual.strip()
    return bool(expected == actual)


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def _describe(match: Match) -> str:
    if match.kind is MatchKind.ABSENT:
        return "be absent" if match.value else "be present"
    verb = {MatchKind.EQUALS: "equal", MatchKind.REGEX: "match", MatchKind.CONTAINS: "contain"}[
        match.kind
    ]
    return f"{verb} {match.value!r}"
