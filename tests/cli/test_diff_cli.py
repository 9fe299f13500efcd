"""``vcall diff``: exit codes, reports, saved maps as either side."""

from __future__ import annotations

import json
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from vcall.cli.app import app
from vcall.cli.exit_codes import ExitCode

DIFF_BOT = Path(__file__).parent.parent / "simulator" / "diff"
QUICK = ("--max-depth", "3")


def vcall(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [*map(str, args)], env={"COLUMNS": "250"})


@pytest.fixture
def versions(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[tuple[str, str, str]]:
    """The test bot's versions, importable as ``diff_versions:v1`` / ``:v2`` / ``:broken``,
    and a file of the caller's one line."""
    monkeypatch.syspath_prepend(str(DIFF_BOT))
    from dataclasses import replace

    from diff_bot import V1, V2, version_bot

    module = type(sys)("diff_versions")
    module.v1 = version_bot(V1)  # type: ignore[attr-defined]
    module.v2 = version_bot(V2)  # type: ignore[attr-defined]
    module.broken = version_bot(replace(V1, http_500_on="4"))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "diff_versions", module)
    lines = tmp_path / "lines.txt"
    lines.write_text("喂？\n", encoding="utf-8")
    yield "diff_versions:v1", "diff_versions:v2", str(lines)


def test_no_change_exits_0(versions: tuple[str, str, str]) -> None:
    v1, _, lines = versions
    result = vcall("diff", v1, v1, "--say-file", lines, *QUICK)
    assert result.exit_code == ExitCode.OK, result.output
    assert result.output.strip().endswith("no change")


def test_changes_exit_1_with_a_summary_and_reports(
    versions: tuple[str, str, str], tmp_path: Path
) -> None:
    v1, v2, lines = versions
    md, js, html = tmp_path / "d.md", tmp_path / "d.json", tmp_path / "d.html"
    result = vcall(
        "diff", v1, v2, "--say-file", lines, *QUICK,
        "--report-md", md, "--report-json", js, "--report-html", html,
    )  # fmt: skip
    assert result.exit_code == ExitCode.FAILED, result.output
    assert "3 changes: 1 prompt reworded, 1 key re-routed, 1 state added" in result.output
    assert "key 2" in result.output
    assert json.loads(js.read_text(encoding="utf-8"))["behavioural_changes"] == 3
    assert md.read_text(encoding="utf-8").startswith("### vcall diff")
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_fail_on_problems_fails_only_on_new_problems(versions: tuple[str, str, str]) -> None:
    v1, v2, lines = versions
    common = ("--say-file", lines, *QUICK, "--fail-on", "problems")
    assert vcall("diff", v1, v2, *common).exit_code == ExitCode.OK
    broken = vcall("diff", v1, "diff_versions:broken", *common)
    assert broken.exit_code == ExitCode.FAILED, broken.output
    assert "new problem" in broken.output
    assert vcall("diff", "diff_versions:broken", v1, *common).exit_code == ExitCode.OK


def test_a_saved_map_is_either_side(versions: tuple[str, str, str], tmp_path: Path) -> None:
    v1, v2, lines = versions
    released = tmp_path / "released.json"
    explored = vcall("explore", v1, "--say-file", lines, *QUICK, "--report-json", released)
    assert explored.exit_code == ExitCode.OK, explored.output
    assert vcall("diff", released, v1, "--say-file", lines, *QUICK).exit_code == ExitCode.OK
    changed = vcall("diff", released, v2, "--say-file", lines, *QUICK)
    assert changed.exit_code == ExitCode.FAILED
    assert "3 changes" in changed.output


def test_save_writes_one_fixture_per_changed_path(
    versions: tuple[str, str, str], tmp_path: Path
) -> None:
    v1, v2, lines = versions
    saved = tmp_path / "accepted"
    result = vcall("diff", v1, v2, "--say-file", lines, *QUICK, "--save", saved)
    assert result.exit_code == ExitCode.FAILED
    assert len(list(saved.glob("*.yaml"))) == 3
    replay = vcall("simulate", v2, "--fixture", saved)
    assert replay.exit_code == ExitCode.OK, replay.output


def test_an_unreachable_target_exits_3(versions: tuple[str, str, str]) -> None:
    v1, _, lines = versions
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = vcall("diff", v1, f"http://127.0.0.1:{port}/callback", "--say-file", lines, *QUICK)
    assert result.exit_code == ExitCode.UNREACHABLE, result.output
    assert f"nothing listens on 127.0.0.1:{port}" in result.output
    assert "Traceback" not in result.output


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    missing = vcall("diff", tmp_path / "nothing.json", "example-bot")
    assert missing.exit_code == ExitCode.USAGE
    assert "nothing.json: no such file" in missing.output
    not_a_map = tmp_path / "other.json"
    not_a_map.write_text('{"kind": "check"}', encoding="utf-8")
    result = vcall("diff", not_a_map, not_a_map)
    assert result.exit_code == ExitCode.USAGE
    assert "not a map from vcall explore" in result.output
    garbled = tmp_path / "garbled.json"
    garbled.write_text("{", encoding="utf-8")
    assert "not JSON" in vcall("diff", garbled, garbled).output
    save_map = vcall("diff", not_a_map, not_a_map, "--save", tmp_path / "out")
    assert save_map.exit_code == ExitCode.USAGE


def test_help_lists_the_options_and_exit_codes() -> None:
    result = CliRunner().invoke(app, ["diff", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for option in ("--ignore", "--fail-on", "--report-md", "--report-html", "--save"):
        assert option in result.stdout
    assert "3 a target unreachable" in result.stdout
    assert "<str>" not in result.stdout and "<path>" not in result.stdout


def test_the_markdown_goes_to_stdout_with_dash(versions: tuple[str, str, str]) -> None:
    v1, v2, lines = versions
    result = vcall("diff", v1, v2, "--say-file", lines, *QUICK, "--report-md", "-")
    assert result.exit_code == ExitCode.FAILED
    assert result.stdout.startswith("### vcall diff")  # only the comment: pipe it to gh
    assert "Compared" not in result.stdout and "Compared" in result.stderr
