"""Problems read off the map: a deaf bot, a loop that never ends the call, a dead end."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from menu_bot import bot_from, play, query_only

from vcall.simulator.explore.problems import ProblemKind
from vcall.simulator.explore.run import ExploreConfig, ExploreResult, explore
from vcall.simulator.explore.saving import problem_document
from vcall.simulator.fixture.scenario import CallSettings, Direction
from vcall.simulator.replay.engine import SimulationConfig
from vcall.simulator.replay.targets import app_target
from vcall.simulator.spec import CallbackKind
from vcall.simulator.transport.sender import Placement

GREETING = {"action": "answer", "action_code": "welcome.wav", "dynamic_id": "start"}
GOODBYE = {"action": "hangup", "action_code": "bye.wav"}
LINES = ("查话费", "转人工", "再见")


def _explore(dialogue) -> ExploreResult:  # type: ignore[no-untyped-def]
    return explore(app_target("bot", bot_from(dialogue)), ExploreConfig(lines=LINES))


def _kinds(result: ExploreResult) -> list[ProblemKind]:
    return [problem.kind for problem in result.problems]


def test_a_bot_that_answers_every_sentence_alike_is_deaf() -> None:
    def deaf(kind: CallbackKind, content: Mapping[str, Any]) -> dict[str, Any]:
        if kind is CallbackKind.CALLIN:
            return GREETING
        if kind is CallbackKind.MUTE:
            return GOODBYE
        return play("您好，请问有什么可以帮您？", "ask")

    assert _kinds(_explore(deaf)) == [ProblemKind.DEAF]


def test_a_bot_that_listens_is_not_deaf() -> None:
    def listening(kind: CallbackKind, content: Mapping[str, Any]) -> dict[str, Any]:
        if kind is CallbackKind.CALLIN:
            return GREETING
        if kind is CallbackKind.NORMAL and "再见" in str(content.get("words")):
            return GOODBYE
        if kind is CallbackKind.MUTE:
            return GOODBYE
        return play("请再说一遍", "ask")

    assert _explore(listening).problems == []


def test_states_that_go_round_without_an_ending_are_a_loop() -> None:
    def ping_pong(kind: CallbackKind, content: Mapping[str, Any]) -> dict[str, Any]:
        if kind is CallbackKind.CALLIN:
            return GREETING
        words = str(content.get("words", ""))
        if content.get("dynamic_id") == "a" and "转人工" in words:
            return play("这里是B", "b")
        if "再见" in words:
            return play("这里是A", "a")
        return play("这里是A", "a") if content.get("dynamic_id") != "b" else play("这里是B", "b")

    result = _explore(ping_pong)
    loops = [p for p in result.problems if p.kind is ProblemKind.LOOP]
    assert len(loops) == 1
    by_id = result.map.by_id()
    assert {by_id[s].key.dynamic_id for s in loops[0].states} >= {"a", "b"}
    assert all(by_id[s].problem for s in loops[0].states)


def test_a_state_no_move_leaves_is_a_dead_end() -> None:
    def hold(kind: CallbackKind, content: Mapping[str, Any]) -> dict[str, Any]:
        if kind is CallbackKind.CALLIN:
            return GREETING
        if content.get("dynamic_id") == "hold" or "转人工" in str(content.get("words", "")):
            return play("请稍候", "hold")
        return GOODBYE

    result = _explore(hold)
    (problem,) = result.problems
    assert problem.kind is ProblemKind.DEAD_END
    assert [move.label for move in problem.path] == ["say 转人工"]


def test_states_that_only_lead_into_a_dead_end_are_not_called_a_loop() -> None:
    """转人工 leads to a queue announcement whose every move leads to a hold no move leaves: the
    call gets stuck at the hold, so the problem is a dead end there, with the queue marked."""

    def queue(kind: CallbackKind, content: Mapping[str, Any]) -> dict[str, Any]:
        if kind is CallbackKind.CALLIN:
            return GREETING
        if content.get("dynamic_id") in ("queue", "hold"):
            return play("请稍候", "hold")
        if "转人工" in str(content.get("words", "")):
            return play("正在排队，请稍候", "queue")
        return GOODBYE

    result = _explore(queue)
    (problem,) = result.problems
    by_id = result.map.by_id()
    assert problem.kind is ProblemKind.DEAD_END
    assert by_id[problem.state].key.dynamic_id == "hold"
    assert problem.state in problem.title and "loop" not in problem.title
    assert {by_id[s].key.dynamic_id for s in problem.states} == {"hold", "queue"}


def test_the_same_mistake_everywhere_is_one_problem_that_names_the_other_states() -> None:
    """Found at several states, each shrinks to the call's start: one bug, one problem, labelled
    with the state its moves reach (s0), the states where it also showed listed or counted; the
    states reached only through it are folded in, not problems of their own."""
    from vcall.simulator.example_bot.dialogue import answer_callback

    def colon_everywhere(kind: CallbackKind, content: Mapping[str, Any]) -> dict[str, Any]:
        answer = answer_callback(kind, content)
        state = str(answer.get("dynamic_id", "")).split(":")[0]
        return {**answer, "dynamic_id": f"{state}:1"}

    result = explore(app_target("bot", bot_from(colon_everywhere)), ExploreConfig(lines=LINES))
    (problem,) = result.problems
    assert problem.rule == "forbidden-character"
    assert (problem.path, problem.state) == ((), "s0")
    assert problem.also_at and "s0" not in problem.also_at
    assert problem.elsewhere > 0
    assert problem.only_way_on
    assert f"; also shows at {problem.also_at[0]}, " in problem.summary
    assert "the call can only go on through this bad answer" in problem.summary


def test_a_callin_without_a_usable_answer_is_a_problem_and_its_fixture_fails() -> None:
    """A bot answering ``result: fail`` (here: it reads only the query string, SPEC-NOTES §1)
    is never answered by the platform: exit 1 with a reason, not "no problem found"."""

    def greeting(kind: CallbackKind, content: Mapping[str, Any]) -> dict[str, Any]:
        return GREETING if kind is CallbackKind.CALLIN else GOODBYE

    target = app_target("bot", query_only(greeting))
    result = explore(target, ExploreConfig(lines=LINES))
    assert _kinds(result) == [ProblemKind.NO_ANSWER]
    assert "msg 'call_id is required'" in result.problems[0].title
    document = problem_document(result.problems[0], result.runs[0], "no-answer", "bot")
    assert document["answer"] == {"result": "success"}
    config = ExploreConfig(lines=LINES, simulation=SimulationConfig(placement=Placement.QUERY))
    assert ProblemKind.NO_ANSWER not in _kinds(explore(target, config))


def test_an_outbound_bot_that_never_answers_usably_is_one_no_answer_problem() -> None:
    """Not a dead end and a deaf bot: the bot's answers were never usable, so the map says
    nothing about its dialogue."""
    settings = CallSettings(direction=Direction.OUTBOUND)
    target = app_target("bot", query_only(lambda kind, content: GOODBYE))
    result = explore(target, ExploreConfig(lines=LINES, settings=settings))
    assert _kinds(result) == [ProblemKind.NO_ANSWER]
    assert "answered every callback with result 'fail'" in result.problems[0].title


def _counting_bot() -> Any:
    """Asks twice to repeat, then says goodbye: its count per call_id is state the caller never
    hears, so the map shows the same answer twice - no loop, the bot ends every call."""
    turns: dict[str, int] = {}

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        params = dict(parse_qsl(body.decode() or scope["query_string"].decode()))
        call_id = params["call_id"]
        if params["content_type"] == "callin":
            turns[call_id] = 0
            data = {"action": "answer", "action_code": "请说出您的单号。"}
        elif turns.get(call_id, 0) >= 2:
            data = {"action": "hangup", "action_code": "再见。"}
        else:
            turns[call_id] = turns.get(call_id, 0) + 1
            data = {"action": "play", "action_code": "请再说一遍您的单号。"}
        payload = {"result": "success", "msg": "ok", "data": {"call_id": call_id, **data}}
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": json.dumps(payload).encode()})

    return app


def test_repeating_answers_that_end_the_call_when_played_out_are_no_loop() -> None:
    result = explore(app_target("bot", _counting_bot()), ExploreConfig(lines=LINES))
    kinds = _kinds(result)
    assert ProblemKind.LOOP not in kinds and ProblemKind.DEAD_END not in kinds
    assert kinds == [ProblemKind.DEAF]  # it does ignore the words: that problem stays
