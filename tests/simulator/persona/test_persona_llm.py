"""The LLM brain and judge against a fake OpenAI-compatible server on 127.0.0.1 (no network)."""

from __future__ import annotations

import asyncio
import time

import pytest
from persona_support import action, fake_llm, run

from vcall.simulator.errors import UsageError
from vcall.simulator.fixture.scenario import EndReason
from vcall.simulator.persona.brain import BrainError, View
from vcall.simulator.persona.llm import LlmBrain, LlmClient, LlmConfig, LlmJudge, llm_config
from vcall.simulator.persona.model import Persona
from vcall.simulator.persona.run import PersonaConfig
from vcall.simulator.replay.engine import SimulationConfig

KEY = "sk-test-0123456789abcdef"
AGENT = Persona("agent", "我要找人工客服", facts={"phone": "13900001111"})


def _client(url: str, **limits: object) -> LlmClient:
    return LlmClient(LlmConfig(url, "qwen-plus", KEY, **limits))  # type: ignore[arg-type]


def test_the_llm_drives_the_call_with_the_apis_request_shape() -> None:
    with fake_llm([action(action="say", words="帮我转人工客服")]) as fake:
        client = _client(fake.url)
        outcome = run([AGENT], brain=lambda _seed: LlmBrain(client)).outcomes[0]
    assert outcome.call.result.end_reason is EndReason.TRANSFER
    assert outcome.verdict.met
    assert fake.paths[0] == "/v1/chat/completions"
    request = fake.requests[0]
    assert request["model"] == "qwen-plus"
    assert request["max_tokens"] == 200
    assert request["response_format"] == {"type": "json_object"}
    roles = [m["role"] for m in request["messages"]]
    assert roles == ["system", "user"]
    assert "我要找人工客服" in request["messages"][0]["content"]  # the persona's goal
    assert "13900001111" in request["messages"][0]["content"]  # and its facts
    assert fake.headers[0]["authorization"] == f"Bearer {KEY}"
    assert client.usage.requests == len(fake.requests)
    assert client.usage.total == 110 * len(fake.requests)


def test_a_runs_tokens_count_each_request_once_over_several_calls() -> None:
    """The brains of every call share one client: its meter is counted once, not once a call."""
    with fake_llm([action(action="say", words="帮我转人工客服")]) as fake:
        client = _client(fake.url)
        config = PersonaConfig(SimulationConfig(seed=1), calls=3)
        played = run([AGENT], brain=lambda _seed: LlmBrain(client), config=config)
    assert len(played.outcomes) == 3
    assert len(fake.requests) >= 3  # one decision a call at least
    assert played.usage.requests == len(fake.requests)  # counted once each (was summed per call)
    assert played.usage.total == 110 * len(fake.requests)


def test_the_transcript_so_far_reaches_the_llm() -> None:
    script = [action(action="say", words="查一下快递"), action(action="hangup")]
    with fake_llm(script) as fake:
        client = _client(fake.url)
        run([Persona("p", "查快递")], brain=lambda _seed: LlmBrain(client))
    second = fake.requests[1]["messages"][1]["content"]
    assert "BOT: welcome.wav" in second
    assert "YOU: say 查一下快递" in second
    assert "BOT: 您最近的一笔快递已到达杭州转运中心" in second


@pytest.mark.parametrize(
    "content",
    [
        "I would press one",  # not JSON
        action(action="dance"),  # not an action
        action(action="press", keys="one"),  # not keys
        action(action="say", words=""),  # nothing said
        action(action="silence", seconds=9999),  # too long
    ],
)
def test_a_malformed_answer_is_a_bounded_error(content: str) -> None:
    with fake_llm([content]) as fake:
        brain = LlmBrain(_client(fake.url))
        view = View(AGENT, (), None, False, 0)
        with pytest.raises(BrainError) as raised:
            asyncio.run(brain.decide(view))
    assert KEY not in str(raised.value)
    assert len(fake.requests) <= 2  # asked again once at most


def test_a_malformed_answer_ends_the_call_as_not_met() -> None:
    with fake_llm(["nonsense"]) as fake:
        client = _client(fake.url)
        outcome = run([AGENT], brain=lambda _seed: LlmBrain(client)).outcomes[0]
    assert not outcome.verdict.met
    assert "brain failed" in outcome.verdict.reason
    assert outcome.call.result.end_reason is EndReason.CALLER_HANGUP


def test_a_slow_llm_times_out_within_its_bounds() -> None:
    with fake_llm([action(action="hangup")], delay_s=3.0) as fake:
        brain = LlmBrain(_client(fake.url, timeout_s=0.3, retries=0))
        started = time.perf_counter()
        with pytest.raises(BrainError, match=r"no answer within 0\.3 s"):
            asyncio.run(brain.decide(View(AGENT, (), None, False, 0)))
    assert time.perf_counter() - started < 2.5


def test_an_http_error_is_a_bounded_error_without_the_key() -> None:
    with fake_llm(["{}"], status=401) as fake:
        brain = LlmBrain(_client(fake.url, retries=0))
        with pytest.raises(BrainError, match="HTTP 401") as raised:
            asyncio.run(brain.decide(View(AGENT, (), None, False, 0)))
    assert KEY not in str(raised.value)


def test_the_llm_judge_explains_its_verdict() -> None:
    verdict = action(met=False, explanation="机器人一直没有转人工。")
    with fake_llm([action(action="say", words="转人工"), verdict]) as fake:
        client = _client(fake.url)
        brain = LlmBrain(client)
        from persona_support import target

        from vcall.simulator.persona.run import PersonaConfig, run_personas
        from vcall.simulator.replay.engine import SimulationConfig

        result = asyncio.run(
            run_personas(
                [AGENT],
                target(),
                PersonaConfig(SimulationConfig()),
                lambda _s: brain,
                LlmJudge(client),
            )
        )
    outcome = result.outcomes[0]
    assert outcome.verdict.judge == "llm"
    assert outcome.verdict.explanation == "机器人一直没有转人工。"
    assert not outcome.verdict.met  # the LLM judge's word, with no success: matcher
    assert "Transcript" in fake.requests[-1]["messages"][1]["content"]


def test_the_key_comes_from_the_environment_and_never_shows() -> None:
    with pytest.raises(UsageError, match="VCALL_LLM_API_KEY"):
        llm_config("https://dashscope.aliyuncs.com/compatible-mode/v1", "qwen-plus", {})
    config = llm_config("http://127.0.0.1:8000/v1", "m", {})
    assert config.api_key == "no-key"  # a local server needs none
    config = llm_config("https://example.invalid/v1", "m", {"VCALL_LLM_API_KEY": KEY})
    assert config.api_key == KEY and KEY not in repr(config)
    with pytest.raises(UsageError, match="--model"):
        llm_config("http://127.0.0.1:8000/v1", "", {})
