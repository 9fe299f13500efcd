"""Help texts read as a person writes them, and option values coerce the same without Pydantic."""

from __future__ import annotations

import re
import sys

import pytest
from typer.testing import CliRunner

from vcall.cli.app import app

COMMANDS = [
    ["--help"],
    ["simulate", "--help"],
    ["load", "--help"],
    ["validate-response", "--help"],
    ["check", "--help"],
    ["explore", "--help"],
    ["tap", "--help"],
    ["fixtures", "--help"],
    ["fixtures", "check", "--help"],
    ["fixtures", "list", "--help"],
    ["fixtures", "copy", "--help"],
    ["smartcall", "--help"],
    ["emulator", "--help"],
    ["example-bot", "--help"],
]


def helped(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_no_python_types_and_no_braces_in_help(args: list[str]) -> None:
    text = helped(*args)
    assert not re.search(r"<(bool|str|int|float|path|list\[[a-z]+\])>", text), text
    assert "{" not in text.splitlines()[1], "usage line"
    assert not re.search(r"\{[a-z_]+\}", text)


def test_flags_are_bare_and_values_named() -> None:
    lines = helped("simulate", "--help").splitlines()
    strict = next(line for line in lines if "--strict" in line)
    timeout = next(line for line in lines if "--timeout" in line)
    assert re.search(r"--strict\s+Warnings fail", strict), strict  # nothing between
    assert re.search(r"--timeout\s+DURATION", timeout)
    assert "Usage: vcall simulate [OPTIONS] [TARGET]" in "\n".join(lines)
    assert "PATHS..." in helped("fixtures", "check", "--help")


def test_help_examples_cite_files_that_exist() -> None:
    text = helped("simulate", "--help")
    assert "fixtures/dtmf_menu.yaml" not in text
    for name in re.findall(r"builtin:([a-z_]+)", text):
        assert CliRunner().invoke(app, ["fixtures", "list"]).stdout.count(f"builtin:{name} ") == 1


READ_OPTIONS = r"(?:--params|--batch|--fixture|-f|--say-file|--coverage|fixtures check)"
WRITTEN = r"(?:> |--save |--record |--report-json |fixtures copy )(\S+)"


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_every_file_an_example_reads_exists_or_an_earlier_example_writes_it(
    args: list[str],
) -> None:
    """A newcomer copies the examples in order: a file one reads is shipped (``builtin:``), or
    written by an example above it; ``myapp.main:app`` lines are about the reader's own project."""
    written: set[str] = set()
    examples = [line.strip() for line in helped(*args).splitlines()]
    for line in (line for line in examples if line.startswith(("vcall ", "printf ", "curl "))):
        written.update(re.findall(WRITTEN, line))  # `vcall fixtures copy calls/ && ...` too
        for path in re.findall(READ_OPTIONS + r"\s+'?([^\s']+)", line):
            if path in ("form", "query", "exercised"):  # --params PLACEMENT, --coverage exercised
                continue
            ok = (
                path.startswith(("builtin:", *written))  # a file, or one under a directory
                or "myapp.main:app" in line
            )
            assert ok, f"{' '.join(args)}: {path} is read but never shipped or written: {line}"


@pytest.mark.parametrize(
    ("args", "status", "says"),
    [
        (["--params", "query"], 0, ""),
        (["--params", "xml"], 2, "'xml' is not one of 'form', 'query'"),
        (["--concurrency", "0"], 2, "--concurrency"),  # ranges: Typer's own coercion
        (["--concurrency", "two"], 2, "--concurrency"),
    ],
)
def test_option_values_coerce_and_fail_as_before(args: list[str], status: int, says: str) -> None:
    result = CliRunner().invoke(
        app,
        ["simulate", "--example-bot", "-f", "builtin:transfer_to_agent", "-q", *args],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == status, result.output
    assert says in result.output


def test_repeated_options_collect_a_list() -> None:
    result = CliRunner().invoke(
        app,
        [
            "simulate",
            "--example-bot",
            "-q",
            "-f",
            "builtin:transfer_to_agent",
            "-f",
            "builtin:dtmf_*",
        ],
    )
    assert result.exit_code == 0 and "3 passed" in result.stdout


def test_the_plain_coercion_is_installed() -> None:
    from typer import core

    assert "vcall.cli.param_coercion" in sys.modules
    get = core._TyperParameter.get_runtime_param
    assert get.__module__ == "vcall.cli.param_coercion"


def test_the_help_placeholders_are_installed() -> None:
    """help_format patches Typer's option and argument classes; a Typer without those hooks
    would leave them silently (``<str>`` in --help): the pinned range must have them."""
    from typer import core

    from vcall.cli import help_format

    assert core.TyperOption.display_type_rich is help_format._value_placeholder
    assert core.TyperArgument._usage_display_name is help_format._argument_usage


def test_typer_is_inside_the_range_the_patches_are_tested_against() -> None:
    """pyproject pins Typer to the versions whose private hooks the two patches use."""
    from importlib.metadata import requires, version

    (pin,) = [req for req in requires("vcall") or () if req.startswith("typer")]
    found = re.findall(r"(>=|<)([0-9.]+)", pin)
    bounds = {op: tuple(int(n) for n in number.split(".")) for op, number in found}
    installed = tuple(int(part) for part in version("typer").split(".")[:3])
    assert set(bounds) == {">=", "<"}, pin
    assert bounds[">="] <= installed < bounds["<"]
