"""One problem per bug: a bot with four planted bugs gets exactly four problems from explore,
four distinct saved fixtures, each failing when replayed; its warnings are kept, once each.

The bot (a parcel service, written here): a greeting; "查快递" opens a key menu, "投诉" a
complaint desk, "转人工" a hold that leads into two states the caller is bounced between, "再见"
ends the call, anything else is asked again. Planted:

1. silence (``mute``) at the greeting, the "say again" prompt and the key menu: HTTP 500 (one bug
   found at three states, each shrinking to the same single silence);
2. the complaint desk's ``dynamic_id`` holds ``:`` (forbidden); the desk is reached only through
   that answer (an error-only state, which restates bug 2);
3. the hold leads to a loop of two states (A ↔ B) that never ends the call;
4. key 2 of the key menu plays a TTS variable with no value.

Not bugs, warnings: a ``¥`` in a spoken TTS value (the key menu), a ``mute_time`` out of range
(the "say again" prompt).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from menu_bot import status_bot

from vcall.simulator.asgi import App
from vcall.simulator.explore.problems import ProblemKind
from vcall.simulator.explore.report import explore_html, explore_to_dict
from vcall.simulator.explore.run import ExploreConfig, ExploreResult, explore
from vcall.simulator.fixture.loader import load_scenarios
from vcall.simulator.replay.engine import SimulationConfig, simulate
from vcall.simulator.replay.targets import app_target
from vcall.simulator.spec import CallbackKind

LINES = ("查快递", "投诉", "转人工", "再见", "你好")
PLANTED = 4


def _tts(text: str) -> dict[str, Any]:
    return {
        "action_code": "$text$",
        "action_code_param": json.dumps({"text": text}, ensure_ascii=False),
    }


def _play(text: str, state: str, **more: Any) -> dict[str, Any]:
    return {"action": "play", **_tts(text), "dynamic_id": state, "mute_time": 5000, **more}


GOODBYE = {"action": "hangup", **_tts("感谢您的来电，再见。"), "dynamic_id": "bye"}
KEY_MENU = {
    "action": "dtmf",
    **_tts("查询快递请按1，寄件请按2，寄件运费12¥起。"),
    "dynamic_id": "keys",
    "dtmf_max_numbers": 1,
    "dtmf_end_character": "",
    "dtmf_nonin_overtime": 5,
    "mute_time": 5000,
}
MUTE_FAILS = frozenset({"start", "again", "keys"})


def answer(kind: CallbackKind, content: Mapping[str, Any]) -> tuple[int, dict[str, Any]]:
    """HTTP status and ``data`` (without ``call_id``) for one callback."""
    state = str(content.get("dynamic_id") or "").split(":")[0]
    words = str(content.get("words", ""))
    if kind is CallbackKind.CALLIN:
        greeting = {"action": "answer", **_tts("您好，这里是顺达快递，请问有什么可以帮您？")}
        return 200, {**greeting, "dynamic_id": "start", "mute_time": 5000}
    if kind is CallbackKind.MUTE and state in MUTE_FAILS:
        return 500, {}  # bug 1
    if state in ("hold", "loop-b"):
        return 200, _play("正在为您转接人工客服，请稍候。", "loop-a")  # bug 3
    if state == "loop-a":
        return 200, _play("坐席正忙，请继续等待。", "loop-b")
    if state in ("complaint", "sent", "bye"):
        return 200, GOODBYE
    if state == "keys":
        digits = str(content.get("dtmf_digits", ""))
        if digits == "1":
            return 200, GOODBYE
        if digits == "2":  # bug 4: $name$ has no value
            return 200, {
                **_play("请说出寄件地址。", "sent"),
                "action_code": "$text$,$name$",
            }
        return 200, KEY_MENU
    if "查快递" in words:
        return 200, KEY_MENU
    if "投诉" in words:  # bug 2: ':' in dynamic_id
        return 200, _play("请说出您要投诉的问题。", "complaint:1")
    if "转人工" in words:
        return 200, _play("好的，马上为您转人工。", "hold")
    if "再见" in words or kind is CallbackKind.MUTE:
        return 200, GOODBYE
    return 200, _play("抱歉，我没有听清，请再说一遍。", "again", mute_time=100)  # a warning


def planted_bot() -> App:
    return status_bot(answer)


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[ExploreResult, Path]:
    saved = tmp_path_factory.mktemp("found")
    config = ExploreConfig(save_dir=saved, lines=LINES)
    return explore(app_target("parcel", planted_bot()), config), saved


def _by_rule(result: ExploreResult) -> dict[str, Any]:
    return {problem.rule: problem for problem in result.problems}


def test_each_planted_bug_is_exactly_one_problem(planted: tuple[ExploreResult, Path]) -> None:
    result, _ = planted
    assert len(result.problems) == PLANTED, [p.summary for p in result.problems]
    assert set(_by_rule(result)) == {
        "http-status",
        "forbidden-character",
        "loop",
        "tts-variable-missing",
    }
    assert ProblemKind.ERROR_ONLY not in {p.kind for p in result.problems}


def test_one_bug_found_at_several_states_is_labelled_where_its_moves_lead(
    planted: tuple[ExploreResult, Path],
) -> None:
    result, _ = planted
    http = _by_rule(result)["http-status"]
    assert [move.label for move in http.path] == ["silence"]
    assert http.state == "s0"  # the greeting: where one silence leads, not where it was found
    assert http.also_at and "s0" not in http.also_at
    by_id = result.map.by_id()
    assert {by_id[s].key.dynamic_id for s in http.also_at} <= {"again", "keys"}
    assert http.summary.endswith(f"; also shows at {', '.join(http.also_at)}")


def test_an_error_only_state_is_folded_into_the_error_that_leads_there(
    planted: tuple[ExploreResult, Path],
) -> None:
    result, _ = planted
    forbidden = _by_rule(result)["forbidden-character"]
    (desk,) = forbidden.only_way_on
    assert result.map.by_id()[desk].key.dynamic_id == "complaint:1"
    assert forbidden.summary.endswith("; and the call can only go on through this bad answer")


def test_a_loop_is_named_by_the_states_it_goes_round(planted: tuple[ExploreResult, Path]) -> None:
    result, _ = planted
    loop = _by_rule(result)["loop"]
    by_id = result.map.by_id()
    named = loop.title.split("go round ")[1].split(" and ")[0].split(", ")
    assert {by_id[s].key.dynamic_id for s in named} == {"loop-a", "loop-b"}
    hold = next(n.id for n in result.map.nodes.values() if n.key.dynamic_id == "hold")
    assert hold in loop.states  # marked on the map, but not called part of the loop
    assert hold not in named


def test_warnings_are_kept_once_each_with_their_states(
    planted: tuple[ExploreResult, Path],
) -> None:
    result, _ = planted
    rules = [caution.rule for caution in result.warnings]
    assert len(rules) == len(set(rules))
    assert {"forbidden-character-doubt", "range-fallback"} <= set(rules)
    by_id = result.map.by_id()
    yen = next(c for c in result.warnings if c.rule == "forbidden-character-doubt")
    assert [by_id[s].key.dynamic_id for s in yen.states] == ["keys"]


def test_the_reports_carry_the_merged_problems_and_the_warnings(
    planted: tuple[ExploreResult, Path],
) -> None:
    result, _ = planted
    document = explore_to_dict(result)
    http = next(p for p in document["problems"] if p["rule"] == "http-status")
    assert http["state"] == "s0" and http["also_at"] and http["moves"] == ["silence"]
    assert document["moves_tried"] == len(result.map.edges)
    assert {w["rule"] for w in document["warnings"]} == {c.rule for c in result.warnings}
    page = explore_html(result)
    assert page.index("<h2>Problems</h2>") < page.index("<h2>Warnings</h2>")
    assert 'class="warning"' in page and "range-fallback" in page


def _body(path: Path) -> str:
    """A fixture without the lines that name it (what two copies of one bug would share)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.startswith(("name:", "description:", "#")))


