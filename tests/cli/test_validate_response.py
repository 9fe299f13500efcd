"""``vcall validate-response``: input from a file or stdin, text and JSON output, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vcall.cli.app import app

CALL_ID = "100001616500^100001871490"
EXAMPLES = Path(__file__).resolve().parents[2] / "simulator" / "examples"
PLAY = {
    "result": "success",
    "msg": "成功",
    "data": {"call_id": CALL_ID, "action": "play", "action_code": "menu.wav"},
}
WARN_ONLY = {**PLAY, "data": {**PLAY["data"], "mute_time": 30000}}  # type: ignore[dict-item]

runner = CliRunner()


def invoke(*args: str, stdin: bytes | str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["validate-response", *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def body(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def test_valid_file_exits_zero_with_valid_summary() -> None:
    code, out, _ = invoke(str(EXAMPLES / "callin_answer.json"), "--stage", "callin")
    assert code == 0 and out.strip() == "valid"


def test_bad_file_shows_a_table_and_the_counts() -> None:
    code, out, _ = invoke(str(EXAMPLES / "bad_followup_answer.json"), "--stage", "followup")
    assert code == 1
    assert "action-not-allowed-at-stage" in out and "data.mute_time" in out
    assert out.strip().splitlines()[-1] == "1 error, 4 warnings"


def test_json_output_has_the_stable_shape() -> None:
    code, out, _ = invoke(
        "-", "--stage", "followup", "--format", "json", "--call-id", "1^2", stdin=body(WARN_ONLY)
    )
    document = json.loads(out)
    assert code == 1 and document["valid"] is False and set(document) == {"valid", "findings"}
    mismatch, fallback = document["findings"]
    assert mismatch == {
        "rule": "data-call-id-mismatch",
        "severity": "error",
        "path": "data.call_id",
        "message": f'data.call_id "{CALL_ID}" is not the request\'s call_id "1^2"',
        "seed": "智能语音交互呼入回调HTTP接口, 后续呼入 (the follow-up page)",
        "expected": "1^2",
        "actual": CALL_ID,
    }
    assert fallback["rule"] == "range-fallback" and fallback["actual"] == "30000"


def test_json_output_omits_expected_and_actual_when_unset() -> None:
    unknown = {**PLAY, "data": {**PLAY["data"], "mute_tim": 1}}  # type: ignore[dict-item]
    _, out, _ = invoke("--stage", "followup", "--format", "json", stdin=body(unknown))
    (finding,) = json.loads(out)["findings"]
    assert set(finding) == {"rule", "severity", "path", "message", "seed"}


def test_reads_stdin_without_a_file_argument() -> None:
    code, out, _ = invoke("--stage", "followup", stdin=body(PLAY))
    assert code == 0 and out.strip() == "valid"


def test_warnings_pass_unless_strict() -> None:
    assert invoke("-", "--stage", "followup", stdin=body(WARN_ONLY))[0] == 0
    assert invoke("-", "--stage", "followup", "--strict", stdin=body(WARN_ONLY))[0] == 1
    assert invoke("-", "--stage", "followup", "--strict", stdin=body(PLAY))[0] == 0


def test_warnings_only_summary_says_valid() -> None:
    _, out, _ = invoke("-", "--stage", "followup", stdin=body(WARN_ONLY))
    assert out.strip().splitlines()[-1] == "valid (1 warning)"


@pytest.mark.parametrize(
    "payload", [b"", b"\xff\xfe\x00", b"<html>502 Bad Gateway</html>", b"[" * 200_000]
)
def test_a_body_that_is_not_a_response_is_findings_not_a_traceback(payload: bytes) -> None:
    code, out, err = invoke("-", "--stage", "callin", "--format", "json", stdin=payload)
    assert code == 1 and json.loads(out)["valid"] is False and "Traceback" not in out + err


def test_missing_file_is_a_one_line_usage_error(tmp_path: Path) -> None:
    code, out, err = invoke(str(tmp_path / "nope.json"), "--stage", "callin")
    assert code == 2 and out == ""
    assert err.strip() == f"error: {tmp_path / 'nope.json'}: no such file"


def test_directory_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = invoke(str(tmp_path), "--stage", "callin")
    assert code == 2 and "is a directory" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "args",
    [
        ["--stage", "middle"],
        [],
        ["--stage", "callin", "--format", "xml"],
        ["--stage", "callin", "--bogus"],
    ],
)
def test_bad_options_exit_two(args: list[str]) -> None:
    code, _, err = invoke("-", *args, stdin=body(PLAY))
    assert code == 2 and "Traceback" not in err


def test_stage_is_case_insensitive() -> None:
    assert invoke("-", "--stage", "FOLLOWUP", stdin=body(PLAY))[0] == 0


def test_values_are_shown_literally_not_as_markup() -> None:
    marked = {**PLAY, "data": {**PLAY["data"], "[bold]x[/bold]": 1}}  # type: ignore[dict-item]
    _, out, _ = invoke("-", "--stage", "followup", stdin=body(marked))
    assert "[bold]x[/bold]" in out


def test_help_shows_examples() -> None:
    code, out, _ = invoke("--help")
    assert code == 0 and "Examples" in out and "--stage" in out and "--strict" in out


@pytest.mark.parametrize("kind", ["normal", "dtmf", "mute", "timebreak"])
def test_a_callback_kind_as_stage_says_use_followup(kind: str) -> None:
    result = runner.invoke(
        app, ["validate-response", "-", "--stage", kind], input=body(PLAY), env={"COLUMNS": "200"}
    )
    code, err = result.exit_code, result.stderr
    assert code == 2
    assert f"'{kind}' is a callback kind, not a stage: use followup" in err
    assert "Value error" not in err


def test_an_unknown_stage_names_the_two() -> None:
    code, _, err = invoke("-", "--stage", "first", stdin=body(PLAY))
    assert code == 2 and "use callin or followup" in err
