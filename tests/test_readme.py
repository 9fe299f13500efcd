"""The README's first lines are the two fresh-machine commands, and CI runs exactly those; the
rule table (docs/rules.md) names every rule id the code raises."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands() -> list[str]:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    start = lines.index("```sh")
    end = lines.index("```", start + 1)
    return lines[start + 1 : end]


def test_readme_opens_with_exactly_two_commands() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# vcall"
    commands = _readme_commands()
    assert len(commands) == 2
    assert "vcall simulate --example-bot" in commands[0]
    assert commands[1].endswith("pytest")


def test_ci_runs_both_readme_commands_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    for command in _readme_commands():
        assert command in ci


def test_the_rules_page_documents_every_rule_id_the_code_raises() -> None:
    import re

    readme = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    pattern = re.compile(r'Finding\(\s*"([a-z][a-z0-9-]+)"')
    # a rule id kept in a constant: ``NAME = "rule-id"`` in the module that raises ``Finding(NAME``
    named = re.compile(r"Finding\(\s*([A-Z][A-Z0-9_]+)\b")
    found = set()
    for path in (ROOT / "simulator").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found.update(pattern.findall(text))
        for name in set(named.findall(text)):
            found.update(re.findall(rf'^{name}\s*=\s*"([a-z][a-z0-9-]+)"', text, re.MULTILINE))
    assert "call-crashed" in found  # a constant-held id (replay/engine.py) is seen
    missing = sorted(rule for rule in found if f"`{rule}`" not in readme)
    assert not missing, f"docs/rules.md does not document: {missing}"
