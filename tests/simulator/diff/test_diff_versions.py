"""``diff()`` on two versions of a test bot: exactly the changes made, nothing else."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from diff_bot import BALANCE_REWORDED, PLANS, RENAMED, V1, V2, Version, version_bot

from vcall.simulator.diff import ChangeKind, DiffConfig, DiffResult, diff
from vcall.simulator.diff.report import diff_html, diff_markdown, diff_to_dict
from vcall.simulator.explore.report import write_explore_json
from vcall.simulator.explore.run import ExploreConfig, explore
from vcall.simulator.fixture.loader import load_scenarios
from vcall.simulator.replay.engine import SimulationConfig, simulate
from vcall.simulator.replay.targets import Target, app_target

CONFIG = DiffConfig(explore=ExploreConfig(lines=("喂？",), shrink=False))
KEY = ("say 喂？",)
"""The caller's first move: the greeting waits for it, then the menu collects a key."""


def target(version: Version, name: str = "bot") -> Target:
    return app_target(name, version_bot(version))


def changes(result: DiffResult) -> list[tuple[ChangeKind, tuple[str, ...]]]:
    return [(change.kind, change.path) for change in result.changes]


@pytest.fixture(scope="module")
def v1_to_v2() -> DiffResult:
    return diff(target(V1, "v1"), target(V2, "v2"), CONFIG)


def test_three_known_changes_and_nothing_else(v1_to_v2: DiffResult) -> None:
    assert changes(v1_to_v2) == [
        (ChangeKind.REWORDED, (*KEY, "key 1")),
        (ChangeKind.REROUTED, (*KEY, "key 2")),
        (ChangeKind.ADDED, (*KEY, "key 3")),
    ]
    assert v1_to_v2.summary() == "3 changes: 1 prompt reworded, 1 key re-routed, 1 state added"
    assert v1_to_v2.failed() and not v1_to_v2.failed("problems")


def test_each_change_says_what(v1_to_v2: DiffResult) -> None:
    reworded, rerouted, added = v1_to_v2.changes
    assert [f.field for f in reworded.fields] == ["plays"]
    assert reworded.fields[0].new == BALANCE_REWORDED.replace("35", "<n>")
    assert rerouted.old is not None and rerouted.new is not None
    assert (rerouted.old.dynamic_id, rerouted.new.dynamic_id) == ("hours", "agent")
    assert added.new is not None and added.new.plays == (PLANS,)


def test_a_bot_against_itself_is_no_change() -> None:
    result = diff(target(V1), target(V1), CONFIG)
    assert result.changes == [] and not result.failed()
    assert result.summary() == "no change"


def test_renamed_dynamic_ids_alone_are_no_change() -> None:
    result = diff(target(V1), target(RENAMED), CONFIG)
    assert {s.dynamic_id for s in result.new.states.values()} >= {"v2-menu", "v2-balance"}
    assert result.changes == []


def test_a_saved_map_reads_as_the_bot_it_was_explored_from(tmp_path: Path) -> None:
    saved = tmp_path / "released.json"
    write_explore_json(explore(target(V1), CONFIG.explore), saved)
    body = json.loads(saved.read_text(encoding="utf-8"))["map"]
    assert body["format"] == "vcall-explore-map/2"  # the answers are additive: /2 readers agree
    menu = next(s for s in body["states"] if s["dynamic_id"] == "menu")
    assert menu["answer"]["dtmf_max_numbers"] == 1 and "call_id" not in menu["answer"]
    assert diff(saved, target(V1), CONFIG).changes == []
    assert diff(saved, saved, CONFIG).changes == []
    assert [kind for kind, _ in changes(diff(saved, target(V2), CONFIG))] == [
        ChangeKind.REWORDED,
        ChangeKind.REROUTED,
        ChangeKind.ADDED,
    ]


def test_maps_written_before_answers_were_kept_still_diff(tmp_path: Path) -> None:
    report = tmp_path / "old.json"
    write_explore_json(explore(target(V1), CONFIG.explore), report)
    document = json.loads(report.read_text(encoding="utf-8"))
    body = document["map"]
    body["format"] = "vcall-explore-map/1"
    body["transitions"] = body.pop("moves")
    for state in body["states"]:
        del state["answer"]
    report.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert diff(report, target(V1), CONFIG).changes == []
    assert len(diff(report, target(V2), CONFIG).changes) == 3