def test_save_writes_one_distinct_fixture_per_problem_each_replaying_red(
    planted: tuple[ExploreResult, Path],
) -> None:
    result, saved = planted
    files = sorted(saved.iterdir())
    assert len(files) == len(result.saved) == PLANTED
    assert len({_body(path) for path in files}) == PLANTED
    for path in files:
        (scenario,) = load_scenarios([str(path)])
        run = simulate([scenario], app_target("parcel", planted_bot()), SimulationConfig())
        assert run.calls[0].failed(), path.name


def test_warnings_alone_pass_unless_strict() -> None:
    def only_warnings(kind: CallbackKind, content: Mapping[str, Any]) -> tuple[int, dict[str, Any]]:
        if kind is CallbackKind.CALLIN:
            return answer(kind, content)
        if "再见" in str(content.get("words")) or kind is CallbackKind.MUTE:
            return 200, GOODBYE
        return 200, _play("抱歉，我没有听清，请再说一遍。", "again", mute_time=100)

    result = explore(
        app_target("warned", status_bot(only_warnings)), ExploreConfig(lines=("再见", "你好"))
    )
    assert result.problems == []
    assert [c.rule for c in result.warnings] == ["range-fallback"]
    assert (result.failed(), result.failed(strict=True)) == (False, True)
