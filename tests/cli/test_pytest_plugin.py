"""The pytest plugin, in throwaway projects run by ``pytester``: inert unless used, the
``vcall_call`` fixture, and the collection mode (``--vcall-fixtures`` / ``--vcall-target``)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from importlib import metadata, resources
from pathlib import Path

import pytest

from vcall.cli import pytest_plugin
from vcall.simulator.fixture import loader as fixture_loader

pytest_plugins = ["pytester"]

BOTS = '''
"""The example bot (good), a broken one, and one whose answers only draw warnings."""
import json

from vcall.simulator.example_bot import app as good, respond


def _wsgi(change):
    def app(environ, start_response):
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        status, envelope = respond(b"", body, environ.get("CONTENT_TYPE", ""))
        change(body, envelope["data"])
        start_response(f"{status} X", [("Content-Type", "application/json; charset=utf-8")])
        return [json.dumps(envelope, ensure_ascii=False).encode()]
    return app


def _break_dtmf(body, data):
    if b"content_type=dtmf" in body:
        data.pop("call_id", None)
        data["tts_speed"] = 900


broken = _wsgi(_break_dtmf)
warn = _wsgi(lambda body, data: data.update(mute_tiem=5000))
'''
PASSING = "silence_reprompt_hangup.yaml"
FAILING = "dtmf_menu_hash_terminated.yaml"
TYPO = """\
name: 拼写错误
steps:
  - say: 你好
    expcet: {action: play}
"""


def shipped(name: str) -> str:
    return resources.files("vcall.fixtures").joinpath(name).read_text(encoding="utf-8")


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A project with the bots module and two fixture files in ``calls/``."""
    pytester.makepyfile(bots=BOTS)
    calls = pytester.mkdir("calls")
    (calls / PASSING).write_text(shipped(PASSING), encoding="utf-8")
    (calls / FAILING).write_text(shipped(FAILING), encoding="utf-8")
    return pytester


# --- inert unless used --------------------------------------------------------------------------


def test_plugin_is_installed_as_a_pytest11_entry_point() -> None:
    points = metadata.entry_points(group="pytest11")
    assert {point.name: point.value for point in points}["vcall"] == "vcall.cli.pytest_plugin"


def test_importing_the_plugin_loads_no_engine_and_prints_nothing() -> None:
    code = (
        "import sys, json, vcall.cli.pytest_plugin\n"
        "heavy = ('vcall.simulator.replay.engine', 'vcall.simulator.fixture.loader', 'httpx', 'yaml')\n"
        "sys.stderr.write(json.dumps([name for name in heavy if name in sys.modules]))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == ""
    assert json.loads(done.stderr) == []


def test_a_project_that_does_not_use_it_is_unaffected(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plain="def test_one():\n    assert 1 + 1 == 2\n")
    (pytester.path / "data.yaml").write_text("name: 不是测试\nsteps: []\n", encoding="utf-8")
    with_plugin = pytester.runpytest("-v")
    without = pytester.runpytest("-v", "-p", "no:vcall")
    plugins = [
        line for line in with_plugin.outlines + without.outlines if line.startswith("plugins:")
    ]
    assert ["vcall-" in line for line in plugins] == [True, False]
    with_plugin.assert_outcomes(passed=1)
    assert body(with_plugin.outlines) == body(without.outlines)
    assert "--vcall-fixtures" in pytester.runpytest("--help").stdout.str()


def body(lines: list[str]) -> list[str]:
    """A run's output without the header's plugin list and the timing."""
    return [line.split(" in ")[0] for line in lines if not line.startswith("plugins:")]


def test_suffixes_match_the_loader() -> None:
    assert pytest_plugin.FIXTURE_SUFFIXES == fixture_loader.FIXTURE_SUFFIXES


# --- the vcall_call fixture ---------------------------------------------------------------------


def test_fixture_drives_calls_from_a_file_and_from_code(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_calls=f"""
        import bots

        def test_from_file(vcall_call):
            result = vcall_call(bots.good, "calls/{PASSING}")
            assert result.passed
            assert result.turns[0].response["data"]["action"] == "answer"
            assert result.findings == ()
            assert result.end_reason.value == "bot_hangup"

        def test_by_module_attr(vcall_call):
            assert vcall_call("vcall.simulator.example_bot:app", "calls/{PASSING}").passed

        def test_in_code(vcall_call):
            scenario = {{"name": "打个招呼", "steps": [{{"say": "你好"}}, "hangup"]}}
            result = vcall_call(bots.good, scenario)
            assert result.passed and [t.callback.kind.value for t in result.turns] == ["callin", "normal"]
        """
    )
    project.runpytest().assert_outcomes(passed=3)


def test_failed_call_shows_the_failing_turns_transcript(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_menu=f"""
        import bots

        def test_menu(vcall_call):
            result = vcall_call(bots.broken, "calls/{FAILING}")
            assert result.passed
        """
    )
    result = project.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E       AssertionError: assert FAILED, turn 3 (dtmf at 00:09.1): "
            "[[]data-call-id-missing[]] data.call_id is missing*",
            "*- vcall call 按键菜单：井号结束收号 -*",
            "vcall call '按键菜单：井号结束收号' FAILED (calls/dtmf_menu_hash_terminated.yaml)",
            '  turn 3 at 9080 ms: dtmf {"dtmf_digits": "0", "dynamic_id": "dtmf-main"}',
            '    answer (200, * ms): {"result": "success"*"tts_speed": 900}}',
            "    error [[]data-call-id-missing[]] data.call_id: data.call_id is missing*",
            "    error [[]value-out-of-range[]] data.tts_speed: tts_speed 900 is outside*",
            "  turn 4 at 12480 ms: dtmf*",
        ]
    )


