"""The tap's JSON lines files (exchange log, findings report) never hold a known secret."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from vcall.simulator import secrets
from vcall.simulator.tap.jsonl import JsonLines

TOKEN = "CAIS+v9/Zk3qTapLogSecurityToken/Value=0123456789abcdefXYZ"


@pytest.fixture
def token() -> Iterator[str]:
    secrets.register(TOKEN)
    yield TOKEN
    secrets.REGISTRY.forget_all()


def test_a_bot_answer_echoing_the_token_is_masked_in_every_encoding(
    tmp_path: Path, token: str
) -> None:
    twice = quote(quote(token, safe=""), safe="")
    b64 = base64.b64encode(token.encode()).decode()
    log = JsonLines(tmp_path / "tap.log", "--log")
    log.write({"answer": json.dumps({"msg": token, "b": twice, "c": b64, "d": token[3:30]})})
    log.close()

    text = (tmp_path / "tap.log").read_text(encoding="utf-8")
    for form in (token, twice, b64, token[3:30], token[10:22]):
        assert form not in text
    assert secrets.MASK in json.loads(text)["answer"]


HOSTILE = "x\x1b]0;pwned\x07\x1b[2J\u202e\x9b1m^1"


def test_control_characters_are_escaped_in_the_file_and_read_back_exact(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    lines = JsonLines(path, "--log")
    lines.write({"call_id": HOSTILE, "words": "您好\u2028再见"})
    lines.close()
    text = path.read_text(encoding="utf-8")
    raw = [c for c in text.rstrip("\n") if ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F]
    assert raw == [] and "\u202e" not in text and "\u2028" not in text
    assert json.loads(text) == {"call_id": HOSTILE, "words": "您好\u2028再见"}


def test_a_line_that_cannot_be_written_whole_is_not_written_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk: the record is refused whole (OSError), the file keeps whole lines only."""
    import os

    path = tmp_path / "log.jsonl"
    lines = JsonLines(path, "--log")
    lines.write({"n": 1})
    real_write = os.write

    def short_write(fd: int, data: bytes) -> int:
        return real_write(fd, data[:5])  # the disk fills after 5 bytes

    monkeypatch.setattr(os, "write", short_write)
    with pytest.raises(OSError):
        lines.write({"n": 2, "words": "x" * 100})
    monkeypatch.setattr(os, "write", real_write)
    lines.write({"n": 3})
    lines.close()
    assert [json.loads(line)["n"] for line in path.read_text().splitlines()] == [1, 3]
