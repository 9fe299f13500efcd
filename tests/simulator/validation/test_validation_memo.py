"""The memo of clean verdicts (validation/memo.py): a remembered answer gets exactly the verdict a
full validation gives, and anything the rules can see that differs is validated in full."""

from __future__ import annotations

import inspect
import itertools
import json
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from vcall.simulator.findings import Finding, Severity
from vcall.simulator.spec import Stage, TransferPhase
from vcall.simulator.validation import validate_response
from vcall.simulator.validation.body import parse_body
from vcall.simulator.validation.context import (
    BODY_RULES,
    DATA_RULES,
    ENVELOPE_RULES,
    FAIL_DATA_RULES,
)
from vcall.simulator.validation.memo import REQUEST_CONTENT_READ, memo_key
from vcall.simulator.validation.registry import RuleInfo
from vcall.simulator.validation.validator import CLEAN_ANSWERS

FIRST = "100001616500^100001871490"
SECOND = "100001616501^100001871777"
JSON_HEADERS = {"content-type": "application/json", "content-length": "120"}


def answer(call_id: str, **data: object) -> bytes:
    body = {"result": "success", "msg": "成功", "data": {"call_id": call_id, **data}}
    return json.dumps(body, ensure_ascii=False).encode()


def findings(result_findings: tuple[Finding, ...]) -> list[tuple[str, str, str, str]]:
    return [(f.rule, f.severity.value, f.path, f.message) for f in result_findings]


@pytest.fixture(autouse=True)
def fresh_memo() -> Iterator[None]:
    CLEAN_ANSWERS.clear()
    yield
    CLEAN_ANSWERS.clear()


def test_a_remembered_answer_is_passed_again_with_its_own_data() -> None:
    first = validate_response(
        answer(FIRST, action="play", action_code="a.wav"), Stage.FOLLOWUP, call_id=FIRST
    )
    body = answer(SECOND, action="play", action_code="a.wav")
    key = memo_key(body, parse_body(body), Stage.FOLLOWUP, None, None, SECOND, None, None, None)
    assert first.findings == () and CLEAN_ANSWERS.passed(key)
    second = validate_response(body, Stage.FOLLOWUP, call_id=SECOND)
    assert second.findings == () and second.data is not None and second.envelope is not None
    assert second.data["call_id"] == SECOND and second.envelope["data"] is second.data


def test_an_answer_with_findings_is_never_remembered() -> None:
    body = answer(FIRST, action="play", action_code="a.wav", mute_time="soon")
    result = validate_response(body, Stage.FOLLOWUP, call_id=FIRST)
    assert result.findings
    key = memo_key(body, parse_body(body), Stage.FOLLOWUP, None, None, FIRST, None, None, None)
    assert not CLEAN_ANSWERS.passed(key)


def test_the_wrong_call_id_is_caught_after_the_right_one_was_remembered() -> None:
    assert validate_response(
        answer(FIRST, action="hangup", action_code="bye.wav"), Stage.FOLLOWUP, call_id=FIRST
    ).valid
    result = validate_response(
        answer(FIRST, action="hangup", action_code="bye.wav"), Stage.FOLLOWUP, call_id=SECOND
    )
    assert [f.rule for f in result.findings] == ["data-call-id-mismatch"]


def test_a_call_id_written_with_escapes_elsewhere_is_not_taken_for_the_echo() -> None:
    """The call id's one occurrence in ``msg``, ``data.call_id`` written with escapes: the next
    call's body is the same text around its own id, yet its ``data.call_id`` is the first id."""
    escaped = "".join(f"\\u{ord(char):04x}" for char in FIRST)

    def body(in_msg: str) -> bytes:
        text = f'{{"result":"success","msg":"{in_msg}","data":{{"call_id":"{escaped}",'
        return (text + '"action":"hangup","action_code":"bye.wav"}}').encode()

    assert validate_response(body(FIRST), Stage.FOLLOWUP, call_id=FIRST).valid
    result = validate_response(body(SECOND), Stage.FOLLOWUP, call_id=SECOND)
    assert [f.rule for f in result.findings] == ["data-call-id-mismatch"]


def test_what_the_request_says_is_playing_is_part_of_the_key() -> None:
    body = answer(FIRST, action="break", action_code="")
    playing = validate_response(
        body, Stage.FOLLOWUP, call_id=FIRST, request_content={"is_playing": "true"}
    )
    assert playing.findings == ()
    idle = validate_response(
        body, Stage.FOLLOWUP, call_id=FIRST, request_content={"is_playing": "false"}
    )
    assert [f.rule for f in idle.findings] == ["nothing-playing"]


def test_the_transfer_phase_the_status_and_the_headers_are_part_of_the_key() -> None:
    body = answer(FIRST, action="parallel_bridge", action_code="")
    bridged = validate_response(
        body, Stage.FOLLOWUP, call_id=FIRST, transfer_phase=TransferPhase.SUCCESS
    )
    assert bridged.findings == ()
    alone = validate_response(
        body, Stage.FOLLOWUP, call_id=FIRST, transfer_phase=TransferPhase.NONE
    )
    assert "parallel-bridge-nothing" in [f.rule for f in alone.findings]
    hangup = answer(FIRST, action="hangup", action_code="bye.wav")
    assert validate_response(hangup, Stage.FOLLOWUP, status=200, call_id=FIRST).valid
    failed = validate_response(hangup, Stage.FOLLOWUP, status=500, call_id=FIRST)
    assert [f.rule for f in failed.findings] == ["http-status"]
    assert not validate_response(
        hangup, Stage.FOLLOWUP, headers=JSON_HEADERS, call_id=FIRST
    ).findings
    html = validate_response(
        hangup, Stage.FOLLOWUP, headers={"content-type": "text/html"}, call_id=FIRST
    )
    assert [f.rule for f in html.findings] == ["content-type-not-json"]


