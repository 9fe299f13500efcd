"""The rule-based brain: offline, seeded, reproducible.

It says the goal's key phrase; when a key menu is offered, presses the key whose spoken option
best matches the goal; confirms when asked to; gives the facts it knows when asked for them;
answers "在的" to "还在线吗"; waits through hold prompts; once the bot's answer serves the goal
(shares its words, and is no apology), says it has nothing more and lets the bot end the call.
The budget is kept by the caller loop.
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Sequence

from vcall.simulator.persona.brain import Act, Decision, Usage, View
from vcall.simulator.persona.hearing import Heard, Intent, KeyOption, intent_of

FILLER = re.compile(
    r"我想要|我想|我要|想要|帮我|麻烦|请|一下|你好|您好|能不能|可不可以|可以|吗|呢|吧|了"
)
THEN = re.compile(r"[，,。；;]|然后|之后|再")
NEGATIVE = (
    "抱歉",
    "对不起",
    "不支持",
    "无法",
    "没有听清",
    "没听清",
    "再说一遍",
    "输入有误",
    "暂不",
    "不能",
)
AGENT_WORDS = ("人工", "客服", "坐席", "转接", "真人")
CLOSINGS = ("没有了，谢谢", "没有了，谢谢，再见", "好的，没有了，谢谢")
CONFIRMS = ("是的", "对", "对的，是的")
STILL_HERE = ("在的，", "在呢，", "在，")
STOP_CHARS = set("的了吗呢吧啊我您你请按一下是有在")
NOT_KNOWN = "这个我不记得了"
TRY_KEYS = "1234567890"
"""Keys tried one by one at a key menu whose options the caller cannot tell."""


def key_phrase(goal: str) -> str:
    """The goal's first clause without fillers: ``查一下本月话费，然后挂机`` -> ``查本月话费``."""
    first = next((part for part in THEN.split(goal) if part.strip()), goal)
    phrase = FILLER.sub("", first).strip()
    return phrase or first.strip() or goal


def fragment(phrase: str) -> str:
    """The key words only: ``查快递到哪`` -> ``快递到哪``; a short phrase stays whole."""
    stripped = re.sub(r"^(查询|查|办理|办|转|找|要|想)", "", phrase)
    return (stripped or phrase)[:4]


def bigrams(text: str) -> set[str]:
    chars = [c for c in text if c.strip() and c not in "，。,.！!？?、"]
    return {a + b for a, b in itertools.pairwise(chars)}


def overlap(text: str, goal: str) -> float:
    """How much ``text`` speaks of ``goal``: shared character pairs, then shared characters."""
    pairs = len(bigrams(text) & bigrams(goal))
    chars = len((set(text) & set(goal)) - STOP_CHARS)
    return pairs + 0.1 * chars


def wants_agent(goal: str) -> bool:
    return any(word in goal for word in AGENT_WORDS)


def serves(heard: Heard, goal: str) -> bool:
    """Whether a prompt answers the goal (rather than apologising or asking again)."""
    if heard.action in ("transfer", "parallel_transfer", "parallel_bridge"):
        return wants_agent(goal)
    if any(word in heard.text for word in NEGATIVE) or heard.collecting_keys:
        return False
    return len(bigrams(heard.text) & bigrams(goal)) > 0


def best_option(options: Sequence[KeyOption], goal: str) -> KeyOption | None:
    scored = [(overlap(option.label, goal), -index, option) for index, option in enumerate(options)]
    scored = [item for item in scored if item[0] > 0]
    if not scored:
        agent = [o for o in options if wants_agent(goal) and any(w in o.label for w in AGENT_WORDS)]
        return agent[0] if agent else None
    return max(scored, key=lambda item: (item[0], item[1]))[2]


class RuleBrain:
    """Keyword and key-menu heuristics driven by the goal's words and the prompts heard."""

    name = "rules"

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self.usage = Usage()

    async def decide(self, view: View) -> Decision:
        return self.decide_now(view)

    def decide_now(self, view: View) -> Decision:
        persona = view.persona
        goal = persona.goal
        phrase = persona.say or key_phrase(goal)
        rng = random.Random(f"{self.seed}|{persona.seed}|{view.turn}")
        heard = view.heard
        done = _goal_served(view)
        if heard is not None and heard.action in ("hangup", "transfer", "parallel_transfer"):
            return Decision(Act.WAIT, why="the bot is ending or handing over the call")
        if done and _said_closing(view):
            return Decision(Act.HANGUP, why="goal reached; nothing more to say")
        intent, fact = intent_of(heard, tuple(persona.facts))
        if intent is Intent.FACT:
            value = persona.facts.get(fact, "")
            if not value:
                return Decision(
                    Act.SAY, NOT_KNOWN, why=f"asked for {fact}, which the caller does not know"
                )
            if heard is not None and heard.collecting_keys and value.isdigit():
                return Decision(Act.PRESS, value + _end(heard), why=f"asked for {fact}")
            return Decision(Act.SAY, value, why=f"asked for {fact}")
        if intent is Intent.MENU and heard is not None:
            option = None if done else best_option(heard.options, goal + persona.say)
            if option is not None:
                return Decision(
                    Act.PRESS,
                    option.key + _end(heard),
                    why=f"option {option.key} ({option.label}) fits the goal",
                )
            if heard.options or _times_said(view, phrase) == 0:
                return Decision(Act.SAY, phrase, why="no key fits the goal: say it")
            tried = {d.words.rstrip("#*") for d in view.decisions if d.act is Act.PRESS}
            key = next((k for k in TRY_KEYS if k not in tried), None)
            if key is None:
                return Decision(Act.HANGUP, why="every key tried; the menu never served the goal")
            return Decision(
                Act.PRESS, key + _end(heard), why="the menu's options are unknown: try a key"
            )
        if done:
            return Decision(Act.SAY, rng.choice(CLOSINGS), why="goal reached")
        if intent is Intent.HOLD:
            return Decision(Act.WAIT, why="on hold")
        if intent is Intent.GOODBYE:
            return Decision(Act.HANGUP, why="the bot says goodbye")
        if intent is Intent.CONFIRM:
            return Decision(Act.SAY, rng.choice(CONFIRMS), why="asked to confirm")
        if intent is Intent.STILL_THERE:
            return Decision(
                Act.SAY, rng.choice(STILL_HERE) + phrase, why="asked whether still there"
            )
        if intent is Intent.NOT_UNDERSTOOD and _times_said(view, phrase) >= 2:
            return Decision(
                Act.SAY,
                key_phrase(goal) if persona.say else goal,
                why="not understood: in other words",
            )
        return Decision(Act.SAY, phrase, why="state the goal")


def _end(heard: Heard) -> str:
    """The end key to add after the digits, when the collection takes more than one key."""
    end = heard.end_character
    return end if end in ("#", "*") and heard.max_numbers != 1 else ""


def _times_said(view: View, words: str) -> int:
    return sum(1 for d in view.decisions if d.act is Act.SAY and d.words == words)


def _goal_served(view: View) -> bool:
    """A prompt heard after the caller stated its goal (or pressed for it) serves the goal."""
    goal = view.persona.goal + view.persona.say
    asked_at = next(
        (
            line.at_ms
            for line in view.transcript
            if line.speaker == "caller" and not line.text.startswith("wait")
        ),
        None,
    )
    if asked_at is None:
        return False
    return any(
        line.heard is not None and line.at_ms >= asked_at and serves(line.heard, goal)
        for line in view.transcript
    )


def _said_closing(view: View) -> bool:
    return any(d.act is Act.SAY and d.words in CLOSINGS for d in view.decisions)
