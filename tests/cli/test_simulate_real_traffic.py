"""What ``vcall simulate`` sends to an independent endpoint has the shape of a request captured
from the live platform (issue 10; SPEC-NOTES §2: a form-encoded POST published in an open-source
receiver's test suite, 2022). The endpoint here is the standard library's HTTP server on
127.0.0.1, recording the raw requests: nothing of vcall's on the receiving side."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs

import pytest
from typer.testing import CliRunner

from vcall.cli.app import app

CAPTURED_NORMAL = {
    "role": "B",
    "words": "好，这个这个有问题，真的。",
    "end_offset": "21230",
    "begin_time": "1659885710",
    "begin_offset": "18450",
    "asr_begin_time": "1659885727730",
    "record_begin_time": "1659885709366",
    "asr_end_time": "1659885730510",
    "identity": "id2",
    "is_playing": "false",
    "play_begin_time": "1659885709377",
    "play_end_time": "1659885709377",
}
CAPTURED_CALLIN = {"caller": "15201030105", "callee": "05923391657", "partnerId": "100000160776001"}
CAPTURED_PARAMS = {
    "call_id": "130301340124^117079730123",
    "timestamp": "1659885732000",
    "content_type": "normal",
}
FIXTURE = """\
name: 真实流量的形状
call: {caller: "15201030105", callee: "05923391657"}
media: {welcome.wav: 2s}
steps:
  - wait: playback
  - say: 好，这个这个有问题，真的。
    duration: 2780ms
"""


class Recorder(BaseHTTPRequestHandler):
    requests: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode("utf-8")
        params = {key: values[0] for key, values in parse_qs(body).items()}
        self.requests.append({"content_type": self.headers.get("Content-Type"), "params": params})
        data: dict[str, Any] = {"call_id": params["call_id"], "action_code": ""}
        if params["content_type"] == "callin":  # answer, recording on, as the capture's bot did
            data.update(action="answer", action_code="welcome.wav", record_flag=True)
        else:
            data.update(action="hangup")
        payload = json.dumps({"result": "success", "msg": "成功", "data": data}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        return None


@pytest.fixture
def endpoint() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    Recorder.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/callback", Recorder.requests
    finally:
        server.shutdown()
        server.server_close()


def simulate(url: str, tmp_path: Path, *options: str) -> None:
    fixture = tmp_path / "shape.yaml"
    fixture.write_text(FIXTURE, encoding="utf-8")
    result = CliRunner().invoke(app, ["simulate", url, "-f", str(fixture), "-q", *options])
    assert result.exit_code == 0, result.output


def magnitude(value: str) -> str:
    """``13 digits`` / ``10 digits`` / ``digits`` / ``text``: what a value looks like."""
    if re.fullmatch(r"\d{13}", value):
        return "unix-ms"
    if re.fullmatch(r"\d{10}", value):
        return "unix-s"
    if re.fullmatch(r"\d{1,9}", value):
        return "offset"
    return "text"


def test_callbacks_have_the_shape_of_the_live_capture(
    endpoint: tuple[str, list[dict[str, Any]]], tmp_path: Path
) -> None:
    url, requests = endpoint
    simulate(url, tmp_path)
    assert [r["params"]["content_type"] for r in requests] == ["callin", "normal"]
    for request in requests:
        assert request["content_type"] == "application/x-www-form-urlencoded"
        params = request["params"]
        assert set(params) == {"call_id", "timestamp", "content_type", "content"}
        assert re.fullmatch(r"\d+\^\d+", params["call_id"])
        assert magnitude(params["timestamp"]) == magnitude(CAPTURED_PARAMS["timestamp"])
    callin = json.loads(requests[0]["params"]["content"])
    normal = json.loads(requests[1]["params"]["content"])
    assert set(callin) == set(CAPTURED_CALLIN)  # partnerId, no orgcallee (not forwarded)
    assert re.fullmatch(r"\d{15}", callin["partnerId"])
    assert set(normal) == set(CAPTURED_NORMAL)  # the same keys ...
    assert all(type(value) is str for value in normal.values())  # ... all strings ...
    shape = {key: magnitude(value) for key, value in normal.items()}
    assert shape == {key: magnitude(value) for key, value in CAPTURED_NORMAL.items()}  # ... sizes
    record = int(normal["record_begin_time"])
    assert int(normal["asr_begin_time"]) - record == int(normal["begin_offset"])
    assert abs(int(normal["begin_time"]) * 1000 - record) < 1000


@pytest.mark.parametrize(("option", "kind"), [("ms", "unix-ms"), ("datetime", "text")])
def test_begin_time_option_changes_only_begin_time(
    endpoint: tuple[str, list[dict[str, Any]]], tmp_path: Path, option: str, kind: str
) -> None:
    url, requests = endpoint
    simulate(url, tmp_path, "--begin-time", option)
    normal = json.loads(requests[1]["params"]["content"])
    assert magnitude(normal["begin_time"]) == kind
    if option == "datetime":
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", normal["begin_time"])
