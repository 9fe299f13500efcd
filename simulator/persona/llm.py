"""The LLM brain and judge: any OpenAI-compatible chat completions API (DashScope's compatible
mode, a llama.cpp or vLLM server), through the ``openai`` client library (``vcall[llm]``).

The library is imported only when an LLM is used. Every request is bounded: ``max_tokens``, a
timeout per attempt, the client's retries; an answer that is not the strict JSON action format is
asked again once, then it is a :class:`~vcall.simulator.persona.brain.BrainError`. The API key is
registered as a secret (masked wherever vcall writes) and never put in any message.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from vcall.simulator import secrets
from vcall.simulator.errors import UsageError
from vcall.simulator.persona.brain import Act, BrainError, Decision, Line, Usage, View
from vcall.simulator.persona.caller import PersonaCall
from vcall.simulator.persona.judge import Verdict, stuck_at
from vcall.simulator.persona.model import Persona, Style

ENV_API_KEY = "VCALL_LLM_API_KEY"
NO_KEY = "no-key"
"""Sent to a loopback server when no key is set (local servers accept any)."""
KEYS = re.compile(r"[0-9*#]{1,32}")
MAX_WORDS = 200
MAX_SILENCE_S = 60.0
PARSE_ATTEMPTS = 2
STYLE_WORDS: Mapping[Style, str] = {
    Style.PATIENT: "patient and polite; you let the bot finish",
    Style.IMPATIENT: "impatient; you are short and want to get it done fast",
    Style.ELDERLY: "an elderly person; you speak slowly and sometimes ask the bot to repeat",
    Style.TALKS_OVER: "you tend to talk over the bot's prompts",
    Style.FRAGMENTS: "you answer in fragments: a few key words, never whole sentences",
}
ACTION_FORMAT = (
    'Answer with ONE JSON object and nothing else, one of: {"action": "say", "words": "..."}; '
    '{"action": "press", "keys": "1#"}; {"action": "silence", "seconds": 3}; '
    '{"action": "wait"} (let the prompt play on); {"action": "hangup"}.'
)


@dataclass(frozen=True, slots=True)
class LlmConfig:
    url: str
    model: str
    api_key: str = ""
    timeout_s: float = 20.0
    retries: int = 2
    """Retries of a failed request (the client's own, with its back-off)."""
    max_tokens: int = 200

    def __repr__(self) -> str:  # the key never shows, not even in a traceback's locals
        return f"LlmConfig(url={self.url!r}, model={self.model!r}, api_key=****)"


def llm_config(url: str, model: str, environ: Mapping[str, str], **limits: Any) -> LlmConfig:
    """The LLM settings, the key from ``VCALL_LLM_API_KEY`` (registered as a secret)."""
    if not model:
        raise UsageError("--llm needs --model NAME (e.g. qwen-plus)")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"--llm {url!r}: expected the API's base URL, e.g. http://127.0.0.1:8000/v1"
        )
    key = environ.get(ENV_API_KEY, "")
    if not key and not _loopback(parts.hostname):
        raise UsageError(f"--llm {parts.hostname}: set {ENV_API_KEY} to the API key")
    secrets.register(key)
    return LlmConfig(url, model, key or NO_KEY, **limits)


def _loopback(host: str) -> bool:
    return host in ("localhost", "::1") or host.startswith("127.")


class LlmClient:
    """One chat completion at a time, bounded, its tokens counted."""

    def __init__(self, config: LlmConfig) -> None:
        try:
            import openai
        except ImportError:
            raise UsageError("--llm needs the openai package: pip install 'vcall[llm]'") from None
        self.config = config
        self.usage = Usage()
        self._openai = openai
        self._client: Any = openai.AsyncOpenAI(  # Any: its overloads vary by version
            api_key=config.api_key,
            base_url=config.url,
            timeout=config.timeout_s,
            max_retries=config.retries,
        )

    async def complete(self, messages: Sequence[Mapping[str, str]], max_tokens: int) -> str:
        openai = self._openai
        try:
            response = await self._client.chat.completions.create(
                model=self.config.model,
                messages=list(messages),
                max_tokens=max_tokens,
                temperature=0,
                response_format={"type": "json_object"},
            )
        except openai.APITimeoutError:
            raise BrainError(self.where(f"no answer within {self.config.timeout_s:g} s")) from None
        except openai.APIStatusError as error:
            raise BrainError(self.where(f"HTTP {error.status_code}")) from None
        except openai.APIConnectionError:
            raise BrainError(self.where("cannot connect")) from None
        except (openai.OpenAIError, ValueError) as error:
            raise BrainError(self.where(type(error).__name__)) from None
        self.usage.requests += 1
        usage = getattr(response, "usage", None)
        if usage is not None:
            self.usage.prompt_tokens += int(getattr(usage, "prompt_tokens", 0) or 0)
            self.usage.completion_tokens += int(getattr(usage, "completion_tokens", 0) or 0)
        choices = getattr(response, "choices", None) or []
        content = choices[0].message.content if choices else None
        return str(content or "")

    def where(self, what: str) -> str:
        return secrets.mask(
            f"the LLM at {self.config.url} ({self.config.model}): {what}", [self.config.api_key]
        )

    async def json_answer(self, messages: list[dict[str, str]], max_tokens: int) -> dict[str, Any]:
        """The answer as a JSON object; asked again once when it is not one."""
        problem = ""
        for _attempt in range(PARSE_ATTEMPTS):
            text = await self.complete(messages, max_tokens)
            try:
                value = json.loads(_unfenced(text))
            except ValueError:
                value = None
            if isinstance(value, dict):
                return value
            problem = f"not a JSON object: {text[:80]!r}"
            messages = [
                *messages,
                {"role": "assistant", "content": text[:500]},
                {"role": "user", "content": ACTION_FORMAT},
            ]
        raise BrainError(self.where(f"answered {problem}"))


