"""Fixtures with a ``persona:`` block, played by the engine with the persona player: the goal is
the call's verdict (met: an information finding, not met: an error), reported like any call."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from persona_support import BILLING, FEES_FIXTURE, WEATHER, action, fake_llm, target

from vcall.simulator.asgi import App
from vcall.simulator.findings import Severity
from vcall.simulator.fixture import EndReason, LoadOptions, Scenario, load_fixture
from vcall.simulator.fixture.loader import parse_fixture
from vcall.simulator.persona import (
    GOAL_MET,
    GOAL_NOT_MET,
    FixturePersonas,
    LlmBrain,
    LlmClient,
    LlmJudge,
    goal_rate,
    llm_config,
    persona_seeds,
)
from vcall.simulator.replay import (
    PERSONA_NOT_PLAYED,
    CallFinished,
    CallResult,
    RunResult,
    SimulationConfig,
    Turn,
    simulate,
)
from vcall.simulator.reports import write_junit_report

SHIPPED = Path(__file__).resolve().parents[3] / "fixtures" / "persona_parcel_goal.yaml"
FEES = FEES_FIXTURE
KEY = "sk-fixture-secret-0a1b2c3d4e"


def scenarios(text: str, seed: int | None = None) -> list[Scenario]:
    return parse_fixture(text, "fees.yaml", {}, LoadOptions(seed=seed))


def play(
    loaded: list[Scenario],
    app: App,
    player: FixturePersonas | None = None,
    config: SimulationConfig | None = None,
) -> RunResult:
    player = player if player is not None else FixturePersonas()
    return simulate(loaded, target(app), config or SimulationConfig(seed=1), persona_player=player)


def sent(turn: Turn) -> object:
    """The keys or the words a callback carried."""
    return turn.callback.content.get("dtmf_digits") or turn.callback.content.get("words")


def verdicts(call: CallResult) -> list[tuple[str, Severity]]:
    return [(f.rule, f.severity) for f in call.findings if f.rule.startswith("persona-")]


def test_a_goal_the_bot_serves_is_met_and_the_call_passes() -> None:
    run = play(scenarios(FEES), BILLING)
    (call,) = run.calls
    assert call.passed, call.findings
    assert verdicts(call) == [(GOAL_MET, Severity.INFO)]
    said = [sent(t) for t in call.turns]
    assert "2" in said  # the spoken menu's key for 查询话费
    assert any("13912345678" in str(words) for words in said)  # the fact, when asked
    assert call.scenario.name == "查本月话费" and call.scenario.file == "fees.yaml"


def test_a_goal_the_bot_never_offers_fails_the_call_and_says_where_it_got_stuck() -> None:
    run = play(scenarios(FEES), WEATHER)
    (call,) = run.calls
    assert not call.passed and run.failed == 1
    (finding,) = [f for f in call.findings if f.rule == GOAL_NOT_MET]
    assert finding.is_error and finding.seed == "fixture"
    assert "never heard a prompt matching '本月话费为'" in finding.message
    assert "抱歉，我只能查询天气" in finding.message
    assert call.expectation_misses == 1 and call.spec_errors == 0


def test_spec_only_makes_a_missed_goal_a_warning() -> None:
    run = play(scenarios(FEES), WEATHER, config=SimulationConfig(seed=1, spec_only=True))
    assert verdicts(run.calls[0]) == [(GOAL_NOT_MET, Severity.WARNING)]
    assert run.failed == 0


def test_scripted_steps_play_first_then_the_persona() -> None:
    text = FEES + "steps:\n  - wait: playback\n  - say: 你好\n"
    (call,) = play(scenarios(text), BILLING).calls
    first = next(t for t in call.turns if t.step_index is not None)
    assert sent(first) == "你好" and first.step_index == 1
    assert verdicts(call) == [(GOAL_MET, Severity.INFO)]


def test_the_shipped_persona_fixture_meets_its_goal_on_the_example_bot() -> None:
    from vcall.simulator.example_bot import app as example_app

    (call,) = play(load_fixture(SHIPPED), example_app).calls
    assert call.passed and verdicts(call) == [(GOAL_MET, Severity.INFO)]
    assert not [f for f in call.findings if f.is_error]


def test_the_same_seed_plays_the_same_call() -> None:
    text = FEES.replace("budget: 8", "budget: 8\n  style: fragments\n  asr: {fillers: 0.5}")

    def words(seed: int) -> list[object]:
        (call,) = play(scenarios(text, seed=seed), BILLING).calls
        return [sent(t) for t in call.turns]

    assert words(3) == words(3)
    assert any(words(seed) != words(3) for seed in (4, 5, 6, 7))  # the ASR draw follows the seed


def test_calls_n_plays_n_seeds_and_the_rate_counts_persona_calls_only() -> None:
    plain = parse_fixture("name: 普通\nsteps: [{wait: playback}, hangup]\n", "p.yaml", {})
    planned = persona_seeds([*scenarios(FEES), *plain], 3)
    assert [s.name for s in planned] == [
        "查本月话费 [seed 0]", "查本月话费 [seed 1]", "查本月话费 [seed 2]", "普通",
    ]  # fmt: skip
    rate = goal_rate(play(planned, BILLING))
    assert rate is not None and (rate.calls, rate.met, rate.rate) == (3, 3, 1.0)
    missed = goal_rate(play(persona_seeds(scenarios(FEES), 2), WEATHER))
    assert missed is not None and (missed.calls, missed.met) == (2, 0)
    assert goal_rate(play(plain, BILLING)) is None


def test_without_a_persona_player_the_engine_plays_the_scripted_steps_and_says_so() -> None:
    ending = FEES + "end: transfer\n"  # the persona's ending: not checked without it
    run = simulate(scenarios(ending), target(BILLING), SimulationConfig(seed=1))
    (call,) = run.calls
    assert call.passed
    assert [f.rule for f in call.findings] == [PERSONA_NOT_PLAYED]
    assert [t.callback.kind.value for t in call.turns] == ["callin"]
    played = play(scenarios(ending), BILLING).calls[0]  # with it, the end is checked
    assert played.end_reason is EndReason.BOT_HANGUP
    assert "expect-end" in [f.rule for f in played.findings] and not played.passed


def test_without_a_persona_player_the_finished_call_event_already_leaves_the_end_unchecked() -> (
    None
):
    # load and Locust count calls from the CallFinished event, not from the returned result
    finished: list[CallResult] = []

    def sink(event: object) -> None:
        if isinstance(event, CallFinished):
            finished.append(event.result)

    ending = FEES + "end: transfer\n"
    simulate(scenarios(ending), target(BILLING), SimulationConfig(seed=1), sink=sink)
    (call,) = finished
    assert [f.rule for f in call.findings] == [PERSONA_NOT_PLAYED] and call.passed


def test_a_missed_goal_is_a_junit_failure(tmp_path: Path) -> None:
    run = play(
        [*scenarios(FEES), *parse_fixture(FEES.replace("查本月话费", "另一个"), "b.yaml", {})],
        WEATHER,
    )
    report = tmp_path / "junit.xml"
    write_junit_report(run, report)
    cases = ET.parse(report).getroot().iter("testcase")
    failures = [case.find("failure") for case in cases]
    assert len(failures) == 2 and all(f is not None for f in failures)
    assert all(
        GOAL_NOT_MET in ET.tostring(f, encoding="unicode") for f in failures if f is not None
    )


def test_the_llm_brain_plays_a_persona_fixture_and_the_key_never_shows() -> None:
    script = [
        action(action="say", words="查询话费"),
        action(action="press", keys="2"),
        action(action="say", words=f"13912345678 {KEY}"),
        action(action="say", words="是的"),
        action(action="hangup"),
        action(met=True, explanation="机器人报了本月话费。"),
    ]
    with fake_llm(script) as fake:
        config = llm_config(fake.url, "qwen-plus", {"VCALL_LLM_API_KEY": KEY}, retries=0)
        client = LlmClient(config)
        player = FixturePersonas(lambda _seed: LlmBrain(client), LlmJudge(client))
        run = play(scenarios(FEES), BILLING, player)
    (call,) = run.calls
    assert fake.headers[0]["authorization"] == f"Bearer {KEY}"
    assert fake.paths[0] == "/v1/chat/completions"
    assert any(
        "查本月话费" in str(r) or "查询本月话费" in str(r) for r in fake.requests
    )  # the goal
    assert verdicts(call) == [(GOAL_MET, Severity.INFO)]
    assert player.usage.requests == len(fake.requests) and player.usage.total > 0
    shown = " ".join(f.message for f in call.findings) + repr(call.findings)
    assert KEY not in shown
