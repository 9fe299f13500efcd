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
