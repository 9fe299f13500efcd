"""The JSON report: its shape, its text, and how it is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_samples import (
    MISMATCH,
    SLOW,
    UNPLAYED,
    URL,
    one_sided_placement,
    order_call,
    sample_run,
)

import vcall
from vcall.simulator.replay.results import RunResult
from vcall.simulator.reports import run_to_dict, write_json_report
from vcall.simulator.reports.json_report import REPORT_VERSION, call_to_dict, turn_to_dict


def test_run_keys_and_counts() -> None:
    report = run_to_dict(sample_run())
    assert list(report) == [
        "report_version",
        "vcall",
        "passed",
        "failed",
        "errors",
        "expectation_misses",
        "interrupted",
        "wall_ms",
        "placement",
        "calls",
    ]
    assert report["report_version"] == REPORT_VERSION
    assert report["vcall"] == vcall.__version__
    assert (report["passed"], report["failed"], report["interrupted"]) == (1, 2, False)
    # the answers' errors and the fixtures' expectation misses are counted apart
    assert (report["errors"], report["expectation_misses"]) == (
        sum(call["errors"] for call in report["calls"]),
        sum(call["expectation_misses"] for call in report["calls"]),
    )
    assert report["expectation_misses"] >= 1
    assert report["wall_ms"] == 1234.0
    assert report["placement"] is None
    assert [call["name"] for call in report["calls"]] == [
        "快递查询：问候、提问",
        "无人应答",
        "转人工",
    ]


def test_strict_changes_what_passes() -> None:
    report = run_to_dict(sample_run(strict=True))
    assert (report["passed"], report["failed"]) == (0, 3)
    assert [call["passed"] for call in report["calls"]] == [False, False, False]
    assert [call["passed"] for call in run_to_dict(sample_run())["calls"]] == [False, True, False]


def test_call_shape() -> None:
    call = call_to_dict(order_call())
    assert list(call) == [
        "name",
        "file",
        "call_id",
        "passed",
        "errors",
        "expectation_misses",
        "end_reason",
        "duration_ms",
        "wall_ms",
        "call_findings",
        "notes",
        "turns",
        "app_output",
    ]
    assert call["file"] == "fixtures/inbound_order_inquiry.yaml"
    assert call["call_id"] == "116001838019^104122371019"
    assert (call["end_reason"], call["duration_ms"], call["wall_ms"]) == (
        "bot_hangup",
        17_000,
        48.25,
    )
    assert call["call_findings"] == []
    assert call["notes"] == [
        {"at_ms": 6300, "step": 0, "message": "action_code queued after welcome.wav"}
    ]
    assert [turn["number"] for turn in call["turns"]] == [1, 2, 3, 4]


def test_turn_shape() -> None:
    turn = turn_to_dict(order_call().turns[1])
    assert turn == {
        "number": 2,
        "step": 0,
        "callback": {
            "content_type": "normal",
            "at_ms": 6200,
            "timestamp": 1_700_000_006_200,
            "content": {"asr_result": "你好，我想查一下我的快递"},
        },
        "request": {"method": "POST", "url": URL, "placement": "form"},
        "response": {
            "status": 200,
            "body": '{"result": true, "msg": "成功", "data": {"action": "hangup", "action_code": "goodbye.wav"}}',
            "error": None,
            "latency_ms": 900.0,
        },
        "action": "hangup",
        "findings": [MISMATCH.to_dict(), SLOW.to_dict()],
    }
    assert turn["findings"][0] == {
        "rule": "expect-mismatch",
        "severity": "error",
        "path": "data.action",
        "message": MISMATCH.message,
        "seed": "fixture",
        "expected": "equal 'play'",
        "actual": "'hangup'",
    }


def test_an_unreachable_turn_has_no_body_and_names_the_error() -> None:
    down = run_to_dict(sample_run())["calls"][2]
    (turn,) = down["turns"]
    assert turn["response"] == {"status": None, "body": None, "error": "connect", "latency_ms": 1.0}
    assert turn["action"] is None
    assert turn["step"] is None
    assert down["call_findings"] == [UNPLAYED.to_dict()]
    assert down["end_reason"] == "endpoint_failed"


def test_placement_report() -> None:
    report = run_to_dict(sample_run(placement=one_sided_placement()))
    placement = report["placement"]
    assert (placement["form_ok"], placement["query_ok"]) == (True, False)
    (finding,) = placement["findings"]
    assert (finding["rule"], finding["severity"]) == ("placement-one-sided", "warning")


def test_the_report_is_json_serialisable_as_is() -> None:
    report = run_to_dict(sample_run(placement=one_sided_placement()))
    assert json.loads(json.dumps(report)) == report


def test_write_json_report_keeps_chinese_readable(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    write_json_report(sample_run(), path)
    text = path.read_text(encoding="utf-8")
    assert "快递查询：问候、提问" in text
    assert "你好，我想查一下我的快递" in text
    assert "\\u" not in text
    assert text.endswith("}\n")
    assert json.loads(text) == run_to_dict(sample_run())


def test_write_json_report_replaces_an_existing_file_and_leaves_no_temporaries(
    tmp_path: Path,
) -> None:
    path = tmp_path / "report.json"
    path.write_text('{"old": true}', encoding="utf-8")
    write_json_report(RunResult((), 0.0, interrupted=True), path)
    report = json.loads(path.read_text(encoding="utf-8"))
    assert (report["calls"], report["interrupted"]) == ([], True)
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_a_failed_write_keeps_the_previous_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "report.json"
    path.write_text('{"old": true}', encoding="utf-8")

    def refuse(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        write_json_report(sample_run(), path)
    assert path.read_text(encoding="utf-8") == '{"old": true}'
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]
