"""The vcall pytest plugin (entry point ``pytest11``): inert unless used.

Importing it loads nothing of vcall but its exception classes; the engine, the HTTP client and
the fixture loader are imported the first time a test actually drives a call. Two ways in:

- the ``vcall_call`` fixture drives one call from a test::

      def test_menu(vcall_call):
          result = vcall_call(app, "fixtures/menu.yaml")
          assert result.passed          # a failure shows the failing turns' transcript

- ``pytest --vcall-fixtures DIR --vcall-target module:attr`` collects every fixture file in DIR
  as a test item named after the file, one per call (``menu[2]``) when it makes several;
- ``@pytest.mark.parametrize("scenario", vcall_cases("calls/"))`` gives a test of your own one
  case per call (``test_calls[menu-2]``) to drive with ``vcall_call``.

``--vcall-report-html FILE`` writes the HTML report of every call the session drove.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Callable, Generator, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from vcall.simulator.errors import VcallError

if TYPE_CHECKING:
    from pluggy import Result

    from vcall.simulator.findings import Finding
    from vcall.simulator.fixture import Scenario
    from vcall.simulator.replay import CallResult, PersonaPlayer, SimulationConfig, Target, Turn

FIXTURE_SUFFIXES = (".yaml", ".yml", ".json")
"""As ``vcall.simulator.fixture.loader.FIXTURE_SUFFIXES`` (a test keeps them equal), repeated
here so that collecting a project's files never imports the loader."""

_CALLS = pytest.StashKey[list[tuple[str, "CallResult"]]]()
"""Every call the session drove and the test that drove it, for ``--vcall-report-html``."""
_TEST_CALLS = pytest.StashKey[list["VcallCallResult"]]()
"""The calls one test drove, for the transcript of a failing test."""
_CALL_COUNTS = pytest.StashKey[dict[str, int]]()
"""How many calls each test has driven so far (numbers its calls' seeds)."""
_TARGET = pytest.StashKey["Target | VcallError"]()
"""``--vcall-target``, resolved once (or why it could not be)."""


# --- what a test gets ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Verdict:
    """Truthy when the call passed; its repr names the first problem (pytest shows it)."""

    call: CallResult
    strict: bool = False

    def __bool__(self) -> bool:
        return not self.call.failed(self.strict)

    def __repr__(self) -> str:
        if self:
            return "passed"
        return masked(f"FAILED, {first_problem(self.call, self.strict)} (transcript below)")


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
    def findings(self) -> tuple[Finding, ...]:
        return self.call.findings

    @property
    def transcript(self) -> str:
        """The failing turns' exchanges and findings (``passed`` when there are none)."""
        return failure_report(self.call, self.strict) if not self.passed else "passed"

    def __getattr__(self, name: str) -> Any:
        return getattr(self.call, name)

    def __repr__(self) -> str:
        verdict = "passed" if self.passed else "FAILED"
        return f"<vcall call {self.call.scenario.name!r} {verdict}>"


def first_problem(call: CallResult, strict: bool = False) -> str:
    from vcall.simulator.reports import first_problem as first

    return first(call, strict)


def failure_report(call: CallResult, strict: bool = False) -> str:
    """A readable account of why a call failed: each failing turn's exchange and findings."""
    where = call.scenario.file or "in code"
    lines = [f"vcall call {call.scenario.name!r} FAILED ({where})"]
    for turn in call.turns:
        shown = [f for f in turn.findings if strict or f.is_error]
        if shown:
            lines.extend(_turn_lines(turn, shown))
    lines.extend(
        f"  call: {f.severity.value} [{f.rule}] {f.message}"
        for f in call.call_findings
        if strict or f.is_error
    )
    return masked("\n".join(lines))


def masked(text: str) -> str:
    """``text`` as the plugin may show it: every secret masked, the environment's credentials
    included (``vcall.simulator.secrets``, the function every byte the CLI writes goes through;
    pytest's own output does not pass the CLI's masking streams)."""
    from vcall.simulator import secrets

    secrets.register_environment()
    return secrets.mask(text)


