"""Persona calls saved as ordinary fixtures: replayed green by the engine with no brain, and
reused by ``--replay`` while the bot's answers match the saving."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from persona_support import BILLING, bot_from, run, target, tts

from vcall.simulator.fixture.loader import load_scenario
from vcall.simulator.persona.brain import Decision, Usage, View
from vcall.simulator.persona.model import Persona, SuccessMatcher
from vcall.simulator.persona.rules import RuleBrain
from vcall.simulator.persona.run import PersonaConfig
from vcall.simulator.replay.engine import SimulationConfig, run_scenarios
from vcall.simulator.spec import CallbackKind

PERSONAS = [
    Persona("parcel", "查一下快递到哪了，然后挂机"),
    Persona("agent", "我要找人工客服"),
    Persona("menu", "查快递", say="自助菜单", hears={"menu.wav": "查快递请按1，转人工请按2"}),
]


class NoBrain:
    """Fails the test if it is ever asked."""

    name = "none"

    def __init__(self, _seed: int = 0) -> None:
        self.usage = Usage()
        self.asked = 0

    async def decide(self, view: View) -> Decision:
        raise AssertionError("the brain was asked although the saved call matched")


class CountingBrain(RuleBrain):
    asked = 0

    async def decide(self, view: View) -> Decision:
        CountingBrain.asked += 1
        return await super().decide(view)


def _save(tmp_path: Path, personas: list[Persona], app: object = None) -> list[Path]:
    config = PersonaConfig(SimulationConfig(seed=1), save_dir=tmp_path)
    result = run(personas, config=config) if app is None else run(personas, app, config=config)  # type: ignore[arg-type]
    assert result.all_met
    return [outcome.saved for outcome in result.outcomes if outcome.saved]


def test_saved_persona_calls_replay_green_with_no_brain(tmp_path: Path) -> None:
    paths = _save(tmp_path, PERSONAS)
    assert sorted(p.name for p in paths) == ["agent-0.yaml", "menu-0.yaml", "parcel-0.yaml"]
    scenarios = [load_scenario(path) for path in paths]
    assert all("persona" in s.tags and "recorded" in s.tags for s in scenarios)
    result = asyncio.run(run_scenarios(scenarios, target(), SimulationConfig()))
    assert [call.passed for call in result.calls] == [True, True, True]
    assert [call.end_reason for call in result.calls] == [s.end for s in scenarios]


def test_a_saved_call_fails_its_replay_when_the_bot_changes(tmp_path: Path) -> None:
    (path,) = _save(tmp_path, [PERSONAS[0]])
    changed = bot_from(
        lambda kind, content: tts(
            "answer" if kind is CallbackKind.CALLIN else "play", "您好。", "s"
        )
    )
    result = asyncio.run(run_scenarios([load_scenario(path)], target(changed), SimulationConfig()))
    assert not result.calls[0].passed


def test_replay_reuses_every_saved_step_while_the_answers_match(tmp_path: Path) -> None:
    _save(tmp_path, PERSONAS)
    config = PersonaConfig(SimulationConfig(seed=1), replay_dir=tmp_path)
    result = run(PERSONAS, brain=NoBrain, config=config)
    assert result.all_met
    for outcome in result.outcomes:
        assert outcome.call.reused_steps == len(outcome.call.steps) > 0
        assert outcome.replayed_from is not None


def test_replay_asks_the_brain_only_where_the_bot_differs(tmp_path: Path) -> None:
    persona = Persona(
        "fees",
        "查询本月话费",
        facts={"phone": "13912345678"},
        success=SuccessMatcher(heard="话费为"),
    )
    _save(tmp_path, [persona], BILLING)
    saved = load_scenario(tmp_path / "fees-0.yaml")

    def changed(kind: CallbackKind, content: dict[str, object]) -> dict[str, object]:
        from persona_support import billing_dialogue

        data = billing_dialogue(kind, content)
        if content.get("dynamic_id") == "told":  # the goodbye is new
            return tts("hangup", "感谢来电，祝您愉快，再见。", "bye", action_code_break=False)
        return data

    CountingBrain.asked = 0
    config = PersonaConfig(SimulationConfig(seed=1), replay_dir=tmp_path)
    outcome = run([persona], bot_from(changed), brain=CountingBrain, config=config).outcomes[0]
    assert outcome.verdict.met
    assert 0 < outcome.call.reused_steps < len(saved.steps)
    assert 0 < CountingBrain.asked <= 2


@pytest.mark.parametrize("name", ["a/b", "计费 客户"])
def test_saved_file_names_are_safe(tmp_path: Path, name: str) -> None:
    (path,) = _save(tmp_path, [Persona(name, "转人工")])
    assert path.parent == tmp_path and path.suffix == ".yaml"