def test_fixture_path_is_found_next_to_the_test_module(project: pytest.Pytester) -> None:
    project.syspathinsert()
    tests = project.mkdir("tests")
    (tests / "menu.yaml").write_text(shipped(PASSING), encoding="utf-8")
    (tests / "test_beside.py").write_text(
        "import bots\n\ndef test_it(vcall_call):\n    assert vcall_call(bots.good, 'menu.yaml').passed\n",
        encoding="utf-8",
    )
    project.runpytest("tests").assert_outcomes(passed=1)


def test_strict_makes_warnings_fail(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_strict=f"""
        import bots

        def test_warnings_pass_unless_strict(vcall_call):
            assert vcall_call(bots.warn, "calls/{PASSING}").passed
            strict = vcall_call(bots.warn, "calls/{PASSING}", strict=True)
            assert not strict.passed
            assert {{f.rule for f in strict.findings}} == {{"unknown-key"}}
        """
    )
    project.runpytest().assert_outcomes(passed=1)


def test_fixture_works_inside_a_running_event_loop(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_async=f"""
        import asyncio
        import bots

        def test_it(vcall_call):
            async def main():
                return vcall_call(bots.good, "calls/{PASSING}")
            assert asyncio.run(main()).passed
        """
    )
    project.runpytest().assert_outcomes(passed=1)


# --- collection mode ----------------------------------------------------------------------------


def test_every_fixture_file_becomes_one_test_named_after_it(project: pytest.Pytester) -> None:
    result = project.runpytest(
        "--collect-only", "-q", "--vcall-fixtures", "calls", "--vcall-target", "bots:good"
    )
    assert result.outlines[:2] == [
        f"calls/{FAILING}::dtmf_menu_hash_terminated",
        f"calls/{PASSING}::silence_reprompt_hangup",
    ]


def test_collected_fixtures_pass_and_fail_with_the_transcript(project: pytest.Pytester) -> None:
    (project.path / "calls" / "typo.yaml").write_text(TYPO, encoding="utf-8")
    result = project.runpytest(
        "--vcall-fixtures", "calls", "--vcall-target", "bots:broken", "--junitxml", "out.xml"
    )
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*_ vcall: dtmf_menu_hash_terminated _*",
            "vcall call '按键菜单：井号结束收号' FAILED (calls/dtmf_menu_hash_terminated.yaml)",
            "  turn 3 at 9080 ms: dtmf*",
            "*_ vcall: typo _*",
            "calls/typo.yaml:4: unknown key 'steps[[]0[]].expcet' (did you mean 'expect'?)",
        ]
    )
    assert "Traceback" not in result.stdout.str()


def test_collected_fixtures_in_junit(project: pytest.Pytester) -> None:
    project.runpytest(
        "--vcall-fixtures", "calls", "--vcall-target", "bots:broken", "--junitxml", "out.xml"
    )
    cases = {case.get("name"): case for case in ET.parse(project.path / "out.xml").iter("testcase")}
    assert set(cases) == {"dtmf_menu_hash_terminated", "silence_reprompt_hangup"}
    failed = cases["dtmf_menu_hash_terminated"]
    props = {prop.get("name"): prop.get("value") for prop in failed.iter("property")}
    assert props["end_reason"] == "bot_hangup" and props["turns"] == "5"
    assert float(props["latency_max_ms"]) >= float(props["latency_p50_ms"]) >= 0
    (failure,) = failed.findall("failure")
    assert "[data-call-id-missing]" in (failure.text or "")
    assert cases["silence_reprompt_hangup"].find("failure") is None


