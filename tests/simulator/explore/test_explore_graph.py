"""The map's exports: JSON read back for coverage, Mermaid, DOT and the SVG picture."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from menu_bot import PLANTED, menu_bot

from vcall.simulator.dialogue_map.graph import read_map, to_dot, to_mermaid
from vcall.simulator.explore.report import explore_html, explore_to_dict
from vcall.simulator.explore.run import ExploreConfig, ExploreResult, explore
from vcall.simulator.explore.svg import map_svg
from vcall.simulator.replay.targets import EXAMPLE_BOT, app_target, resolve_target


@pytest.fixture(scope="module")
def example() -> ExploreResult:
    return explore(resolve_target(EXAMPLE_BOT), ExploreConfig())


@pytest.fixture(scope="module")
def faulty() -> ExploreResult:
    bot = menu_bot(PLANTED, keys="1234")
    return explore(app_target("menu", bot), ExploreConfig(lines=("喂？",), shrink=False))


def test_the_json_map_reads_back(example: ExploreResult) -> None:
    document = json.loads(json.dumps(explore_to_dict(example), ensure_ascii=False))
    saved = read_map(document, "map.json")
    assert len(saved.states) == len(example.map.nodes) == document["states"]
    assert len(saved.moves) == len(example.map.edges)
    assert saved.states[0].path == ()
    assert all(t["count"] >= 1 for t in document["map"]["moves"])


def test_a_map_of_the_first_format_still_reads_back(example: ExploreResult) -> None:
    """/1 named the moves tried ``transitions`` (the word now means nothing in vcall's output:
    "moves tried" are (state, move) pairs, coverage's "edges" are state → state)."""
    body = example.map.to_dict()
    moves = body.pop("moves")
    old = {**body, "format": "vcall-explore-map/1", "transitions": moves}
    assert "moves" not in old
    assert read_map(old, "old.json").moves == read_map(example.map.to_dict(), "new.json").moves


def test_a_document_that_is_not_a_map_is_refused() -> None:
    with pytest.raises(ValueError, match="not a map"):
        read_map({"calls": []}, "run.json")
    with pytest.raises(ValueError, match="malformed"):
        read_map({"format": "vcall-explore-map/1", "identity": "normal", "states": [{}]}, "m.json")


def test_mermaid_and_dot_name_every_state_and_transition(example: ExploreResult) -> None:
    mermaid = to_mermaid(example.map)
    dot = to_dot(example.map)
    assert mermaid.startswith("flowchart TD\n")
    assert dot.startswith("digraph vcall {") and dot.rstrip().endswith("}")
    for node in example.map.nodes.values():
        assert f"  {node.id}" in mermaid and f"  {node.id} [" in dot
    arrows = [line for line in mermaid.splitlines() if "-->" in line]
    assert len(arrows) == len(example.map.edges)


def test_problems_are_red_in_every_picture(faulty: ExploreResult) -> None:
    problem_ids = [n.id for n in faulty.map.nodes.values() if n.problem]
    assert problem_ids
    assert f"class {','.join(problem_ids)} problem" in to_mermaid(faulty.map)
    svg = ET.fromstring(map_svg(faulty.map))
    red = [
        g.get("id")
        for g in svg.iter("{http://www.w3.org/2000/svg}g")
        if "#d32f2f" in ET.tostring(g, encoding="unicode")
    ]
    assert set(problem_ids) <= set(red)


def test_the_html_report_is_self_contained(faulty: ExploreResult) -> None:
    page = explore_html(faulty)
    assert "<svg" in page and "http://" not in page.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    assert "src=" not in page and "<link" not in page
    for problem in faulty.problems:
        assert problem.kind.value in page
