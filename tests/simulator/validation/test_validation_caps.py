"""Findings per rule and response are capped: the first ones in full, then one "… and N more";
the work past the cap (did-you-mean suggestions above all) is not done."""

from __future__ import annotations

import json

from vcall.simulator.findings import Finding, Severity
from vcall.simulator.spec import Stage
from vcall.simulator.validation import validate_response
from vcall.simulator.validation.registry import MAX_FINDINGS_PER_RULE, RuleInfo, _capped

CALL_ID = "100001616500^100001871490"


def findings_of(data: dict[str, object], rule: str) -> list[Finding]:
    """The findings of ``rule`` (a prefix: ``forbidden-character`` takes its ``-doubt`` too)."""
    body = {"result": "success", "msg": "成功", "data": {"call_id": CALL_ID, **data}}
    result = validate_response(json.dumps(body).encode(), Stage.FOLLOWUP, call_id=CALL_ID)
    return [finding for finding in result.findings if finding.rule.startswith(rule)]


def test_unused_tts_parameters_stop_at_the_cap_and_count_the_rest() -> None:
    code = "".join(f"$name{i}$" for i in range(100))
    params = {f"nmae{i}": "张三" for i in range(100)}
    found = findings_of(
        {"action": "play", "action_code": code, "action_code_param": params}, "tts-param-unused"
    )
    assert len(found) == MAX_FINDINGS_PER_RULE + 1
    assert found[0].path == "data.action_code_param.nmae0"
    more = found[-1]
    assert more.message.startswith(f"… and {100 - MAX_FINDINGS_PER_RULE} more tts-param-unused")
    assert more.path == f"data.action_code_param.nmae{MAX_FINDINGS_PER_RULE}"
    assert more.severity is Severity.WARNING


def test_missing_tts_variables_are_capped_too() -> None:
    code = "".join(f"$v{i}$" for i in range(50))
    found = findings_of({"action": "play", "action_code": code}, "tts-variable-missing")
    assert len(found) == MAX_FINDINGS_PER_RULE + 1
    assert found[-1].message.startswith("… and 30 more") and found[-1].is_error


def test_a_near_miss_still_gets_its_did_you_mean() -> None:
    found = findings_of(
        {"action": "play", "action_code": "$name$", "action_code_param": {"nmae": "张三"}},
        "tts-param-unused",
    )
    assert [finding.message for finding in found] == [
        '"nmae" matches no $name$ variable of action_code: did you mean name?'
    ]


def test_unknown_keys_stop_at_the_cap() -> None:
    keys = {f"extra_{i}": 0 for i in range(1000)}
    found = findings_of({"action": "play", "action_code": "a.wav", **keys}, "unknown-key")
    assert len(found) == MAX_FINDINGS_PER_RULE + 1
    assert found[-1].message.startswith("… and 980 more unknown-key finding(s), from data.extra_20")


def test_forbidden_characters_are_counted_not_all_listed() -> None:
    (found,) = findings_of({"action": "play", "action_code": "@" * 1000}, "forbidden-character")
    assert "'@' at position 4 and 995 more" in found.message


def test_url_syntax_and_variables_in_a_play_code_are_not_forbidden_characters() -> None:
    code = "https://user@example.com:8443/a@b.wav?x=1#y,$na@me$"
    (found,) = findings_of(
        {"action": "play", "action_code": code, "action_code_param": {"na@me": "张三"}},
        "forbidden-character",
    )
    assert "'@' at position 31" in found.message and " more" not in found.message


def test_forbidden_characters_inside_a_variable_are_syntax() -> None:
    code = "$na@me$,https://example.com/a.wav"
    params = {"na@me": "张三"}
    found = findings_of(
        {"action": "play", "action_code": code, "action_code_param": params}, "forbidden-character"
    )
    assert [finding.path for finding in found] == [], "neither the $name$ nor the URL's colon"


def test_any_rule_past_the_cap_is_cut_and_keeps_the_worst_severity() -> None:
    info = RuleInfo("some-rule", Severity.WARNING, "a rule", "seed.txt")
    many = [info.at(f"data.k{i}", f"finding {i}") for i in range(50)]
    many[40] = info.at("data.k40", "an error among them", severity=Severity.ERROR)
    kept = _capped(info, iter(many))
    assert kept[:-1] == many[:MAX_FINDINGS_PER_RULE]
    assert kept[-1].message.startswith("… and 30 more some-rule finding(s), from data.k20 on")
    assert kept[-1].severity is Severity.ERROR


def test_a_rule_at_the_cap_keeps_all_its_findings() -> None:
    info = RuleInfo("some-rule", Severity.WARNING, "a rule", "seed.txt")
    exact = [info.at(f"data.k{i}", f"finding {i}") for i in range(MAX_FINDINGS_PER_RULE + 1)]
    assert _capped(info, iter(exact)) == exact
