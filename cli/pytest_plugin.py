"""The vcall pytest plugin (entry point ``pytest11``): inert unless used.

Two ways in:

- the ``vcall_call`` fixture drives one call from a test::

      def test_menu(vcall_call):
          result = vcall_call(app, "fixtures/menu.yaml")
          assert result.passed          # on failure, shows the failing turns' transcript

- ``pytest --vcall-fixtures DIR --vcall-target module:attr`` collects every fixture file in DIR
  as one test item, named after the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from vcall.simulator.errors import VcallError
from vcall.simulator.fixture_loader import FIXTURE_SUFFIXES
from vcall.simulator.results import CallResult, Turn
from vcall.simulator.scenario import Scenario

if TYPE_CHECKING:
    from vcall.simulator.engine import SimulationConfig
    from vcall.simulator.targets import Target


@dataclass(frozen=True, slots=True)
class Verdict:
    """Truthy when the call passed; its repr is the transcript of the failing turns."""

    call: CallResult
    strict: bool = False

    def __bool__(self) -> bool:
        return not self.call.failed(self.strict)

    def __repr__(self) -> str:
        return "passed" if self else failure_report(self.call, self.strict)


@dataclass(frozen=True, slots=True)
class VcallCallResult:
    """What ``vcall_call`` returns: the call's result, with a ``passed`` that explains itself."""

    call: CallResult
    strict: bool = False

    @property
    def passed(self) -> Verdict:
        return Verdict(self.call, self.strict)

    @property
    def turns(self) -> tuple[Turn, ...]:
        return self.call.turns

    @property
    def findings(self) -> tuple[Any, ...]:
        return self.call.findings

    def __getattr__(self, name: str) -> Any:
        return getattr(self.call, name)


def failure_report(call: CallResult, strict: bool = False) -> str:
    """A readable account of why a call failed: each failing turn's exchange and findings."""
    lines = [f"vcall call {call.scenario.name!r} FAILED ({call.scenario.file or 'in code'})"]
    for turn in call.turns:
        shown = [f for f in turn.findings if strict or f.is_error]
        if shown:
            lines.extend(_turn_lines(turn, shown))
    for finding in call.call_findings:
        if strict or finding.is_error:
            lines.append(f"  call: [{finding.rule}] {finding.message}")
    return "\n".join(lines)


def _turn_lines(turn: Turn, findings: list[Any]) -> list[str]:
    callback, exchange = turn.callback, turn.exchange
    answer = exchange.body_text if exchange.error is None else f"no answer ({exchange.error})"
    lines = [
        f"  turn {turn.number} at {callback.at_ms} ms: {callback.kind.value} {dict(callback.content)}",
        f"    answer: {answer[:500]}",
    ]
    lines.extend(
        f"    {f.severity.value} [{f.rule}] {f.path or '-'}: {f.message}" for f in findings
    )
    return lines


def _target(target: Any) -> Target:
    from vcall.simulator.targets import Target, app_target, resolve_target

    if isinstance(target, Target):
        return target
    if isinstance(target, str):
        return resolve_target(target)
    return app_target(getattr(target, "__name__", type(target).__name__), target)


def run_one(
    target: Any, scenario: Scenario | str | Path, config: SimulationConfig | None = None
) -> CallResult:
    """Run one scenario (or fixture file) against a target; the engine is imported on first use."""
    from vcall.simulator.engine import SimulationConfig, simulate
    from vcall.simulator.fixture_loader import load_scenario

    loaded = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    run = simulate([loaded], _target(target), config or SimulationConfig(seed=0))
    return run.calls[0]


@pytest.fixture
def vcall_call() -> Callable[..., VcallCallResult]:
    """Drive one call: ``vcall_call(app_or_url_or_'module:attr', 'fixture.yaml' | Scenario)``."""

    def call(
        target: Any, scenario: Scenario | str | Path, *, strict: bool = False, **options: Any
    ) -> VcallCallResult:
        from vcall.simulator.engine import SimulationConfig

        config = SimulationConfig(strict=strict, **{"seed": 0, **options})
        return VcallCallResult(run_one(target, scenario, config), strict)

    return call


# --- collection mode ----------------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("vcall", "vcall call simulation")
    group.addoption(
        "--vcall-fixtures", metavar="DIR", help="collect every fixture file in DIR as a test"
    )
    group.addoption(
        "--vcall-target", metavar="TARGET", help="URL or module:attr app the fixtures call"
    )
    group.addoption("--vcall-strict", action="store_true", help="warnings fail vcall items too")


def pytest_configure(config: pytest.Config) -> None:
    directory = config.getoption("--vcall-fixtures", None)
    if directory is None:
        return
    if not config.getoption("--vcall-target", None):
        raise pytest.UsageError("--vcall-fixtures needs --vcall-target (a URL or module:attr)")
    if not Path(directory).is_dir():
        raise pytest.UsageError(f"--vcall-fixtures {directory}: not a directory")
    config.args.append(str(directory))


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    directory = parent.config.getoption("--vcall-fixtures", None)
    if directory is None or file_path.suffix not in FIXTURE_SUFFIXES:
        return None
    if not file_path.resolve().is_relative_to(Path(directory).resolve()):
        return None
    return VcallFixtureFile.from_parent(parent, path=file_path)


class VcallFixtureFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        yield VcallItem.from_parent(self, name=self.path.stem)


class VcallItem(pytest.Item):
    def runtest(self) -> None:
        from vcall.simulator.engine import SimulationConfig

        config = self.config
        strict = bool(config.getoption("--vcall-strict"))
        call = run_one(
            config.getoption("--vcall-target"), self.path, SimulationConfig(seed=0, strict=strict)
        )
        self.user_properties.append(
            ("end_reason", call.end_reason.value if call.end_reason else "")
        )
        if call.failed(strict):
            raise VcallCallFailed(failure_report(call, strict))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, VcallCallFailed | VcallError):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"vcall: {self.name}"


class VcallCallFailed(AssertionError):
    """A collected fixture's call failed; the message is the failing turns' transcript."""