STATEFUL_TESTS = f"""
import json, pathlib
import bots

IDS = pathlib.Path("ids.jsonl")


def note(result):
    with IDS.open("a") as out:
        out.write(json.dumps(result.call_id) + "\\n")


def test_two_calls(vcall_call):
    note(vcall_call(bots.good, "calls/{PASSING}"))
    note(vcall_call(bots.good, "calls/{PASSING}"))


def test_another(vcall_call):
    note(vcall_call(bots.good, "calls/{PASSING}"))
"""


def _call_ids(project: pytest.Pytester, *args: str) -> list[str]:
    ids = project.path / "ids.jsonl"
    ids.unlink(missing_ok=True)
    assert project.runpytest(*args).ret == pytest.ExitCode.OK
    return [json.loads(line) for line in ids.read_text().splitlines()]


def test_each_call_gets_its_own_call_id_reproducible_from_the_seed(
    project: pytest.Pytester,
) -> None:
    project.makepyfile(test_ids=STATEFUL_TESTS)
    first = _call_ids(project)
    assert len(first) == 3 and len(set(first)) == 3  # two calls in one test differ too
    assert all(re.fullmatch(r"\d{12}\^\d{12}", call_id) for call_id in first)
    assert _call_ids(project) == first  # the same on every run
    assert _call_ids(project, "-k", "another") == first[2:]  # whatever else is selected
    other = _call_ids(project, "--vcall-seed", "7")
    assert not set(other) & set(first)


def test_collected_fixtures_get_their_own_call_ids(project: pytest.Pytester) -> None:
    args = ("--vcall-fixtures", "calls", "--vcall-target", "bots:good", "--junitxml", "out.xml")
    project.runpytest(*args).assert_outcomes(passed=2)
    props = [
        prop.get("value")
        for prop in ET.parse(project.path / "out.xml").iter("property")
        if prop.get("name") == "call_id"
    ]
    assert len(props) == 2 and len(set(props)) == 2


def test_collection_mode_needs_a_target_and_a_directory(project: pytest.Pytester) -> None:
    no_target = project.runpytest("--vcall-fixtures", "calls")
    assert no_target.ret == pytest.ExitCode.USAGE_ERROR
    no_target.stderr.fnmatch_lines(["*--vcall-fixtures needs --vcall-target*"])
    no_dir = project.runpytest("--vcall-fixtures", "nowhere", "--vcall-target", "bots:good")
    assert no_dir.ret == pytest.ExitCode.USAGE_ERROR
    no_dir.stderr.fnmatch_lines(["*--vcall-fixtures nowhere: not a directory*"])


def test_a_bad_target_fails_each_item_in_one_line(project: pytest.Pytester) -> None:
    result = project.runpytest("--vcall-fixtures", "calls", "--vcall-target", "nosuch:app")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["target 'nosuch:app': cannot import 'nosuch'*"])
    assert "Traceback" not in result.stdout.str()


def test_html_report_of_every_call_the_session_drove(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_one=f"""
        import bots

        def test_it(vcall_call):
            assert vcall_call(bots.good, "calls/{PASSING}").passed
        """
    )
    args = ("--vcall-fixtures", "calls", "--vcall-target", "bots:broken")
    project.runpytest(*args, "--vcall-report-html", "report.html").assert_outcomes(
        passed=2, failed=1
    )
    page = Path(project.path / "report.html").read_text(encoding="utf-8")
    assert page.count("<section class='call") == 3
    assert page.count("<section class='call failed'") == 1


def test_shared_step_files_named_with_an_underscore_are_not_collected(
    project: pytest.Pytester,
) -> None:
    shared = project.path / "calls" / "_shared"
    shared.mkdir()
    (shared / "listen.yaml").write_text("- wait: playback\n", encoding="utf-8")
    result = project.runpytest(
        "--collect-only", "-q", "--vcall-fixtures", "calls", "--vcall-target", "bots:good"
    )
    assert not any("listen" in line for line in result.outlines)
    assert result.outlines[:2] == [
        f"calls/{FAILING}::dtmf_menu_hash_terminated",
        f"calls/{PASSING}::silence_reprompt_hangup",
    ]


def only_ways(project: pytest.Pytester) -> None:
    """``calls/`` holds only ``ways.yaml``: two say variants, the second failing on the
    example bot (it transfers instead of playing)."""
    for name in (PASSING, FAILING):
        (project.path / "calls" / name).unlink()
    (project.path / "calls" / "ways.yaml").write_text(
        "name: 说法\nmedia: {welcome.wav: 4s}\nsteps:\n  - wait: playback\n"
        "  - say: [我想查快递, 帮我转人工]\n    expect: {action: play}\n",
        encoding="utf-8",
    )


