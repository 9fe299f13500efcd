"""``vcall fixtures check``: one line per problem (``file:line: ...``), exit codes, ``--quiet``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vcall.cli.app import app

runner = CliRunner()
SHIPPED = Path(str(resources.files("vcall.fixtures")))
LONG_NAME = "a_fixture_file_with_a_rather_long_name_so_that_its_messages_pass_eighty_columns.yaml"
BAD = {
    "typo.yaml": (
        "name: 拼写错误\nsteps:\n  - say: 你好\n    expcet: {action: play}\n",
        "error {dir}/typo.yaml:4: unknown key 'steps[0].expcet' (did you mean 'expect'?)",
    ),
    "top.yaml": (
        "name: 顶层拼写\nstpes: []\n",
        "error {dir}/top.yaml:2: unknown key 'stpes' (did you mean 'steps'?)",
    ),
    "broken.yaml": (
        "name: [没有闭合\n",
        "error {dir}/broken.yaml:1: invalid YAML: while parsing a flow sequence opened here: "
        "expected ',' or ']', but got '<stream end>'",
    ),
    "after_hangup.yaml": (
        "name: 挂机之后\nsteps:\n  - say: 你好\n  - hangup\n  - say: 还在吗\n",
        "error {dir}/after_hangup.yaml:4: the caller hangs up at step 2; "
        "the 1 step(s) after it can never run",
    ),
    "end.yaml": (
        "name: 结束方式矛盾\nsteps:\n  - say: 转人工\n    expect: {action: transfer}\n"
        "end: bot_hangup\n",
        "error {dir}/end.yaml:3: step 1 expects action transfer, which ends the call by "
        "transfer, so 'end: bot_hangup' can never be met",
    ),
}


def check(*args: str) -> tuple[int, list[str]]:
    result = runner.invoke(app, ["fixtures", "check", *args])
    return result.exit_code, result.stdout.splitlines()


def write(directory: Path, files: dict[str, str]) -> None:
    directory.mkdir(exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")


def test_shipped_fixtures_are_valid() -> None:
    code, lines = check(str(SHIPPED))
    count = len(list(SHIPPED.glob("*.yaml")))
    assert code == 0
    assert sum(line.startswith("ok ") for line in lines) == count
    assert lines[-1] == f"{count} valid, 0 invalid fixture file(s)"


def test_each_problem_is_one_line_naming_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "calls", {name: text for name, (text, _) in BAD.items()})
    code, lines = check("calls")
    assert code == 1
    expected = sorted(line.format(dir="calls") for _, line in BAD.values())
    assert lines == [*expected, f"0 valid, {len(BAD)} invalid fixture file(s)"]


def test_long_lines_are_not_wrapped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {LONG_NAME: "name: 长\nsteps:\n  - say: 你好\n  - hangup\n  - wait: 1s\n"})
    code, lines = check(LONG_NAME)
    assert code == 1
    assert lines[0].startswith(f"error {LONG_NAME}:4: the caller hangs up")
    assert lines[0].endswith("can never run")


def test_warnings_alone_pass(tmp_path: Path) -> None:
    write(tmp_path, {"empty.yaml": "name: 空\nsteps: []\n"})
    code, lines = check(str(tmp_path / "empty.yaml"))
    assert code == 0
    assert lines[0].startswith("warning ") and lines[0].endswith(
        "the scenario has no steps: only the start of the call is played"
    )


def test_quiet_prints_only_problems(tmp_path: Path) -> None:
    write(
        tmp_path, {"ok.yaml": "name: 好\nsteps:\n  - say: 你好\n", "top.yaml": BAD["top.yaml"][0]}
    )
    code, lines = check("--quiet", str(tmp_path))
    assert code == 1
    assert len(lines) == 2 and lines[0].startswith("error ") and "stpes" in lines[0]
    assert lines[1] == "1 valid, 1 invalid fixture file(s)"


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["fixtures", "check", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "nowhere: no such fixture file, directory or glob match" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_every_mistake_in_a_file_is_listed_in_one_run(tmp_path: Path) -> None:
    path = tmp_path / "many.yaml"
    path.write_text(
        "name: 多处\nsteps:\n  - sya: 你好\n  - press: abc\n  - silence: forever\n",
        encoding="utf-8",
    )
    code, lines = check(str(path))
    assert code == 1
    assert [line.split(": ", 1)[0] for line in lines[:-1]] == [
        f"error {path}:3",
        f"error {path}:4",
        f"error {path}:5",
    ]


def test_schema_and_semantic_mistakes_of_one_file_are_reported_in_one_run(tmp_path: Path) -> None:
    text = (
        "name: 一次报全\nsteps:\n  - say: 你好\n  - wait: playbak\n  - hangup\n"
        "  - say: 还在吗\n  - presss: 1\n"
    )
    write(tmp_path, {"all.yaml": text})
    code, lines = check(str(tmp_path / "all.yaml"))
    assert code == 1
    assert lines[:3] == [
        f"error {tmp_path}/all.yaml:4: wait: 'playbak' is not a duration such as 12s, nor "
        "'playback' (did you mean 'playback'?)",
        f"error {tmp_path}/all.yaml:7: unknown key 'steps[4].presss' (did you mean 'press'?)",
        f"error {tmp_path}/all.yaml:5: the caller hangs up at step 3; the 1 step(s) after it "
        "can never run",
    ]


def test_a_steps_key_misspelt_is_not_also_a_scenario_without_steps(tmp_path: Path) -> None:
    write(tmp_path, {"top.yaml": "name: 顶层拼写\nstpes: []\n"})
    code, lines = check(str(tmp_path / "top.yaml"))
    assert code == 1 and len(lines) == 2, lines
