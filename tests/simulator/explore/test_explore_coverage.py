"""Coverage of a fixture suite: against an explore map, and what it exercised at all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vcall.simulator.errors import UsageError
from vcall.simulator.explore.coverage import coverage_html, coverage_of, exercised_by, load_map
from vcall.simulator.explore.report import write_explore_json
from vcall.simulator.explore.run import ExploreConfig, explore
from vcall.simulator.fixture.loader import load_scenarios
from vcall.simulator.replay.engine import SimulationConfig, simulate
from vcall.simulator.replay.targets import EXAMPLE_BOT, resolve_target

SHIPPED = Path(__file__).resolve().parents[3] / "fixtures"


@pytest.fixture(scope="module")
def map_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("map") / "map.json"
    write_explore_json(explore(resolve_target(EXAMPLE_BOT), ExploreConfig()), path)
    return path


def _run(*names: str):  # type: ignore[no-untyped-def]
    scenarios = load_scenarios([str(SHIPPED / name) for name in names])
    return simulate(scenarios, resolve_target(EXAMPLE_BOT), SimulationConfig())


def test_one_fixture_covers_its_own_states_and_misses_the_rest(map_file: Path) -> None:
    saved = load_map(str(map_file))
    assert saved is not None
    covered = coverage_of(_run("transfer_to_agent.yaml"), saved).map
    assert covered is not None
    assert 0 < len(covered.states_reached) < covered.states
    reached_labels = {s.label for s in saved.states if s.id in covered.states_reached}
    assert any(label.startswith("transfer") for label in reached_labels)
    missed = {m.what.split()[0]: m.moves for m in covered.missed_states}
    dtmf = next(s for s in saved.states if s.label.startswith("dtmf: menu.wav"))
    assert missed[dtmf.id] == dtmf.path  # the moves that reach what was missed


def test_the_shipped_suite_covers_more_than_one_fixture(map_file: Path) -> None:
    saved = load_map(str(map_file))
    one = coverage_of(_run("transfer_to_agent.yaml"), saved).map
    every = coverage_of(
        simulate(load_scenarios([str(SHIPPED)]), resolve_target(EXAMPLE_BOT), SimulationConfig()),
        saved,
    ).map
    assert one is not None and every is not None
    assert every.state_percent > one.state_percent
    assert every.edge_percent > one.edge_percent


def test_without_a_map_the_kinds_never_sent_are_named() -> None:
    exercised = exercised_by(_run("transfer_to_agent.yaml").calls)
    assert "timebreak" in exercised.kinds_missing
    assert "no fixture sends your bot a timebreak" in exercised.sentences()
    assert exercised.kinds["callin"] == 1
    whole = exercised_by(_run("barge_in_timebreak.yaml", "dtmf_menu_no_input_timeout.yaml").calls)
    assert "timebreak" in whole.kinds and "dtmf" in whole.kinds


def test_the_html_section_lists_what_was_missed(map_file: Path) -> None:
    coverage = coverage_of(_run("transfer_to_agent.yaml"), load_map(str(map_file)))
    page = coverage_html(coverage)
    assert "State not reached" in page and "no fixture sends your bot a timebreak" in page


def test_a_bad_map_file_is_a_usage_error(tmp_path: Path) -> None:
    assert load_map("exercised") is None
    with pytest.raises(UsageError, match="no such file"):
        load_map(str(tmp_path / "missing.json"))
    broken = tmp_path / "broken.json"
    broken.write_text("{\n  nope", encoding="utf-8")
    with pytest.raises(UsageError, match=r"broken.json:2: not JSON"):
        load_map(str(broken))
    run = tmp_path / "run.json"
    run.write_text(json.dumps({"calls": []}), encoding="utf-8")
    with pytest.raises(UsageError, match="not a map from vcall explore"):
        load_map(str(run))
