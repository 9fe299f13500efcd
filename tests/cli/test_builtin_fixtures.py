"""The shipped fixtures outside a checkout: ``builtin:``, ``vcall fixtures list/copy``,
``--spec-only`` for running them against another bot, and ``vcall --help``'s "Start here"."""

from __future__ import annotations

import re
import shlex
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from vcall.cli.app import app
from vcall.cli.exit_codes import ExitCode

SHIPPED = sorted(
    p.stem for p in Path(str(resources.files("vcall.fixtures"))).iterdir() if p.suffix == ".yaml"
)
HANGS_UP_BOT = '''
import json
from urllib.parse import parse_qs


async def app(scope, receive, send):
    """A valid bot of its own: greets, then hangs up whatever the caller does."""
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    form = parse_qs(body.decode())
    call_id, kind = form["call_id"][0], form["content_type"][0]
    data = {"call_id": call_id, "action": "hangup", "action_code": ""}
    if kind == "callin":
        data = {"call_id": call_id, "action": "answer", "action_code": "您好，这里是测试机器人"}
    if BROKEN and kind != "callin":
        data["tts_speed"] = 900
    envelope = {"result": "success", "msg": "成功", "data": data}
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": json.dumps(envelope).encode()})
'''


def vcall(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(arg) for arg in args])  # type: ignore[return-value]


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A working directory far from the checkout, with two bots importable as modules."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "own_bot.py").write_text(HANGS_UP_BOT.replace("BROKEN", "False"), "utf-8")
    (tmp_path / "broken_bot.py").write_text(HANGS_UP_BOT.replace("BROKEN", "True"), "utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in ("own_bot", "broken_bot"):
        sys.modules.pop(name, None)


def test_fixtures_list_names_every_shipped_fixture(elsewhere: Path) -> None:
    result = vcall("fixtures", "list")
    assert result.exit_code == 0, result.output
    listed = [line.split()[0] for line in result.stdout.splitlines() if line.startswith("builtin:")]
    assert listed == [f"builtin:{stem}" for stem in SHIPPED]
    assert "按键菜单：井号结束收号" in result.stdout and "--spec-only" in result.stdout


def calls_in(path: Path) -> int:
    """How many calls the fixtures at ``path`` make against the example bot (all pass)."""
    result = vcall("simulate", "--example-bot", "-f", path, "-q")
    found = re.search(r"(\d+) passed, 0 failed", result.stdout)
    assert found is not None, result.output
    return int(found.group(1))


def all_calls() -> int:
    return calls_in(Path(str(resources.files("vcall.fixtures"))))


@pytest.mark.parametrize(
    ("reference", "count"),
    [
        ("builtin:", None),  # as many calls as the installed fixtures directory makes
        ("builtin:dtmf_menu_hash_terminated", 1),
        ("builtin:dtmf_menu_hash_terminated.yaml", 1),
        ("builtin:dtmf_*", 2),
    ],
)
def test_builtin_references_run_outside_the_checkout(
    elsewhere: Path, reference: str, count: int | None
) -> None:
    count = all_calls() if count is None else count
    result = vcall("simulate", "--example-bot", "-f", reference, "-q")
    assert result.exit_code == ExitCode.OK, result.output
    assert f"{count} passed, 0 failed" in result.stdout


def test_an_unknown_builtin_name_suggests_the_close_ones(elsewhere: Path) -> None:
    result = vcall("simulate", "--example-bot", "-f", "builtin:dtmf_menu")
    assert result.exit_code == ExitCode.USAGE
    (line,) = result.stderr.splitlines()
    assert "did you mean builtin:dtmf_menu_hash_terminated or builtin:dtmf_menu_no_input" in line


def test_fixtures_copy_then_run_the_copies(elsewhere: Path) -> None:
    result = vcall("fixtures", "copy", "calls")
    assert result.exit_code == 0, result.output
    assert sorted(p.stem for p in (elsewhere / "calls").iterdir()) == SHIPPED
    assert vcall("simulate", "--example-bot", "-f", "calls/", "-q").exit_code == ExitCode.OK
    again = vcall("fixtures", "copy", "calls")
    assert (
        again.exit_code == ExitCode.USAGE and "nothing copied (--force overwrites)" in again.stderr
    )
    assert vcall("fixtures", "copy", "calls", "--force").exit_code == 0


def test_spec_only_ignores_expectations_and_keeps_spec_rules(elsewhere: Path) -> None:
    expected = vcall("simulate", "own_bot:app", "-f", "builtin:", "-q")
    assert expected.exit_code == ExitCode.FAILED  # the example bot's expectations, not this bot's
    assert re.search(r"\b0 passed, \d+ failed", expected.stdout)
    own = vcall("simulate", "own_bot:app", "-f", "builtin:", "--spec-only")
    assert own.exit_code == ExitCode.OK, own.output
    assert own.stdout.startswith("spec only: every answer is checked against the spec")
    assert "expect-" not in own.stdout and "scenario-steps-unplayed" not in own.stdout
    broken = vcall("simulate", "broken_bot:app", "-f", "builtin:", "--spec-only")
    assert broken.exit_code == ExitCode.FAILED
    assert "error value-out-of-range data.tts_speed" in broken.stdout
    assert "expect-" not in broken.stdout


def test_spec_only_takes_a_fixture_s_own_flow_as_notes_not_errors(elsewhere: Path) -> None:
    """A valid bot that never plays the menu the reactive fixture waits for: its ``until:`` and
    ``capture`` are the fixture's expectations of the example bot, not spec errors."""
    asking = HANGS_UP_BOT.replace("BROKEN", "False").replace(
        '"action": "hangup", "action_code": ""', '"action": "play", "action_code": "请再说一遍"'
    )
    (elsewhere / "asking_bot.py").write_text(asking, "utf-8")
    try:
        run = vcall(
            "simulate", "asking_bot:app", "-f", "builtin:reactive_menu_retry", "--spec-only"
        )
    finally:
        sys.modules.pop("asking_bot", None)
    assert run.exit_code == ExitCode.OK, run.output
    assert "warning react-until-unmet" in run.stdout


def test_the_help_s_start_here_commands_work_outside_the_checkout(elsewhere: Path) -> None:
    help_text = " ".join(vcall("--help").stdout.split())
    start = re.search(r"Start here: (.*?) · (.*?) \(.*?\) · (.*?) \(the console", help_text)
    assert start is not None, help_text
    check, replay, console = (shlex.split(start.group(n).split(" (")[0]) for n in (1, 2, 3))
    assert check[:2] == ["vcall", "check"]
    checked = vcall(*check[1:])
    assert checked.exit_code == ExitCode.OK, checked.output
    assert replay[0] == "vcall"
    result = vcall(*replay[1:], "-q")
    assert result.exit_code == ExitCode.OK, result.output
    assert f"{all_calls()} passed, 0 failed" in result.stdout
    assert CliRunner().invoke(app, console[1:], input="/quit\n").exit_code == 0


def test_spec_only_and_update_expectations_do_not_go_together(elsewhere: Path) -> None:
    result = vcall(
        "simulate", "--example-bot", "-f", "builtin:", "--spec-only", "--update-expectations"
    )
    assert result.exit_code == ExitCode.USAGE
    assert "--spec-only ignores the expectations" in result.stderr
