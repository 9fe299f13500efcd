"""The JUnit XML report, read back with ElementTree."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from report_samples import MISMATCH, SLOW, UNPLAYED, UNREACHABLE, down_call, order_call, sample_run

from vcall.simulator.replay.results import RunResult
from vcall.simulator.reports import run_to_junit, write_junit_report


def parsed(run: RunResult) -> ET.Element:
    """The report as a CI system reads it: serialised, then parsed."""
    return ET.fromstring(ET.tostring(run_to_junit(run), encoding="unicode"))


def cases_by_name(root: ET.Element) -> dict[str, ET.Element]:
    return {case.get("name", ""): case for case in root.iter("testcase")}


def failures(case: ET.Element) -> list[ET.Element]:
    return case.findall("failure")


def test_suite_counts_and_one_testcase_per_call() -> None:
    root = parsed(sample_run())
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures")) == ("3", "2")
    (suite,) = root.findall("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("time")) == (
        "3",
        "2",
        "0",
        "1.234",
    )
    assert [case.get("name") for case in suite.findall("testcase")] == [
        "快递查询：问候、提问",
        "无人应答",
        "转人工",
    ]


def test_testcase_attributes() -> None:
    case = cases_by_name(parsed(sample_run()))["快递查询：问候、提问"]
    assert case.get("classname") == "inbound_order_inquiry"
    assert case.get("file") == "fixtures/inbound_order_inquiry.yaml"
    assert case.get("time") == "0.048"
    assert cases_by_name(parsed(sample_run()))["转人工"].get("classname") == "vcall"


def test_properties_describe_the_call() -> None:
    case = cases_by_name(parsed(sample_run()))["快递查询：问候、提问"]
    (props,) = case.findall("properties")
    values = {prop.get("name"): prop.get("value") for prop in props.findall("property")}
    assert values == {
        "call_id": "116001838019^104122371019",
        "end_reason": "bot_hangup",
        "turns": "4",
        "simulated_ms": "17000",
        "latency_max_ms": "900.0",
        "latency_p50_ms": "850.0",
    }


def test_failures_only_for_failing_turns() -> None:
    cases = cases_by_name(parsed(sample_run()))
    (failure,) = failures(cases["快递查询：问候、提问"])  # turn 3 has only a warning
    assert failure.get("type") == "normal"
    assert failure.get("message") == f"turn 2 (normal): [expect-mismatch] {MISMATCH.message}"
    assert failures(cases["无人应答"]) == []


def test_a_failure_holds_the_request_params_the_raw_response_and_the_findings() -> None:
    (failure,) = failures(cases_by_name(parsed(sample_run()))["快递查询：问候、提问"])
    turn = order_call().turns[1]
    text = failure.text or ""
    lines = text.splitlines()
    assert lines[0] == "request: POST http://127.0.0.1:8000/callback (form)"
    for key, value in turn.exchange.params.items():
        assert f"  {key}={value}" in lines
    assert '  content={"asr_result":"你好，我想查一下我的快递"}' in lines
    assert "response: 200 in 900.0 ms" in lines
    assert f"  {turn.exchange.body.decode()}" in lines
    assert "findings:" in lines
    assert f"  error [expect-mismatch] at data.action: {MISMATCH.message} (fixture)" in lines
    assert f"  warning [latency-budget]: {SLOW.message} ({SLOW.seed})" in lines


def test_an_unreachable_call_shows_the_error_and_its_call_level_failure() -> None:
    case = cases_by_name(parsed(sample_run()))["转人工"]
    turn_failure, call_failure = failures(case)
    text = turn_failure.text or ""
    assert "response: connect in 1.0 ms" in text
    assert "  (no body)" in text.splitlines()
    assert UNREACHABLE.message in text
    assert call_failure.get("type") == "call"
    assert call_failure.get("message") == f"[steps-unplayed] {UNPLAYED.message}"
    assert UNPLAYED.message in (call_failure.text or "")
    values = {prop.get("name"): prop.get("value") for prop in case.iter("property")}
    assert values["end_reason"] == "endpoint_failed"


def test_strict_makes_warnings_count() -> None:
    root = parsed(sample_run(strict=True))
    assert (root.get("tests"), root.get("failures")) == ("3", "3")
    cases = cases_by_name(root)
    order_failures = failures(cases["快递查询：问候、提问"])
    assert [f.get("message", "").split(":")[0] for f in order_failures] == [
        "turn 2 (normal)",
        "turn 3 (mute)",
    ]
    assert "[latency-budget]" in order_failures[0].get("message", "")
    (quiet,) = failures(cases["无人应答"])
    assert quiet.get("message") == f"turn 1 (callin): [latency-budget] {SLOW.message}"


def test_the_failure_message_lists_at_most_three_findings() -> None:
    call = order_call()
    many = replace(call.turns[1], findings=(MISMATCH,) * 5)
    run = RunResult((replace(call, turns=(call.turns[0], many)),), 1.0)
    (failure,) = failures(next(iter(cases_by_name(parsed(run)).values())))
    message = failure.get("message", "")
    assert message.count("[expect-mismatch]") == 3
    assert message.endswith(" …")
    assert (failure.text or "").count("[expect-mismatch]") == 5


def test_a_run_without_calls_is_an_empty_suite() -> None:
    root = parsed(RunResult((), 0.0))
    assert (root.get("tests"), root.get("failures")) == ("0", "0")
    assert list(root.iter("testcase")) == []


def test_control_characters_in_a_response_still_give_well_formed_xml(tmp_path: Path) -> None:
    call = order_call()
    junk = replace(
        call.turns[1], exchange=replace(call.turns[1].exchange, body=b"\x00\x1b[31mboom\x07")
    )
    run = RunResult((replace(call, turns=(junk,)),), 1.0)
    path = tmp_path / "junit.xml"
    write_junit_report(run, path)
    (failure,) = ET.parse(path).getroot().iter("failure")
    assert "\\x00\\x1b[31mboom\\x07" in (failure.text or "")


def test_write_junit_report_writes_parseable_xml_with_a_declaration(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    write_junit_report(sample_run(), path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<?xml version='1.0' encoding='utf-8'?>")
    root = ET.parse(path).getroot()
    assert len(list(root.iter("testcase"))) == 3
    assert "快递查询" in text  # not escaped to character references


def test_write_junit_report_replaces_an_existing_file_atomically(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    path.write_text("old report", encoding="utf-8")
    write_junit_report(sample_run(), path)
    assert ET.parse(path).getroot().tag == "testsuites"
    assert [p.name for p in tmp_path.iterdir()] == ["junit.xml"]


def test_write_junit_report_into_a_missing_directory_fails_cleanly(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        write_junit_report(sample_run(), tmp_path / "missing" / "junit.xml")
    assert list(tmp_path.iterdir()) == []


def test_down_call_sample_is_unreachable() -> None:
    assert down_call().unreachable
