"""Exploring whole bots: the example bot's menu, and a key menu with faults planted deep in it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from menu_bot import PLANTED, Faults, menu_bot

from vcall.simulator.explore.crawler import Limits
from vcall.simulator.explore.problems import ProblemKind
from vcall.simulator.explore.run import ExploreConfig, ExploreResult, explore
from vcall.simulator.fixture.loader import load_scenarios
from vcall.simulator.replay.engine import SimulationConfig, simulate
from vcall.simulator.replay.targets import EXAMPLE_BOT, app_target, resolve_target

ONE_LINE = ("喂？",)
"""The key menu only listens to keys: one line is enough (and keeps the crawl short)."""


@pytest.fixture(scope="module")
def example_map() -> ExploreResult:
    return explore(resolve_target(EXAMPLE_BOT), ExploreConfig())


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[ExploreResult, Path]:
    saved = tmp_path_factory.mktemp("found")
    config = ExploreConfig(save_dir=saved, lines=ONE_LINE)
    return explore(app_target("menu", menu_bot(PLANTED)), config), saved


def test_the_example_bots_whole_menu_is_mapped_with_no_problem(example_map: ExploreResult) -> None:
    explored = example_map.map
    dynamic_ids = {node.key.dynamic_id for node in explored.nodes.values()}
    assert {
        "menu",
        "order",
        "notice",
        "mute1",
        "mute2",
        "dtmf-main",
        "dtmf-retry",
        "survey",
        "survey-done",
        "transfer",
        "goodbye",
    } <= dynamic_ids
    assert example_map.problems == []
    assert example_map.crawl.stopped == ""
    assert all(node.expanded for node in explored.nodes.values())


def test_transitions_say_which_move_leads_where(example_map: ExploreResult) -> None:
    explored = example_map.map
    by_id = explored.by_id()
    menu = next(
        n for n in explored.nodes.values() if n.key.dynamic_id == "dtmf-main" and n.depth == 1
    )
    by_key = {e.move: by_id[e.target].key.dynamic_id for e in explored.out_edges(menu.id)}
    assert by_key["key 1"] == "order"
    assert by_key["key 2"] == "transfer"
    assert by_key["no key (timeout)"] == "dtmf-retry"
    assert all(edge.count >= 1 for edge in explored.edges.values())


def test_the_same_seed_gives_the_same_map_whatever_the_concurrency() -> None:
    target = resolve_target(EXAMPLE_BOT)
    one = explore(
        target, ExploreConfig(simulation=SimulationConfig(seed=7), limits=Limits(concurrency=1))
    )
    many = explore(
        target, ExploreConfig(simulation=SimulationConfig(seed=7), limits=Limits(concurrency=16))
    )
    assert one.map.to_dict() == many.map.to_dict()


def test_bounds_stop_the_crawl_and_say_so() -> None:
    shallow = explore(resolve_target(EXAMPLE_BOT), ExploreConfig(limits=Limits(max_depth=1)))
    assert shallow.crawl.stopped == "--max-depth 1"
    assert max(node.depth for node in shallow.map.nodes.values()) == 1
    few = explore(resolve_target(EXAMPLE_BOT), ExploreConfig(limits=Limits(max_calls=10)))
    assert few.crawl.stopped == "--max-calls 10"
    assert few.crawl.calls == 10
    assert not any(p.kind in (ProblemKind.DEAD_END, ProblemKind.LOOP) for p in few.problems)


def test_a_clean_key_menu_has_all_its_states_and_no_problem() -> None:
    bot = menu_bot(Faults(), keys="12")
    result = explore(app_target("menu", bot), ExploreConfig(lines=ONE_LINE))
    menus = [n for n in result.map.nodes.values() if n.key.action == "dtmf"]
    assert len(menus) == 1 + 2 + 4
    leaves = {n.key.dynamic_id for n in result.map.nodes.values() if n.key.action == "play"}
    assert len(leaves) == 8
    assert result.problems == []


def _kinds(result: ExploreResult) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for problem in result.problems:
        found.setdefault(problem.rule, []).append(" → ".join(m.label for m in problem.path))
    return found


def test_every_planted_fault_is_found_with_its_shortest_moves(
    planted: tuple[ExploreResult, Path],
) -> None:
    result, _ = planted
    found = _kinds(result)
    assert found["http-status"] == ["say 喂 → key 1 → key 2"]
    assert found["forbidden-character"] == ["say 喂 → key 3"]
    assert found["tts-variable-missing"] == ["say 喂 → key 2 → key 1 → key 3"]
    assert found["dead-end"] == ["say 喂 → key 4 → key 4"]
    assert "envelope-result" not in found  # the HTTP 500's body findings are part of its problem


def test_problems_are_shrunk(planted: tuple[ExploreResult, Path]) -> None:
    result, _ = planted
    http = next(p for p in result.problems if p.rule == "http-status")
    assert http.shrunk  # "喂？" (after the prompt) became "喂" (at once)
    assert len(http.path) == http.original_length == 3


def test_saved_fixtures_still_fail_when_replayed(planted: tuple[ExploreResult, Path]) -> None:
    result, saved = planted
    target = app_target("menu", menu_bot(PLANTED))
    assert len(result.saved) == len(result.problems)
    for path in result.saved:
        (scenario,) = load_scenarios([str(path)])
        assert "recorded" in scenario.tags and "explore" in scenario.tags
        run = simulate([scenario], target, SimulationConfig())
        assert run.calls[0].failed(), path.name
    dead_end = next(p for p in saved.iterdir() if "dead-end" in p.name)
    run = simulate(load_scenarios([str(dead_end)]), target, SimulationConfig())
    assert [f.rule for f in run.calls[0].findings if f.is_error] == ["expect-end"]


def test_save_paths_writes_one_loadable_fixture_per_state(tmp_path: Path) -> None:
    result = explore(resolve_target(EXAMPLE_BOT), ExploreConfig(save_paths_dir=tmp_path))
    assert len(result.saved_paths) == len(result.map.nodes)
    scenarios = load_scenarios([str(tmp_path)])
    run = simulate(scenarios, resolve_target(EXAMPLE_BOT), SimulationConfig())
    assert run.failed == 0


def test_an_unreachable_endpoint_is_an_error() -> None:
    from vcall.simulator.errors import EndpointUnreachableError
    from vcall.simulator.replay.targets import Target

    target = Target("http://127.0.0.1:9/callback", "http://127.0.0.1:9/callback")
    with pytest.raises(EndpointUnreachableError):
        asyncio.run(_explore_async(target))


async def _explore_async(target):  # type: ignore[no-untyped-def]
    from vcall.simulator.explore.run import explore_async

    return await explore_async(target, ExploreConfig(simulation=SimulationConfig(timeout_s=2)))


def test_an_outbound_call_starts_at_the_opening() -> None:
    from vcall.simulator.fixture.scenario import CallSettings, Direction

    settings = CallSettings(
        Direction.OUTBOUND, "057126880000", "13500135000", smartcall={"VoiceCode": "hello.wav"}
    )
    result = explore(
        resolve_target(EXAMPLE_BOT), ExploreConfig(settings=settings, lines=("返回主菜单",))
    )
    root = result.map.by_id()["s0"]
    assert root.key.key == "(opening) | hello.wav"
    reached = {n.key.dynamic_id for n in result.map.nodes.values()}
    assert "dtmf-main" in reached and result.problems == []


def test_a_coarser_identity_gives_fewer_states(example_map: ExploreResult) -> None:
    from vcall.simulator.dialogue_map.identity import Identity

    coarse = explore(resolve_target(EXAMPLE_BOT), ExploreConfig(identity=Identity.COARSE))
    assert len(coarse.map.nodes) < len(example_map.map.nodes)
    assert all(node.key.dynamic_id == "" for node in coarse.map.nodes.values())
