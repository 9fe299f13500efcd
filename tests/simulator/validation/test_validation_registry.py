"""The rule registry: stable ids, documented severities, seeds that exist, the table in docs/rules.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from vcall.simulator.findings import Severity
from vcall.simulator.spec import SOURCES, SPEC_NOTES
from vcall.simulator.validation import RULES, rules_markdown
from vcall.simulator.validation.registry import define

RULES_PAGE = Path(__file__).resolve().parents[3] / "docs" / "rules.md"
KEBAB = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


@pytest.mark.parametrize("rule_id", RULES)
def test_rule_is_documented(rule_id: str) -> None:
    info = RULES[rule_id]
    assert info.id == rule_id and KEBAB.fullmatch(rule_id)
    assert isinstance(info.severity, Severity)
    assert info.description and "\n" not in info.description
    assert info.seed in SOURCES  # a seed, SPEC-NOTES, or a vendor page that is not a seed


def test_rule_ids_cannot_be_declared_twice() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        define("unknown-key", Severity.ERROR, "again", SPEC_NOTES)


def test_markdown_table_has_a_row_per_rule() -> None:
    rows = rules_markdown().splitlines()[2:]
    assert sorted(row.split("`")[1] for row in rows) == sorted(RULES)
    assert rows[0].startswith("| `http-status` | error |")


def test_the_rules_page_documents_every_rule() -> None:
    text = RULES_PAGE.read_text(encoding="utf-8")
    missing = [rule_id for rule_id in RULES if f"`{rule_id}`" not in text]
    assert not missing, f"docs/rules.md lacks rules: {missing}"