def _turn_lines(turn: Turn, findings: list[Finding]) -> list[str]:
    callback, exchange = turn.callback, turn.exchange
    sent = json.dumps(dict(callback.content), ensure_ascii=False)
    status = exchange.status if exchange.error is None else f"no answer ({exchange.error})"
    body = exchange.body_text if exchange.error is None else exchange.error_detail
    lines = [
        f"  turn {turn.number} at {callback.at_ms} ms: {callback.kind.value} {sent}",
        f"    answer ({status}, {exchange.latency_ms:.0f} ms): {body[:800]}",
    ]
    lines.extend(
        f"    {f.severity.value} [{f.rule}] {f.path or '-'}: {f.message}" for f in findings
    )
    return lines


# --- driving a call -----------------------------------------------------------------------------


def run_one(
    target: Any, scenario: Scenario | str | Path | Mapping[str, Any], config: SimulationConfig
) -> CallResult:
    """Run one scenario against a target: an app object, a URL, ``module:attr`` or a Target.

    From inside a running event loop (an async test) the call runs in a worker thread.
    """
    from vcall.simulator.replay import simulate

    loaded, resolved = _scenario(scenario), _target(target)
    player = _persona_player()
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return simulate([loaded], resolved, config, persona_player=player).calls[0]
    with ThreadPoolExecutor(1, thread_name_prefix="vcall") as pool:
        played = pool.submit(simulate, [loaded], resolved, config, persona_player=player)
        return played.result().calls[0]


def _persona_player() -> PersonaPlayer:
    """Fixtures with a ``persona:`` block play with the rule-based brain (offline, seeded)."""
    from vcall.simulator.persona import FixturePersonas

    return FixturePersonas()


def _scenario(source: Scenario | str | Path | Mapping[str, Any]) -> Scenario:
    from vcall.simulator.fixture import Scenario, load_scenario, parse_scenario

    if isinstance(source, Scenario):
        return source
    if isinstance(source, Mapping):
        return parse_scenario(json.dumps(source, ensure_ascii=False), "<in code>")
    return load_scenario(source)


def _target(target: Any) -> Target:
    from vcall.simulator.replay import Target, app_target, resolve_target

    if isinstance(target, Target):
        return target
    if isinstance(target, str):
        return resolve_target(target)
    return app_target(getattr(target, "__name__", type(target).__name__), target)


def _config(strict: bool, options: Mapping[str, Any]) -> SimulationConfig:
    from vcall.simulator.replay import SimulationConfig

    return SimulationConfig(**{"seed": 0, **options, "strict": strict})


