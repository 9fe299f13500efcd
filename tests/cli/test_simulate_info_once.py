"""Content-Type advice is information, once a run (SPEC-NOTES §7: no seed names the answer's
Content-Type; "Content-Type advice is information, not a per-callback warning")."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vcall.cli.app import app
from vcall.cli.exit_codes import ExitCode

ORDER = Path(str(resources.files("vcall.fixtures"))) / "inbound_order_inquiry.yaml"
TEXT_PLAIN_BOT = """\
from vcall.simulator.example_bot import create_app

_bot = create_app()


async def app(scope, receive, send):
    async def plain(message):
        if message["type"] == "http.response.start":
            headers = [(k, v) for k, v in message["headers"] if k.lower() != b"content-type"]
            message = {**message, "headers": [*headers, (b"content-type", b"text/plain")]}
        await send(message)

    await _bot(scope, receive, plain)
"""


@pytest.fixture
def bot_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "bots"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    yield folder
    for module in folder.glob("*.py"):
        sys.modules.pop(module.stem, None)


def test_a_text_plain_bot_passes_strict_with_one_info_line(bot_module: Path) -> None:
    (bot_module / "text_plain_bot.py").write_text(TEXT_PLAIN_BOT, encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["simulate", "text_plain_bot:app", "-f", str(ORDER), "--strict"],
        env={"COLUMNS": "250"},
    )
    assert result.exit_code == ExitCode.OK, result.stdout
    lines = [line.strip() for line in result.stdout.splitlines()]
    infos = [line for line in lines if line.startswith("info content-type-not-json")]
    assert len(infos) == 1 and "text/plain" in infos[0], result.stdout
    assert not any(line.startswith("warning content-type") for line in lines)