def test_a_collected_file_with_variants_plays_every_call(project: pytest.Pytester) -> None:
    only_ways(project)
    args = ("--vcall-fixtures", "calls", "--vcall-target", "bots:good")
    result = project.runpytest(*args, "--junitxml", "out.xml")
    result.assert_outcomes(passed=1, failed=1)  # each call of the file is its own test
    output = result.stdout.str()
    assert "vcall call '说法 [2=帮我转人工]' FAILED (calls/ways.yaml)" in output
    assert "'说法 [2=我想查快递]' FAILED" not in output
    assert "FAILED calls/ways.yaml::ways[2]" in output
    cases = {case.get("name"): case for case in ET.parse(project.path / "out.xml").iter("testcase")}
    assert set(cases) == {"ways[1]", "ways[2]"}
    assert cases["ways[1]"].find("failure") is None and cases["ways[2]"].find("failure") is not None
    ids = {
        prop.get("value")
        for case in cases.values()
        for prop in case.iter("property")
        if prop.get("name") == "call_id"
    }
    assert len(ids) == 2, "each call its own call_id"
    project.runpytest(*args, "-k", "ways[2]").assert_outcomes(failed=1, deselected=1)


CASES_TEST = """
import pytest
import bots
from vcall.cli.pytest_plugin import vcall_cases


@pytest.mark.parametrize("scenario", vcall_cases("calls/"))
def test_calls(vcall_call, scenario):
    assert vcall_call(bots.good, scenario).passed
"""


def test_vcall_cases_gives_a_test_one_case_per_call(project: pytest.Pytester) -> None:
    only_ways(project)
    (project.path / "calls" / PASSING).write_text(shipped(PASSING), encoding="utf-8")
    project.makepyfile(test_cases=CASES_TEST)
    collected = project.runpytest("--collect-only", "-q").outlines
    assert collected[:3] == [
        "test_cases.py::test_calls[silence_reprompt_hangup]",
        "test_cases.py::test_calls[ways-1]",
        "test_cases.py::test_calls[ways-2]",
    ]
    result = project.runpytest("--vcall-report-html", "report.html")
    result.assert_outcomes(passed=2, failed=1)
    assert "FAILED test_cases.py::test_calls[ways-2]" in result.stdout.str()
    page = (project.path / "report.html").read_text(encoding="utf-8")
    # the report names the test that drove each call
    assert page.count("test: <code>test_cases.py::test_calls[ways-2]</code>") == 1
    assert page.count("<div class='sub test'>") == 3


LEAKY = """
import os
from urllib.parse import quote

from bots import _wsgi, _break_dtmf


def _echo_token(body, data):
    _break_dtmf(body, data)
    token = os.environ["ALIBABA_CLOUD_SECURITY_TOKEN"]
    data["echo"] = f"{token} {quote(quote(token, safe=''), safe='')}"


leaky = _wsgi(_echo_token)
"""
TOKEN = "CAIS+v9/Zk3qPytestPluginSecurityToken/Value=0123456789abcdefXYZ"


@pytest.fixture
def leaky_project(project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch):
    from vcall.simulator import secrets

    monkeypatch.setenv("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN)
    project.makepyfile(leaky=LEAKY)
    yield project
    secrets.REGISTRY.forget_all()  # the in-process run registered the environment's token


def test_a_bot_echoing_the_sts_token_leaks_it_into_no_plugin_output(
    leaky_project: pytest.Pytester,
) -> None:
    leaky_project.makepyfile(
        test_echo=f"""
        import leaky

        def test_echo(vcall_call):
            assert vcall_call(leaky.leaky, "calls/{FAILING}").passed
        """
    )
    result = leaky_project.runpytest(
        "--vcall-fixtures", "calls", "--vcall-target", "leaky:leaky",
        "--junitxml", "out.xml", "--vcall-report-html", "report.html",
    )  # fmt: skip
    result.assert_outcomes(passed=1, failed=2)
    twice = "CAIS%252Bv9%252FZk3qPytestPluginSecurityToken"
    outputs = {
        "terminal": result.stdout.str() + result.stderr.str(),
        "junit": (leaky_project.path / "out.xml").read_text(encoding="utf-8"),
        "html": (leaky_project.path / "report.html").read_text(encoding="utf-8"),
    }
    for name, text in outputs.items():
        assert re.search(r"echo(&quot;|\")?: (&quot;|\")\*\*\*\*", text), name  # shown, masked
        assert "PytestPluginSecurityToken" not in text, name
        assert twice not in text, name
