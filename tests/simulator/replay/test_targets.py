"""Resolving targets: URLs, in-process ASGI/WSGI apps given as module:attr, and their errors."""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest

from vcall.simulator.errors import TargetError, UsageError
from vcall.simulator.replay.app_output import CapturingTransport
from vcall.simulator.replay.delivery import Placement, deliver
from vcall.simulator.replay.results import Exchange
from vcall.simulator.replay.targets import (
    EXAMPLE_BOT,
    IN_PROCESS_URL,
    AsyncWSGITransport,
    Target,
    resolve_target,
    transport_for_app,
)

APPS = '''
import json
from urllib.parse import parse_qs


async def asgi_app(scope, receive, send):
    """Echoes method, query and body as JSON."""
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    echo = {"server": "asgi", "method": scope["method"], "query": scope["query_string"].decode(),
            "body": body.decode()}
    payload = json.dumps(echo, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": payload})


class AsgiBot:
    async def __call__(self, scope, receive, send):
        await asgi_app(scope, receive, send)


asgi_instance = AsgiBot()


def wsgi_app(environ, start_response):
    """Echoes method, query, content type and body as JSON."""
    size = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(size).decode()
    echo = {"server": "wsgi", "method": environ["REQUEST_METHOD"], "query": environ["QUERY_STRING"],
            "content_type": environ.get("CONTENT_TYPE", ""), "body": body}
    start_response("201 Created", [("Content-Type", "application/json"), ("X-Bot", "wsgi")])
    return [json.dumps(echo, ensure_ascii=False).encode()]


class Holder:
    app = wsgi_app


not_callable = {"app": 1}
'''

_names = itertools.count()
MakeModule = Callable[[str], str]


@pytest.fixture(autouse=True)
def isolated_sys_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """load_app may add the working directory to sys.path; undo it after each test."""
    monkeypatch.setattr(sys, "path", list(sys.path))


@pytest.fixture
def make_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MakeModule]:
    """Writes a uniquely named module into tmp_path (on sys.path); returns its name."""
    monkeypatch.syspath_prepend(str(tmp_path))
    made: list[str] = []

    def make(source: str) -> str:
        name = f"vcall_test_targets_{next(_names)}"
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
        made.append(name)
        return name

    yield make
    for name in made:
        sys.modules.pop(name, None)


@pytest.fixture
def apps(make_module: MakeModule) -> str:
    return make_module(APPS)


def post(target: Target, **request: object) -> httpx.Response:
    async def go() -> httpx.Response:
        async with httpx.AsyncClient(transport=target.transport) as client:
            response = await client.post(target.url, **request)  # type: ignore[arg-type]
            await response.aread()
            return response

    return asyncio.run(go())


# --- URLs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000/callback", "https://bot.example.com/vcall?token=abc"]
)
def test_an_http_url_is_a_network_target(url: str) -> None:
    target = resolve_target(url)
    assert target == Target(url, url)
    assert not target.in_process


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("http://", "the URL has no host"),
        ("https:///callback", "the URL has no host"),
        ("https://[::1", "invalid URL"),
    ],
)
def test_a_broken_url_is_a_target_error(spec: str, message: str) -> None:
    with pytest.raises(TargetError, match=rf"^target '{re.escape(spec)}'.*{message}"):
        resolve_target(spec)


# --- in-process apps ----------------------------------------------------------------------------


def test_an_asgi_function_is_served_in_process(apps: str) -> None:
    target = resolve_target(f"{apps}:asgi_app")
    assert target.label == f"{apps}:asgi_app"
    assert target.url == IN_PROCESS_URL
    assert target.in_process
    assert isinstance(target.transport, CapturingTransport)
    assert isinstance(target.transport.inner, httpx.ASGITransport)
    response = post(target, data={"content_type": "normal", "asr": "你好"})
    assert response.status_code == 200
    echo = response.json()
    assert (echo["server"], echo["method"]) == ("asgi", "POST")
    assert parse_qs(echo["body"]) == {"content_type": ["normal"], "asr": ["你好"]}


def test_an_asgi_instance_with_an_async_call_is_asgi(apps: str) -> None:
    target = resolve_target(f"{apps}:asgi_instance")
    assert isinstance(target.transport, CapturingTransport)
    assert isinstance(target.transport.inner, httpx.ASGITransport)
    assert post(target, params={"call_id": "1"}).json()["query"] == "call_id=1"


def test_a_wsgi_function_is_served_through_a_worker_thread(apps: str) -> None:
    target = resolve_target(f"{apps}:wsgi_app")
    assert isinstance(target.transport, CapturingTransport)
    assert isinstance(target.transport.inner, AsyncWSGITransport)
    assert target.url == IN_PROCESS_URL


def test_a_dotted_attribute_is_followed(apps: str) -> None:
    target = resolve_target(f"{apps}:Holder.app")
    assert isinstance(target.transport, CapturingTransport)
    assert isinstance(target.transport.inner, AsyncWSGITransport)


def test_the_example_bot_resolves_to_an_asgi_app() -> None:
    target = resolve_target(EXAMPLE_BOT)
    assert target.in_process
    assert isinstance(target.transport, CapturingTransport)
    assert isinstance(target.transport.inner, httpx.ASGITransport)