def test_values_equal_in_python_but_not_to_the_rules_are_never_keyed() -> None:
    """``1 == True``: a key holding either would stand for both, so neither is remembered."""
    body = answer(FIRST, action="hangup", action_code="bye.wav")
    parsed = parse_body(body)

    def key(**inputs: Any) -> object:
        given: dict[str, Any] = {"status": None, "headers": None, "call_id": FIRST}
        given |= {"request_content": None, "previous_settings": None} | inputs
        return memo_key(
            body,
            parsed,
            Stage.FOLLOWUP,
            given["status"],
            given["headers"],
            given["call_id"],
            given["request_content"],
            given["previous_settings"],
            None,
        )

    assert key() is not None
    for value in (True, 1.0, b"x"):
        assert key(request_content={"is_playing": value}) is None
        assert key(headers={"x": value}) is None
        assert key(previous_settings={"mute_time": value}) is None
    assert key(status=200.0) is None
    assert key(call_id=None) is None
    twice = answer(FIRST, action="hangup", action_code=FIRST)  # the id twice: which is the echo?
    no_echo = parse_body(twice)
    assert memo_key(twice, no_echo, Stage.FOLLOWUP, None, None, FIRST, None, None, None) is None


def test_a_new_rule_set_forgets_what_was_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    body = answer(FIRST, action="hangup", action_code="bye.wav")
    assert validate_response(body, Stage.FOLLOWUP, call_id=FIRST).findings == ()
    always = RuleInfo("memo-test-always", Severity.WARNING, "always", "seed")

    def finds(context: object, rule: RuleInfo) -> tuple[Finding, ...]:
        return (rule.at("", "found"),)

    monkeypatch.setattr(DATA_RULES, "_rules", [*DATA_RULES._rules, (always, finds)])
    monkeypatch.setattr(DATA_RULES, "_fields", [*DATA_RULES._fields, None])
    result = validate_response(body, Stage.FOLLOWUP, call_id=FIRST)
    assert [f.rule for f in result.findings] == ["memo-test-always"]


def _corpus() -> Iterator[tuple[bytes, Stage, str]]:
    folder = resources.files("vcall.simulator") / "examples"
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".json"):
            stage = Stage.CALLIN if "callin" in entry.name else Stage.FOLLOWUP
            yield entry.read_bytes(), stage, FIRST
    actions = ("play", "hangup", "break", "continue", "answer", "transfer", "parallel_bridge")
    codes = ("a.wav", "a.wav，b.wav", "您的单号是YT2024051866", "", "x@y.wav")
    for action, code in itertools.product(actions, codes):
        for stage in Stage:
            yield answer(FIRST, action=action, action_code=code), stage, FIRST


@pytest.mark.parametrize("content", [None, {"is_playing": "true"}, {"is_playing": "false"}])
def test_remembered_verdicts_are_what_full_validation_finds(
    content: dict[str, object] | None,
) -> None:
    """Every body of a corpus (the shipped examples, actions x codes x stages): validated in
    full for one call, then for another call id after the memo saw it, the same findings."""
    for body, stage, call_id in _corpus():
        other = body.replace(call_id.encode(), SECOND.encode())
        CLEAN_ANSWERS.clear()
        fresh = validate_response(other, stage, call_id=SECOND, request_content=content)
        CLEAN_ANSWERS.clear()
        validate_response(body, stage, call_id=call_id, request_content=content)
        again = validate_response(other, stage, call_id=SECOND, request_content=content)
        assert findings(again.findings) == findings(fresh.findings), body
        assert again.data == fresh.data and again.envelope == fresh.envelope


VALIDATION = Path(inspect.getfile(DATA_RULES.__class__)).parent
_KEYED_ELSEWHERE = {"context.py", "validator.py", "memo.py"}


def test_rules_read_only_the_request_content_the_key_holds() -> None:
    for path in sorted(VALIDATION.glob("*.py")):
        if path.name in _KEYED_ELSEWHERE:
            continue
        text = path.read_text(encoding="utf-8")
        uses = text.count("request_content")
        named = re.findall(r"request_content\.get\(\s*\"(\w+)\"", text)
        assert uses == len(named), f"{path.name}: request_content read other than .get(NAME)"
        assert set(named) <= set(REQUEST_CONTENT_READ), path.name


def test_only_the_call_id_rules_read_the_call_id() -> None:
    """The key keeps the call id's shape only: a rule reading more of it breaks the memo."""
    readers = {
        info.id
        for rule_set in (BODY_RULES, ENVELOPE_RULES, DATA_RULES, FAIL_DATA_RULES)
        for info, check in rule_set._rules
        if "call_id" in _body_of(check)
    }
    # fail-data-ignored names the key only, to leave it out of the fields it lists
    assert readers == {"data-call-id-missing", "data-call-id-mismatch", "fail-data-ignored"}


def _body_of(check: object) -> str:
    """A rule function's code, without its decorator (whose description may name fields)."""
    source = inspect.getsource(check)  # type: ignore[arg-type]
    start = re.search(r"^def ", source, re.MULTILINE)
    assert start is not None
    return source[start.start() :]
