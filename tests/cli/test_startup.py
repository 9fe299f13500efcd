"""Start-up: a command imports its own modules when it runs, and nothing else of vcall's.

The time it takes is measured by ``benchmarks/startup_bench.py``; this checks the imports that
decide it, in a fresh interpreter each time."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

EXAMPLE = Path(str(resources.files("vcall.simulator") / "examples" / "callin_answer.json"))
PROBE = """
import json, sys
from vcall.cli.app import main
sys.argv = ["vcall", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(name for name in sys.modules if name.startswith("vcall"))),
      file=sys.stderr)
"""
HEAVY = (
    "vcall.simulator.replay.engine",
    "vcall.simulator.emulator",
    "vcall.simulator.smartcall",
    "vcall.simulator.fixture.loader",
    "vcall.cli.render.transcript",
    "vcall.cli.commands.simulate",
    "vcall.cli.commands.smartcall",
    "prompt_toolkit",
)


def imported(*args: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    modules: list[str] = json.loads(done.stderr.strip().splitlines()[-1])
    return modules


@pytest.mark.parametrize("args", [["--help"], ["--version"]])
def test_help_and_version_import_no_command(args: list[str]) -> None:
    modules = imported(*args)
    assert not [name for name in modules if name.startswith("vcall.cli.commands")]
    # ``vcall.simulator`` itself holds only ``__version__``; none of its modules is imported
    assert not [name for name in modules if name.startswith("vcall.simulator.")]


def test_validate_response_imports_the_validator_only() -> None:
    modules = imported("validate-response", str(EXAMPLE), "--stage", "callin")
    assert "vcall.cli.commands.validate" in modules
    assert "vcall.simulator.validation" in modules
    assert not [name for name in modules if name.startswith(HEAVY)], modules


def test_each_command_is_there_when_it_runs() -> None:
    modules = imported("fixtures", "list")
    assert "vcall.cli.commands.fixtures_builtin" in modules
    assert "vcall.cli.commands.smartcall" not in modules
