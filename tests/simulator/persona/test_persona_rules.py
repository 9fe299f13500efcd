"""The rule-based brain on the example bot and on bots written here: goals met, and not."""

from __future__ import annotations

from persona_support import BILLING, WEATHER, run

from vcall.simulator.fixture.asr import AsrConfig
from vcall.simulator.fixture.scenario import BargeIn, EndReason, Hangup, Press, Say, Silence
from vcall.simulator.persona.model import Persona, Style, SuccessMatcher
from vcall.simulator.persona.rules import key_phrase

MENU_WORDS = {"menu.wav": "查快递请按1，转人工请按2，重听请按0"}


def test_a_speech_goal_is_met_on_the_example_bot() -> None:
    outcome = run([Persona("parcel", "查一下快递到哪了，然后挂机")]).outcomes[0]
    assert outcome.verdict.met, outcome.verdict
    said = [s.action.words for s in outcome.call.steps if isinstance(s.action, Say)]
    assert said[0] == "查快递到哪"
    assert outcome.call.result.end_reason is EndReason.BOT_HANGUP
    assert outcome.verdict.time_to_goal_ms is not None and outcome.verdict.time_to_goal_ms > 0
    assert outcome.errors == 0


def test_a_key_menu_goal_presses_the_option_that_fits() -> None:
    persona = Persona("menu", "查快递", say="自助菜单", hears=MENU_WORDS)
    outcome = run([persona]).outcomes[0]
    pressed = [s.action.digits for s in outcome.call.steps if isinstance(s.action, Press)]
    assert pressed == ["1#"]  # 查快递 is option 1; the menu collects up to 4 keys ended by #
    assert outcome.verdict.met, outcome.verdict


def test_a_key_menu_goal_for_a_person_presses_the_agent_key() -> None:
    persona = Persona("menu-agent", "找人工客服", say="自助菜单", hears=MENU_WORDS)
    outcome = run([persona]).outcomes[0]
    pressed = [s.action.digits for s in outcome.call.steps if isinstance(s.action, Press)]
    assert pressed == ["2#"]
    assert outcome.call.result.end_reason is EndReason.TRANSFER
    assert outcome.verdict.met


def test_an_agent_request_is_met_by_the_transfer() -> None:
    outcome = run([Persona("agent", "我要找人工客服")]).outcomes[0]
    assert outcome.verdict.met
    assert outcome.call.result.end_reason is EndReason.TRANSFER
    assert "handed over" in outcome.verdict.reason


def test_a_goal_the_bot_never_offers_is_not_met_and_says_where_it_got_stuck() -> None:
    persona = Persona("fees", "查一下本月话费，然后挂机", budget=5)
    outcome = run([persona], WEATHER).outcomes[0]
    assert not outcome.verdict.met
    assert outcome.call.gave_up
    assert len(outcome.call.decisions) == 6  # five turns, then the hang-up
    assert isinstance(outcome.call.steps[-1].action, Hangup)
    assert "抱歉，我只能查询天气" in outcome.verdict.stuck
    assert "heard 5 times" in outcome.verdict.stuck


def test_a_success_matcher_decides_and_can_fail() -> None:
    met = Persona(
        "p", "查快递", success=SuccessMatcher(heard="预计明天送达", end=EndReason.BOT_HANGUP)
    )
    assert run([met]).outcomes[0].verdict.met
    missed = Persona("p", "查快递", success=SuccessMatcher(transfer="any"))
    verdict = run([missed]).outcomes[0].verdict
    assert not verdict.met and "never handed over" in verdict.reason


def test_spoken_menu_fact_and_confirmation_on_a_telecom_bot() -> None:
    persona = Persona(
        "fees",
        "查询本月话费",
        facts={"phone": "13912345678"},
        success=SuccessMatcher(heard="本月话费为"),
    )
    outcome = run([persona], BILLING).outcomes[0]
    steps = [s.action for s in outcome.call.steps]
    assert Press("2") in steps  # 查询话费请按2: one key, no end character
    said = [a.words for a in steps if isinstance(a, Say)]
    assert "13912345678" in said  # the fact, when asked for the phone number
    assert any(word in ("是的", "对", "对的，是的") for word in said)  # confirmed
    assert outcome.verdict.met, outcome.verdict


def test_the_same_seed_gives_the_same_call_and_styles_change_the_steps() -> None:
    persona = Persona("p", "查一下快递到哪了", style=Style.ELDERLY, asr=AsrConfig(fillers=0.9))
    first, second = run([persona]).outcomes[0], run([persona]).outcomes[0]
    assert first.call.steps == second.call.steps
    assert any(isinstance(s.action, Silence) for s in first.call.steps)  # pauses first
    say = next(s.action for s in first.call.steps if isinstance(s.action, Say))
    assert say.intended == "查快递到哪" and say.words != say.intended  # ASR realism applied
    talker = run([Persona("t", "我要找人工客服", style=Style.TALKS_OVER)]).outcomes[0]
    assert isinstance(talker.call.steps[0].action, BargeIn)
    assert talker.verdict.met
    fragments = run([Persona("f", "我想查一下快递到哪了", style=Style.FRAGMENTS)]).outcomes[0]
    first_said = next(s.action for s in fragments.call.steps if isinstance(s.action, Say))
    assert first_said.words == "快递到哪"


def test_calls_runs_seeds_and_reports_the_rate() -> None:
    from vcall.simulator.persona.run import PersonaConfig
    from vcall.simulator.replay.engine import SimulationConfig

    config = PersonaConfig(SimulationConfig(seed=3), calls=3)
    result = run([Persona("a", "转人工"), Persona("b", "查话费", budget=3)], config=config)
    assert [o.call.seed for o in result.outcomes] == [0, 1, 2, 0, 1, 2]
    assert result.met == 3 and result.rate == 0.5 and not result.all_met


def test_key_phrase_drops_fillers_and_later_clauses() -> None:
    assert key_phrase("查一下本月话费，然后挂机") == "查本月话费"
    assert key_phrase("我想要转人工") == "转人工"
