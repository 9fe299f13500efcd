"""``vcall check``'s request-through-asr-noise: the note says whether the bot understood."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from menu_bot import bot_from as json_bot

from vcall.simulator.asgi import App
from vcall.simulator.explore.check import CheckConfig, Verdict, check
from vcall.simulator.explore.check_noise import as_written
from vcall.simulator.fixture.loader import parse_fixture
from vcall.simulator.fixture.scenario import Say
from vcall.simulator.replay.targets import app_target
from vcall.simulator.spec import CallbackKind
from vcall.simulator.transport import Placement

NAME = "request-through-asr-noise"


def _bot(route: Callable[[str], str]) -> App:
    def data(kind: CallbackKind, content: Mapping[str, Any]) -> dict[str, Any]:
        if kind is CallbackKind.CALLIN:
            return {"action": "answer", "action_code": "welcome.wav"}
        if kind is CallbackKind.NORMAL:
            return {"action": "play", "action_code": f"{route(str(content.get('words')))}.wav"}
        return {"action": "donothing"}

    return json_bot(data)


def _note(app: App) -> str:
    result = check(app_target("bot", app), CheckConfig(placements=(Placement.FORM,)))
    row = next(r for r in result.behaviours if r.name == NAME)
    assert row.verdict(Placement.FORM) is Verdict.PASSED  # a note, never a failure
    assert not any(NAME + " (as written)" in c.scenario.name for c in result.run.calls)
    return row.note()


def test_a_bot_that_matches_the_exact_words_did_not_understand() -> None:
    note = _note(_bot(lambda words: "order" if "我的订单" in words else "again"))
    assert note.startswith("not understood through ASR noise")
    assert "定单" in note and "again.wav" in note and "order.wav" in note


def test_a_bot_that_routes_every_sentence_alike_understood() -> None:
    note = _note(_bot(lambda _words: "order"))
    assert note.startswith("understood through ASR noise")


def test_as_written_restores_the_fixtures_words() -> None:
    [scenario] = parse_fixture(
        "name: n\nasr: {confusions: 1, seed: 1}\nsteps:\n  - say: 查话费\n  - say: 好\n", "n.yaml"
    )
    twin = as_written(scenario)
    assert twin is not None and twin.name == "n (as written)"
    assert [s.action.words for s in twin.steps if isinstance(s.action, Say)] == ["查话费", "好"]
    [plain] = parse_fixture("name: p\nsteps:\n  - say: 好\n", "p.yaml")
    assert as_written(plain) is None
