"""A bot's text reaches the operator's terminal and the reports: a lone surrogate escape
(``"\\ud800"``, valid JSON) is a finding, never a crash; control characters never reach a
terminal or a text report raw (issue 28)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from vcall.cli.app import app
from vcall.cli.exit_codes import ExitCode

POISONING_BOT = """\
import json

from vcall.simulator.example_bot import respond

DYNAMIC_PREFIX = {dynamic!r}
TEXT_PREFIX = {text!r}


async def app(scope, receive, send):
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    headers = dict(scope["headers"])
    content_type = headers.get(b"content-type", b"").decode()
    status, envelope = respond(scope["query_string"], body, content_type)
    data = envelope.get("data", {{}})
    if "dynamic_id" in data:
        data["dynamic_id"] = DYNAMIC_PREFIX + data["dynamic_id"]
    if isinstance(data.get("action_code_param"), str):
        param = json.loads(data["action_code_param"])
        param = {{key: TEXT_PREFIX + value for key, value in param.items()}}
        data["action_code_param"] = json.dumps(param, ensure_ascii=False)
    text = json.dumps(envelope, ensure_ascii=True)  # a lone surrogate travels as "\\\\ud800"
    await send({{"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json")]}})
    await send({{"type": "http.response.body", "body": text.encode()}})
"""

ORDER = "builtin:inbound_order_inquiry.yaml"
ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x1b[H\x9b31m"
"""Retitle the terminal (OSC 0), clear it, home the cursor, an 8-bit CSI."""


@pytest.fixture
def bot_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "bots"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    yield folder
    for module in folder.glob("*.py"):
        sys.modules.pop(module.stem, None)


def poisoning_bot(folder: Path, name: str, *, dynamic: str = "", text: str = "") -> str:
    (folder / f"{name}.py").write_text(
        POISONING_BOT.format(dynamic=dynamic, text=text), encoding="utf-8"
    )
    return f"{name}:app"


def vcall(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [*map(str, args)], env={"COLUMNS": "250"})


def raw_controls(text: str) -> list[str]:
    """The C0/C1 control characters in ``text`` other than newline (rich styles are off)."""
    return [ch for ch in text if (ord(ch) < 0x20 and ch != "\n") or 0x7F <= ord(ch) <= 0x9F]


@pytest.mark.parametrize("command", ["simulate", "check", "explore"])
def test_a_lone_surrogate_in_dynamic_id_is_a_finding_not_a_crash(
    command: str, bot_module: Path, tmp_path: Path
) -> None:
    target = poisoning_bot(bot_module, f"surrogate_bot_{command}", dynamic="\ud800")
    report = tmp_path / "report.json"
    more = {
        "simulate": ["-f", ORDER, "--report-json", report],
        "check": ["--report-json", report],
        "explore": ["--max-calls", "4", "--report-json", report],
    }[command]
    result = vcall(command, target, *more)
    assert result.exit_code == ExitCode.FAILED, result.output
    assert not isinstance(result.exception, UnicodeError), result.exception
    assert "json-lone-surrogate" in result.stdout
    document = json.loads(report.read_text(encoding="utf-8"))
    assert "json-lone-surrogate" in json.dumps(document)


@pytest.mark.parametrize(
    "command",
    [
        ["simulate", "-f", ORDER, "-v"],
        ["check"],
        ["explore", "--max-calls", "6", "--graph", "{tmp}/map.mmd"],
        ["explore", "--max-calls", "6", "--graph", "{tmp}/map.dot"],
        ["explore", "--max-calls", "6", "--report-html", "{tmp}/map.html"],
    ],
    ids=["simulate", "check", "explore-mmd", "explore-dot", "explore-html"],
)
def test_control_characters_in_bot_text_never_reach_the_terminal_or_a_text_file(
    command: list[str], bot_module: Path, tmp_path: Path
) -> None:
    target = poisoning_bot(
        bot_module, f"escaping_bot_{abs(hash(tuple(command)))}", dynamic=ESCAPES, text=ESCAPES
    )
    args = [part.replace("{tmp}", str(tmp_path)) for part in command]
    result = vcall(args[0], target, *args[1:])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert raw_controls(result.stdout) == [] and raw_controls(result.stderr) == []
    if args[0] == "simulate":
        assert "\\x1b" in result.stdout  # shown, as a visible escape
    for written in tmp_path.glob("map.*"):
        text = written.read_text(encoding="utf-8")
        assert raw_controls(text) == [] and "x1b" in text


def test_control_characters_never_reach_a_report_raw(bot_module: Path, tmp_path: Path) -> None:
    target = poisoning_bot(bot_module, "escaping_bot_reports", dynamic=ESCAPES, text=ESCAPES)
    junit, report = tmp_path / "report.xml", tmp_path / "report.json"
    page = tmp_path / "report.html"
    vcall(
        "simulate", target, "-f", ORDER, "--report", junit, "--report-json", report,
        "--report-html", page,
    )  # fmt: skip
    assert raw_controls(junit.read_text(encoding="utf-8")) == []
    assert raw_controls(page.read_text(encoding="utf-8")) == []
    text = report.read_text(encoding="utf-8")
    assert raw_controls(text) == []
    assert any(ESCAPES in value for value in strings(json.loads(text)))  # the same data, read


def strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
