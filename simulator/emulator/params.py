"""The product's check of SmartCall parameters: ``check_smartcall_params``, then the error code
the platform gives the first problem it cares about. Warnings never stop a call."""

from __future__ import annotations

from collections.abc import Sequence

from vcall.simulator.emulator import answers
from vcall.simulator.emulator.answers import Rejected, missing
from vcall.simulator.findings import Finding

RULE_REQUIRED_MISSING = "param-required-missing"
RULE_NOT_MAINLAND = "number-not-mainland"
RULE_NUMBER_IMPLAUSIBLE = "number-implausible"
SHOW_NUMBER = "CalledShowNumber"


def rejection_for(findings: Sequence[Finding]) -> Rejected | None:
    """``MissingParameter`` for a missing required parameter, ``isv.MOBILE_NUMBER_ILLEGAL`` /
    ``isv.DISPLAY_NUMBER_ILLEGAL`` for a bad number, ``isv.INVALID_PARAMETERS`` for any other
    error; ``None`` when there is no error."""
    errors = [finding for finding in findings if finding.is_error]
    if not errors:
        return None
    for finding in errors:
        if finding.rule == RULE_REQUIRED_MISSING:
            return missing(finding.path)
    for finding in errors:
        if finding.rule == RULE_NOT_MAINLAND:
            return Rejected(answers.MOBILE_NUMBER_ILLEGAL, finding.message)
        if finding.rule == RULE_NUMBER_IMPLAUSIBLE and finding.path == SHOW_NUMBER:
            return Rejected(answers.DISPLAY_NUMBER_ILLEGAL, finding.message)
    return Rejected(answers.INVALID_PARAMETERS, errors[0].message)
