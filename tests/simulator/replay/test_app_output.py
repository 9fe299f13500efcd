"""An in-process app's own output (prints, logging, tracebacks, exceptions) is kept per call, in
the call's result, and never written into vcall's output."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs

import pytest

from vcall.simulator.fixture.loader import parse_scenario
from vcall.simulator.replay.engine import SimulationConfig, run_scenarios
from vcall.simulator.replay.results import RunResult
from vcall.simulator.replay.targets import app_target
from vcall.simulator.reports.html import render_html
from vcall.simulator.reports.json_report import call_to_dict

FIXTURE = "name: {name}\nsteps:\n  - say: {words}\n"
log = logging.getLogger("test.flaskish")


def flaskish(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """A WSGI bot like a new user's Flask app: prints, logs, and turns a KeyError into a 500
    with the traceback logged (as Flask's ``Exception on /`` does)."""
    size = int(environ.get("CONTENT_LENGTH") or 0)
    form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(size).decode()).items()}
    print("got", form["content_type"], form["call_id"])
    if form["content_type"] == "normal" and "坏" in form["content"]:
        try:
            raise KeyError("words")
        except KeyError:
            log.exception("Exception on /callback [POST]")
        start_response("500 INTERNAL SERVER ERROR", [("Content-Type", "text/html")])
        return [b"<h1>Internal Server Error</h1>"]
    action = "answer" if form["content_type"] == "callin" else "play"
    data = {"action": action, "action_code": "a.wav", "call_id": form["call_id"]}
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps({"result": "success", "msg": "ok", "data": data}).encode()]


async def raising_asgi(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """An ASGI bot that writes to stderr and raises on every callback."""
    if scope["type"] != "http":
        return
    sys.stderr.write("about to fail\n")
    raise RuntimeError("database is down")


def run(app: Any, *words: str) -> RunResult:
    scenarios = [
        parse_scenario(FIXTURE.format(name=f"call {i}", words=w), f"c{i}.yaml")
        for i, w in enumerate(words)
    ]
    target = app_target("bot:app", app)
    return asyncio.run(run_scenarios(scenarios, target, SimulationConfig(seed=3, concurrency=2)))


@contextlib.contextmanager
def root_logging() -> Iterator[None]:
    """The app configured logging at import (basicConfig: a handler on the stderr of its time)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s:%(name)s:%(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.INFO)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def test_a_wsgi_apps_prints_logs_and_tracebacks_are_kept_per_call(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with root_logging():
        run_result = run(flaskish, "你好", "坏了")
    fine, broken = run_result.calls
    out, err = capsys.readouterr()
    assert "Traceback" not in err + out and "got " not in out, "nothing interleaved"
    assert "HTTP Request" not in err, "vcall's own httpx records are not the app's"
    assert [entry.split(":")[0] for entry in fine.app_output] == ["callin", "normal"]
    assert f"got callin {fine.call_id}" in fine.app_output[0]
    last = broken.app_output[-1]
    assert last.startswith("normal: got normal " + broken.call_id)
    assert "ERROR:test.flaskish:Exception on /callback [POST]" in last, last
    assert "Traceback (most recent call last)" in last and "KeyError: 'words'" in last
    assert fine.call_id not in "".join(broken.app_output), "each call gets its own"
    assert call_to_dict(broken)["app_output"] == list(broken.app_output)
    assert "KeyError: &#x27;words&#x27;" in render_html(run_result)
    print("after the run")
    assert capsys.readouterr().out == "after the run\n", "the streams are given back"


def test_an_exception_an_asgi_app_raises_is_kept_with_its_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    [call] = run(raising_asgi, "你好").calls
    assert "Traceback" not in capsys.readouterr().err
    [entry] = call.app_output
    assert entry.startswith("callin: about to fail")
    assert "RuntimeError: database is down" in entry and "Traceback" in entry
    assert call.failed()