def call_seed(session_seed: int, test_id: str, number: int) -> int:
    """The seed of one call: a function of ``--vcall-seed``, the test and the call's number in
    that test, so every call gets its own ``call_id``, the same on every run (whatever tests
    are selected or in what order) and a new one with another ``--vcall-seed``."""
    digest = hashlib.sha256(f"{session_seed}\0{test_id}\0{number}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _next_seed(config: pytest.Config, node: pytest.Item | Any) -> int:
    """The seed of the next call ``node`` (a test) drives."""
    counts = config.stash.setdefault(_CALL_COUNTS, {})
    number = counts.get(node.nodeid, 0)
    counts[node.nodeid] = number + 1
    return call_seed(int(config.getoption("--vcall-seed") or 0), node.nodeid, number)


def _beside(path: str | Path, test_file: Path) -> str | Path:
    """A relative fixture path that is not there from the working directory, found next to the
    test module instead (so ``vcall_call(app, "calls/menu.yaml")`` works from any directory)."""
    candidate = Path(path)
    if candidate.is_absolute() or candidate.exists():
        return path
    beside = test_file.parent / candidate
    return beside if beside.exists() else path


@pytest.fixture
def vcall_call(request: pytest.FixtureRequest) -> Callable[..., VcallCallResult]:
    """Drive one call: ``vcall_call(app | URL | 'module:attr', 'menu.yaml' | Scenario | dict)``.

    ``strict=True`` makes warnings fail the call; other keywords are ``SimulationConfig`` fields
    (``timeout_s``, ``latency_budget_ms``, ``placement``, ``seed``).
    """

    def call(
        target: Any,
        scenario: Scenario | str | Path | Mapping[str, Any],
        *,
        strict: bool = False,
        **options: Any,
    ) -> VcallCallResult:
        if isinstance(scenario, str | Path):
            scenario = _beside(scenario, request.path)
        options = {"seed": _next_seed(request.config, request.node), **options}
        result = VcallCallResult(run_one(target, scenario, _config(strict, options)), strict)
        _record(request.config, request.node.nodeid, result.call)
        request.node.stash.setdefault(_TEST_CALLS, []).append(result)
        return result

    return call


def vcall_cases(*patterns: str | Path, seed: int = 0) -> list[Any]:
    """One ``pytest.param`` per call of the fixture files the patterns name, for
    ``@pytest.mark.parametrize("scenario", vcall_cases("calls/"))``: a file making one call
    gives the id ``menu``, one with say variants or a data table ``menu-1``, ``menu-2``, ...
    (``test_calls[menu-2]``), so each call is its own test, in JUnit and in ``-k``.
    ``seed`` draws ``variants: random``."""
    from vcall.simulator.fixture import (
        LoadOptions,
        expand_fixture_paths,
        load_fixture,
        warn_silent_steps,
    )

    cases: list[Any] = []
    for path in expand_fixture_paths([str(pattern) for pattern in patterns]):
        scenarios = load_fixture(path, options=LoadOptions(seed=seed))
        warn_silent_steps(scenarios[0])
        several = len(scenarios) > 1
        cases.extend(
            pytest.param(scenario, id=f"{path.stem}-{number}" if several else path.stem)
            for number, scenario in enumerate(scenarios, 1)
        )
    return cases


def _record(config: pytest.Config, test: str, call: CallResult) -> None:
    config.stash.setdefault(_CALLS, []).append((test, call))


@pytest.hookimpl(hookwrapper=True)  # old-style: works with every pytest the plugin may meet
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Result[pytest.TestReport], None]:
    """A failing test that drove failing calls shows each one's transcript in its report."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed or not hasattr(report.longrepr, "addsection"):
        return
    for result in item.stash.get(_TEST_CALLS, []):
        if not result.passed:
            title = f"vcall call {result.call.scenario.name}"
            report.longrepr.addsection(title, result.transcript)  # type: ignore[union-attr]


# --- options and the HTML report ----------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("vcall", "vcall call simulation")
    group.addoption(
        "--vcall-fixtures", metavar="DIR", help="collect every fixture file in DIR as a test"
    )
    group.addoption(
        "--vcall-target", metavar="TARGET", help="URL or module:attr app the fixtures call"
    )
    group.addoption("--vcall-strict", action="store_true", help="warnings fail vcall items too")
    group.addoption(
        "--vcall-seed",
        metavar="N",
        type=int,
        default=0,
        help="seed of the call ids (each call its own, the same on every run); default 0",
    )
    group.addoption(
        "--vcall-report-html", metavar="FILE", help="write the HTML report of every vcall call"
    )


def pytest_configure(config: pytest.Config) -> None:
    directory = config.getoption("--vcall-fixtures", None)
    if directory is None:
        return
    if not config.getoption("--vcall-target", None):
        raise pytest.UsageError("--vcall-fixtures needs --vcall-target (a URL or module:attr)")
    if not Path(directory).is_dir():
        raise pytest.UsageError(f"--vcall-fixtures {directory}: not a directory")
    config.args.append(str(directory))  # collected besides the paths given (pytest dedupes)


def pytest_sessionfinish(session: pytest.Session) -> None:
    path = session.config.getoption("--vcall-report-html", None)
    if path is None:
        return
    from vcall.simulator.replay import RunResult
    from vcall.simulator.reports import write_html_report

    recorded: list[tuple[str, CallResult]] = session.config.stash.get(_CALLS, [])
    calls = tuple(call for _, call in recorded)
    wall_ms = sum(call.wall_ms for call in calls)
    strict = bool(session.config.getoption("--vcall-strict"))
    masked("")  # the environment's secrets known before the report is written (and masked)
    run = RunResult(calls, wall_ms, strict=strict)
    tests = [test for test, _ in recorded]
    write_html_report(run, path, title="vcall pytest report", tests=tests)


# --- collection mode ----------------------------------------------------------------------------


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    directory = parent.config.getoption("--vcall-fixtures", None)
    if directory is None or file_path.suffix not in FIXTURE_SUFFIXES:
        return None
    root = Path(directory).resolve()
    if not file_path.resolve().is_relative_to(root):
        return None
    if any(part.startswith("_") for part in file_path.resolve().relative_to(root).parts):
        return None  # shared steps for include:, not a call (as vcall simulate DIR skips them)
    return VcallFixtureFile.from_parent(parent, path=file_path)


class VcallFixtureFile(pytest.File):
    """A fixture file: one test item per call it makes, named after the file (``menu``); a
    file with say variants or a data table makes several calls, ``menu[1]``, ``menu[2]``, ...,
    so each is its own test (in JUnit, selectable with ``-k``)."""

    def collect(self) -> Iterator[pytest.Item]:
        from vcall.simulator.fixture import LoadOptions, load_fixture, warn_silent_steps

        seed = int(self.config.getoption("--vcall-seed") or 0)
        try:
            scenarios = load_fixture(_shown(self.config, self.path), options=LoadOptions(seed=seed))
        except VcallError as error:  # the file does not load: one item that fails saying why
            yield VcallItem.from_parent(self, name=self.path.stem, problem=error)
            return
        warn_silent_steps(scenarios[0])
        if len(scenarios) == 1:
            yield VcallItem.from_parent(self, name=self.path.stem, scenario=scenarios[0])
            return
        for number, scenario in enumerate(scenarios, 1):
            yield VcallItem.from_parent(self, name=f"{self.path.stem}[{number}]", scenario=scenario)


def _shown(config: pytest.Config, path: Path) -> Path:
    """A fixture file as reports name it: relative to where pytest was started."""
    start = config.invocation_params.dir
    return path.relative_to(start) if path.is_relative_to(start) else path


class VcallItem(pytest.Item):
    """Plays one call of its fixture file against ``--vcall-target``; fails with the failing
    turns."""

    def __init__(
        self,
        *,
        scenario: Scenario | None = None,
        problem: VcallError | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario
        self.problem = problem

    def runtest(self) -> None:
        from vcall.simulator.replay import simulate
        from vcall.simulator.reports import call_properties

        if self.problem is not None or self.scenario is None:
            raise self.problem or VcallError(f"{self.path}: no call to play")
        strict = bool(self.config.getoption("--vcall-strict"))
        config = _config(strict, {"seed": _next_seed(self.config, self)})
        [call] = simulate(
            [self.scenario], self._target(), config, persona_player=_persona_player()
        ).calls
        _record(self.config, self.nodeid, call)
        self.user_properties.extend(call_properties(call).items())
        if call.failed(strict):
            raise VcallCallFailed(failure_report(call, strict))

    def _target(self) -> Target:
        """``--vcall-target``, resolved (and its app imported) once per session."""
        if _TARGET not in self.config.stash:
            try:
                self.config.stash[_TARGET] = _target(self.config.getoption("--vcall-target"))
            except VcallError as error:
                self.config.stash[_TARGET] = error
        resolved = self.config.stash[_TARGET]
        if isinstance(resolved, VcallError):
            raise resolved
        return resolved

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str:
        if isinstance(excinfo.value, VcallCallFailed | VcallError):
            return masked(str(excinfo.value))
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"vcall: {self.name}"


class VcallCallFailed(AssertionError):
    """A collected fixture's call failed; the message is the failing turns' transcript."""
