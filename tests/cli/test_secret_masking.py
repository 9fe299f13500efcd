"""Every byte vcall writes to the terminal goes through the masking stream (installed at start-up),
whatever the command, with the environment's secrets known."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from typer.testing import CliRunner

from vcall.cli.app import app
from vcall.simulator import spec
from vcall.simulator.atomic import write_atomic
from vcall.simulator.secrets import register

TOKEN = "STS.Q9kXv2Lm7Rt4Wz8Pb3Nc6Hd1Jf5Gs0Ya"
runner = CliRunner()


def test_an_environment_token_never_reaches_the_terminal(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(spec.ENV_SECURITY_TOKEN, TOKEN)
    missing = tmp_path / f"answer-{quote(TOKEN, safe='')}.json"
    result = runner.invoke(app, ["validate-response", str(missing), "--stage", "callin"])
    assert result.exit_code == 2
    assert "answer-****" in result.stderr
    assert TOKEN[4:12] not in result.stderr


def test_every_file_vcall_writes_is_masked(tmp_path: Path) -> None:
    register(TOKEN)
    path = tmp_path / "report.json"
    write_atomic(path, f'{{"echo": "{TOKEN[:20]}", "call": "13800138000"}}')
    assert path.read_text("utf-8") == '{"echo": "****", "call": "13800138000"}'
