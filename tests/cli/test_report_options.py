"""Reports from a table (issue 25): each command's ``--report-*`` options come from its result
type's table, every format is written, and the paths are checked before any callback is sent."""

from __future__ import annotations

import csv
import io
import json
import os
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from vcall.cli.app import app
from vcall.cli.exit_codes import ExitCode
from vcall.cli.lazy_group import load_command
from vcall.cli.report_formats import TABLES
from vcall.cli.report_options import ReportFormat, Reports, ReportTable
from vcall.simulator.emulator.serve import ServerThread
from vcall.simulator.errors import UsageError

ORDER = str(Path(str(resources.files("vcall.fixtures"))) / "inbound_order_inquiry.yaml")

RUNS: dict[str, list[str]] = {
    "simulate": ["simulate", "--example-bot", "-f", ORDER, "-q"],
    "check": ["check", "--example-bot"],
    "explore": ["explore", "--example-bot", "--max-calls", "5"],
    "load": ["load", "--example-bot", "-f", ORDER, "--calls", "2", "--as-fast-as-possible", "-q"],
    "diff": ["diff", "example-bot", "example-bot", "--max-depth", "2"],
    "persona": ["persona", "--example-bot", "--goal", "我要找人工客服", "--calls", "1"],
}
"""A short run of each command that writes reports (against the example bot)."""


def vcall(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [*map(str, args)], env={"COLUMNS": "250"})


def _parsed(fmt: str, text: str) -> object:
    """The file read back as its format: fails when it is not one."""
    if fmt == "json":
        return json.loads(text)
    if fmt == "junit":
        return ET.fromstring(text.encode()).tag
    if fmt == "csv":
        return next(csv.reader(io.StringIO(text)))
    if fmt == "html":
        assert text.lstrip().lower().startswith("<!doctype html"), text[:80]
        return text
    assert fmt == "md" and text.startswith("#"), text[:80]
    return text


def test_every_command_with_reports_has_a_table_and_a_short_run() -> None:
    assert set(TABLES) == set(RUNS)


@pytest.mark.parametrize("command", sorted(TABLES))
def test_the_report_options_are_the_tables(command: str) -> None:
    from vcall.cli.app import _Commands

    click_command = load_command(command, _Commands.lazy[command])
    options = {
        name: param for param in click_command.params for name in param.opts if "report" in name
    }
    table = TABLES[command]
    assert sorted(options) == sorted(fmt.option for fmt in table.formats)
    for fmt in table.formats:
        assert options[fmt.option].help == fmt.help
        assert options[fmt.option].default is None


@pytest.mark.parametrize("command", sorted(RUNS))
def test_every_format_in_the_table_is_written(command: str, tmp_path: Path) -> None:
    table = TABLES[command]
    paths = {fmt: tmp_path / f"report-{fmt.parameter}.{fmt.format}" for fmt in table.formats}
    args = [arg for fmt, path in paths.items() for arg in (fmt.option, str(path))]
    result = vcall(*RUNS[command], *args)
    assert result.exit_code in (ExitCode.OK, ExitCode.FAILED), result.output
    for fmt, path in paths.items():
        _parsed(fmt.format, path.read_text(encoding="utf-8"))


class CountingBot:
    """An ASGI bot that counts the requests it gets (and answers none of them well)."""

    def __init__(self) -> None:
        self.requests = 0
        self._lock = threading.Lock()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        with self._lock:
            self.requests += 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})


@pytest.fixture
def counting_bot() -> Iterator[tuple[CountingBot, str]]:
    bot = CountingBot()
    with ServerThread(bot) as server:
        yield bot, f"{server.url}/callback"


def _against(command: str, url: str) -> list[str]:
    """The command's short run, aimed at ``url`` instead of the example bot."""
    args = [url if arg in ("--example-bot", "example-bot") else arg for arg in RUNS[command]]
    if command == "diff":
        args = ["diff", url, url, *args[3:]]
    return args


