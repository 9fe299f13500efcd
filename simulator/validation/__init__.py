"""The response validator and the SmartCall parameter checks.

``validate_response`` checks one body the endpoint returned; ``check_smartcall_params`` checks a
SmartCall parameter set. ``RULES`` documents every rule id either can report.
"""

from __future__ import annotations

from vcall.simulator.validation.validator import ValidationResult, validate_response  # isort: skip
from vcall.simulator.validation.registry import RULES, RuleInfo, rules_markdown
from vcall.simulator.validation.smartcall_params import check_smartcall_params

__all__ = [
    "RULES",
    "RuleInfo",
    "ValidationResult",
    "check_smartcall_params",
    "rules_markdown",
    "validate_response",
]