# --- AsyncWSGITransport -------------------------------------------------------------------------


def test_async_wsgi_transport_round_trip(apps: str) -> None:
    target = resolve_target(f"{apps}:wsgi_app")
    response = post(target, params={"call_id": "a^b"}, data={"content": '{"asr_result":"转人工"}'})
    assert response.status_code == 201
    assert response.headers["x-bot"] == "wsgi"
    echo = response.json()
    assert (echo["server"], echo["method"]) == ("wsgi", "POST")
    assert echo["query"] == "call_id=a%5Eb"
    assert echo["content_type"] == "application/x-www-form-urlencoded"
    assert json.loads(parse_qs(echo["body"])["content"][0]) == {"asr_result": "转人工"}


@pytest.mark.parametrize("placement", list(Placement))
def test_deliver_works_through_an_in_process_wsgi_app(apps: str, placement: Placement) -> None:
    target = resolve_target(f"{apps}:wsgi_app")
    params = {"call_id": "c1", "timestamp": "1", "content_type": "callin", "content": "{}"}

    async def go() -> Exchange:
        async with httpx.AsyncClient(transport=target.transport) as client:
            return await deliver(client, target.url, params, placement=placement)

    exchange = asyncio.run(go())
    assert exchange.error is None
    assert exchange.status == 201
    echo = json.loads(exchange.body)
    carrier = echo["body"] if placement is Placement.FORM else echo["query"]
    assert {key: values[0] for key, values in parse_qs(carrier).items()} == params


# --- errors -------------------------------------------------------------------------------------


def test_a_module_that_does_not_exist() -> None:
    with pytest.raises(
        TargetError,
        match=r"^target 'vcall_no_such_module:app': cannot import 'vcall_no_such_module'",
    ):
        resolve_target("vcall_no_such_module:app")


def test_a_missing_attribute(apps: str) -> None:
    with pytest.raises(
        TargetError, match=rf"^target '{apps}:missing': '{apps}' has no attribute 'missing'$"
    ):
        resolve_target(f"{apps}:missing")


def test_an_attribute_that_is_not_callable(apps: str) -> None:
    with pytest.raises(
        TargetError, match=rf"^target '{apps}:not_callable' is not an ASGI or WSGI application$"
    ):
        resolve_target(f"{apps}:not_callable")


def test_a_module_that_fails_while_importing(make_module: MakeModule) -> None:
    name = make_module("raise RuntimeError('no database configured')\n")
    with pytest.raises(
        TargetError, match=rf"importing '{name}' failed: RuntimeError: no database configured$"
    ):
        resolve_target(f"{name}:app")


def test_a_module_with_a_syntax_error(make_module: MakeModule) -> None:
    name = make_module("def app(:\n")
    with pytest.raises(TargetError, match=rf"importing '{name}' failed: SyntaxError"):
        resolve_target(f"{name}:app")


def test_a_module_whose_own_import_is_missing(make_module: MakeModule) -> None:
    name = make_module("import vcall_not_installed_framework\n")
    with pytest.raises(
        TargetError,
        match=rf"cannot import '{name}': No module named 'vcall_not_installed_framework'",
    ):
        resolve_target(f"{name}:app")


@pytest.mark.parametrize(
    "spec", ["app", "bot.py", "/srv/bot.py:app", ":app", "bot:", "ftp://bot/cb", "bot:app:x"]
)
def test_neither_a_url_nor_module_attr(spec: str) -> None:
    with pytest.raises(
        TargetError, match=r"expected an http\(s\):// URL or an app as module:attr$"
    ):
        resolve_target(spec)


@pytest.mark.parametrize("spec", ["localhost:8000/callback", "127.0.0.1:8000"])
def test_a_host_and_port_without_scheme_gets_a_hint(spec: str) -> None:
    with pytest.raises(TargetError, match=rf"\(did you mean http://{spec}\?\)$"):
        resolve_target(spec)


def test_target_errors_are_usage_errors_on_one_line(apps: str) -> None:
    with pytest.raises(UsageError) as caught:
        resolve_target(f"{apps}:missing")
    assert "\n" not in str(caught.value)


def test_transport_for_app_rejects_a_non_callable() -> None:
    with pytest.raises(TargetError, match="'my label' is not an ASGI or WSGI application"):
        transport_for_app(42, "my label")


def _one_argument(request: object) -> object:
    return request


def _three_sync(a: object, b: object, c: object) -> None:
    return None


def _wsgi(environ: object, start_response: object) -> list[bytes]:
    return []


@pytest.mark.parametrize(("app", "count"), [(_one_argument, 1), (_three_sync, 3)])
def test_a_plain_function_is_not_an_asgi_or_wsgi_application(app: object, count: int) -> None:
    with pytest.raises(
        TargetError,
        match=rf"^target 'bot:handler' is not an ASGI or WSGI application: it takes {count} ",
    ):
        transport_for_app(app, "bot:handler")


def test_a_two_argument_function_is_taken_as_wsgi() -> None:
    assert transport_for_app(_wsgi, "wsgi") is not None