def test_a_setting_changed_is_an_answer_change_unless_ignored() -> None:
    slower = dataclasses.replace(V1, mute_time=8000)
    result = diff(target(V1), target(slower), CONFIG)
    assert result.changes, "mute_time changed in every prompt"
    assert {change.kind for change in result.changes} == {ChangeKind.ANSWER}
    assert {f.field for change in result.changes for f in change.fields} == {"mute_time"}
    assert ("5000", "8000") in {(f.old, f.new) for c in result.changes for f in c.fields}
    quiet = diff(target(V1), target(slower), dataclasses.replace(CONFIG, ignore=("mute_time",)))
    assert quiet.changes == []


def test_new_and_fixed_problems() -> None:
    broken = dataclasses.replace(V1, http_500_on="4")
    result = diff(target(V1), target(broken), CONFIG)
    assert [c.kind for c in result.new_problems] == [ChangeKind.NEW_PROBLEM]
    assert result.new_problems[0].path == (*KEY, "key 4")
    assert result.failed("problems")
    back = diff(target(broken), target(V1), CONFIG)
    assert [c.kind for c in back.fixed_problems] == [ChangeKind.FIXED_PROBLEM]
    assert not back.failed("problems")


def test_saved_fixtures_expect_the_new_answers(tmp_path: Path) -> None:
    config = dataclasses.replace(CONFIG, save_dir=tmp_path)
    result = diff(target(V1), target(V2), config)
    assert len(result.saved) == 3
    scenarios = load_scenarios([str(tmp_path)])
    assert all("diff" in s.tags for s in scenarios)
    assert simulate(scenarios, target(V2), SimulationConfig()).failed == 0
    assert simulate(scenarios, target(V1), SimulationConfig()).failed == 3


def test_reports_list_the_changes(v1_to_v2: DiffResult) -> None:
    document = diff_to_dict(v1_to_v2)
    assert document["kind"] == "diff" and document["behavioural_changes"] == 3
    assert [c["kind"] for c in document["changes"]] == [
        "prompt reworded",
        "re-routed",
        "state added",
    ]
    assert document["changes"][1]["moves"] == [*KEY, "key 2"]
    markdown = diff_markdown(v1_to_v2)
    assert "**3 changes: 1 prompt reworded, 1 key re-routed, 1 state added**" in markdown
    assert markdown.count("\n| ") == 4  # the header and one row per change
    assert "&lt;n&gt;" in markdown and "<n>" not in markdown  # no HTML for GitHub to eat
    html = diff_html(v1_to_v2)
    assert html.count('stroke="#ef6c00"') >= 4  # old and new sides of each change
    assert html.count("<svg") == 2


def test_property_violations_in_saved_reports_are_new_or_fixed_problems(tmp_path: Path) -> None:
    """A report written with ``vcall explore --properties`` lists each property's outcome."""
    saved = tmp_path / "map.json"
    write_explore_json(explore(target(V1), CONFIG.explore), saved)
    document = json.loads(saved.read_text(encoding="utf-8"))
    menu = next(s["id"] for s in document["map"]["states"] if s["dynamic_id"] == "menu")
    outcome = {"name": "menu-offers-agent", "claim": "the menu offers an agent", "states": [menu]}
    holds, violated = tmp_path / "holds.json", tmp_path / "violated.json"
    for path, verdict in ((holds, "holds"), (violated, "violated")):
        document["properties"] = [{**outcome, "verdict": verdict, "moves": list(KEY)}]
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    (new,) = diff(holds, violated, CONFIG).changes
    assert (new.kind, new.problem and new.problem.rule) == (
        ChangeKind.NEW_PROBLEM,
        "menu-offers-agent",
    )
    assert new.path == KEY and new.new is not None and new.new.dynamic_id == "menu"
    (fixed,) = diff(violated, holds, CONFIG).changes
    assert fixed.kind is ChangeKind.FIXED_PROBLEM
    assert diff(violated, violated, CONFIG).changes == []