BAD_PATHS: dict[str, Callable[[Path], list[str]]] = {
    "no such directory": lambda tmp: [str(tmp / "missing" / "r.out")],
    "a directory": lambda tmp: [str(tmp)],
    "the same path twice": lambda tmp: [str(tmp / "r.out"), str(tmp / "r.out")],
}


CASES = [
    (command, bad)
    for command in sorted(RUNS)
    for bad in sorted(BAD_PATHS)
    if len(BAD_PATHS[bad](Path("x"))) <= len(TABLES[command].formats)  # twice needs two formats
]


@pytest.mark.parametrize(("command", "bad"), CASES)
def test_a_bad_report_path_is_a_usage_error_before_any_callback(
    command: str, bad: str, tmp_path: Path, counting_bot: tuple[CountingBot, str]
) -> None:
    bot, url = counting_bot
    formats = TABLES[command].formats
    paths = BAD_PATHS[bad](tmp_path)
    args = [arg for fmt, path in zip(formats, paths, strict=False) for arg in (fmt.option, path)]
    result = vcall(*_against(command, url), *args)
    assert result.exit_code == ExitCode.USAGE, result.output
    (line,) = [line for line in result.output.splitlines() if line.startswith("error")]
    assert formats[len(paths) - 1].option in line
    assert bot.requests == 0


def _table(written: list[tuple[str, Path]]) -> ReportTable[str]:
    def writer(fmt: str) -> Callable[[str, Path], None]:
        return lambda result, path: written.append((f"{fmt}:{result}", path))

    return ReportTable(
        "test",
        (
            ReportFormat("json", "--report-json", "JSON.", writer("json")),
            ReportFormat("html", "--report-html", "HTML.", writer("html")),
        ),
    )


def test_reports_are_written_in_the_tables_order_and_only_those_given(tmp_path: Path) -> None:
    written: list[tuple[str, Path]] = []
    table = _table(written)
    reports = table.given({"--report-html": tmp_path / "a.html", "--report-json": None})
    reports.check()
    reports.write("r")
    assert written == [("html:r", tmp_path / "a.html")]
    assert not table.given({"--report-json": None})


def test_a_report_path_twice_is_refused_even_through_a_symlink(tmp_path: Path) -> None:
    table = _table([])
    (tmp_path / "link").symlink_to(tmp_path / "real.out")
    reports = table.given({"--report-json": tmp_path / "real.out", "--report-html": None})
    with pytest.raises(UsageError, match=r"--graph .*link: --report-json already writes there"):
        reports.check(also={"--graph": tmp_path / "link"})


def test_dev_null_may_take_every_report() -> None:
    table = _table([])
    null = Path(os.devnull)
    table.given({"--report-json": null, "--report-html": null}).check()


def test_a_write_that_fails_is_a_one_line_usage_error(tmp_path: Path) -> None:
    def fails(result: str, path: Path) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    table = ReportTable("test", (ReportFormat("json", "--report-json", "JSON.", fails),))
    with pytest.raises(UsageError, match=r"cannot write report: .*Permission denied"):
        table.given({"--report-json": tmp_path / "r.json"}).write("r")


def test_an_option_not_in_the_table_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="--report-md"):
        _table([]).given({"--report-md": Path("x.md")})


def test_a_command_without_the_placeholder_cannot_take_a_table() -> None:
    def command(verbose: bool = False) -> None:
        del verbose

    with pytest.raises(TypeError, match="reports"):
        _table([]).command(command)


def test_the_generated_command_passes_the_paths_as_one_reports_object(tmp_path: Path) -> None:
    import typer

    seen: list[Reports[str]] = []

    def command(name: str = "x", reports: Reports[str] | None = None) -> None:
        assert reports is not None
        seen.append(reports)

    holder = typer.Typer()
    holder.command()(_table([]).command(command))
    result = CliRunner().invoke(holder, ["--report-html", str(tmp_path / "a.html")])
    assert result.exit_code == 0, result.output
    (reports,) = seen
    assert dict(reports.paths) == {"--report-html": tmp_path / "a.html"}