def _unfenced(text: str) -> str:
    """A JSON object some servers wrap in a Markdown code fence."""
    match = re.fullmatch(r"\s*```(?:json)?\s*(.*?)\s*```\s*", text, re.DOTALL)
    return match.group(1) if match else text


class LlmBrain:
    """Decides with an LLM: the persona and the transcript so far in the prompt."""

    name = "llm"

    def __init__(self, client: LlmClient) -> None:
        self.client = client
        self.usage = client.usage

    async def decide(self, view: View) -> Decision:
        messages = [
            {"role": "system", "content": system_prompt(view.persona)},
            {"role": "user", "content": user_prompt(view)},
        ]
        answer = await self.client.json_answer(messages, self.client.config.max_tokens)
        try:
            return decision_of(answer)
        except ValueError as error:
            raise BrainError(
                self.client.where(f"answered an action vcall cannot play: {error}")
            ) from None


def system_prompt(persona: Persona) -> str:
    facts = "; ".join(f"{name}: {value}" for name, value in persona.facts.items()) or "none"
    return (
        "You are a caller on the phone with a Chinese voice bot. Stay in character, speak "
        "Mandarin Chinese as people speak on the phone, one short sentence at a time.\n"
        f"Your goal: {persona.goal}\n"
        f"What you know (give it only when asked): {facts}\n"
        f"How you talk: {STYLE_WORDS[persona.style]}.\n"
        "Press keys when the bot offers a key menu or asks you to enter numbers. Hang up once "
        "your goal is reached, or when it clearly cannot be.\n" + ACTION_FORMAT
    )


def user_prompt(view: View) -> str:
    lines = [_line(line) for line in view.transcript] or ["(the call has just started)"]
    heard = view.heard
    now = ""
    if heard is not None and heard.collecting_keys:
        end = f", then {heard.end_character}" if heard.end_character else ""
        now = f"\nThe bot is now waiting for keys (up to {heard.max_numbers or 'some'}{end})."
    return "The call so far:\n" + "\n".join(lines) + now + "\nWhat do you do now? JSON only."


def _line(line: Line) -> str:
    return f"BOT: {line.text}" if line.speaker == "bot" else f"YOU: {line.text}"


def decision_of(answer: Mapping[str, Any]) -> Decision:
    """The strict action format: anything else is a ``ValueError`` saying what is wrong."""
    action = answer.get("action")
    if action == "say":
        words = answer.get("words")
        if not isinstance(words, str) or not words.strip() or len(words) > MAX_WORDS:
            raise ValueError(f"say needs words (1-{MAX_WORDS} characters)")
        return Decision(Act.SAY, words.strip(), why="llm")
    if action == "press":
        keys = answer.get("keys")
        if not isinstance(keys, str) or not KEYS.fullmatch(keys):
            raise ValueError("press needs keys of 0-9, * and # (1-32 of them)")
        return Decision(Act.PRESS, keys, why="llm")
    if action == "silence":
        seconds = answer.get("seconds")
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, int | float)
            or not 0 < seconds <= MAX_SILENCE_S
        ):
            raise ValueError(f"silence needs seconds (0-{MAX_SILENCE_S:g})")
        return Decision(Act.SILENCE, seconds=float(seconds), why="llm")
    if action in ("wait", "hangup"):
        return Decision(Act(action), why="llm")
    raise ValueError(f"unknown action {action!r}")


JUDGE_PROMPT = (
    "You judge whether a simulated caller reached its goal in a phone call with a voice bot. "
    'Answer with ONE JSON object and nothing else: {"met": true or false, "explanation": '
    '"one or two sentences"}.'
)


class LlmJudge:
    """An LLM reads the transcript and says whether the goal was met, and why."""

    def __init__(self, client: LlmClient) -> None:
        self.client = client

    async def __call__(self, call: PersonaCall, rules: Verdict) -> Verdict:
        ending = call.result.end_reason.value if call.result.end_reason else "still up"
        transcript = "\n".join(_line(line) for line in call.transcript)
        user = f"Goal: {call.persona.goal}\nThe call ended by: {ending}\nTranscript:\n{transcript}"
        messages = [{"role": "system", "content": JUDGE_PROMPT}, {"role": "user", "content": user}]
        try:
            answer = await self.client.json_answer(messages, 300)
        except BrainError as error:
            return _explained(rules, f"(the LLM judge failed: {error})")
        met, explanation = answer.get("met"), answer.get("explanation")
        if not isinstance(met, bool) or not isinstance(explanation, str):
            return _explained(rules, "(the LLM judge's answer was not {met, explanation})")
        if call.persona.success is not None:  # a success: matcher is the persona's own word
            return _explained(rules, explanation.strip()[:500])
        return Verdict(
            met,
            rules.reason if met == rules.met else "the LLM judge's verdict",
            rules.time_to_goal_ms if met else None,
            "" if met else rules.stuck or stuck_at(call.prompts),
            explanation.strip()[:500],
            "llm",
        )


def _explained(verdict: Verdict, explanation: str) -> Verdict:
    return Verdict(
        verdict.met,
        verdict.reason,
        verdict.time_to_goal_ms,
        verdict.stuck,
        explanation,
        verdict.judge,
    )
