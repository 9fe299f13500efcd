"""Field comparison and the answers an explore map keeps for each state."""

from __future__ import annotations

import json

from vcall.simulator.dialogue_map.graph import ANSWER_TEXT_MAX, kept_answer
from vcall.simulator.diff.compare import field_changes, ignored, state_fields
from vcall.simulator.diff.sides import State


def state(answer: dict[str, object] | None, plays: tuple[str, ...] = ("您好",)) -> State:
    return State("s1", "play", plays, "", "id", 1, ("key 1",), answer=answer)


def tts(text: str, **params: object) -> dict[str, object]:
    return {
        "action": "play",
        "action_code": "$text$",
        "action_code_param": json.dumps({"text": text, **params}, ensure_ascii=False),
    }


def test_a_map_keeps_the_answer_without_its_call_id_and_cuts_long_text() -> None:
    kept = kept_answer({"call_id": "c-1", "action": "play", "mute_time": 5000, "x": "好" * 5000})
    assert kept is not None and "call_id" not in kept
    assert kept["mute_time"] == 5000 and len(kept["x"]) == ANSWER_TEXT_MAX
    assert kept_answer({"action_code_param": {"text": "你好"}}) == {
        "action_code_param": '{"text": "你好"}'
    }
    assert kept_answer(None) is None


def test_spoken_tts_text_is_in_plays_and_other_tts_parameters_are_fields() -> None:
    fields = state_fields(state(tts("您好", voice="xiaoyun")))
    assert fields["action_code_param.voice"] == "xiaoyun"
    assert "action_code_param.text" not in fields
    changed = field_changes(state(tts("您好", voice="xiaoyun")), state(tts("您好", voice="ruoxi")))
    assert [(c.field, c.old, c.new) for c in changed] == [
        ("action_code_param.voice", "xiaoyun", "ruoxi")
    ]


def test_dynamic_id_never_counts_and_ignore_covers_sub_fields() -> None:
    old = state({**tts("您好", voice="xiaoyun"), "dynamic_id": "a", "number": "95588"})
    new = state({**tts("您好", voice="ruoxi"), "dynamic_id": "b", "number": "95599"})
    assert [c.field for c in field_changes(old, new)] == ["action_code_param.voice", "number"]
    assert [c.field for c in field_changes(old, new, ["action_code_param"])] == ["number"]
    assert ignored("dynamic_id", ()) and not ignored("mute_time", ("mute",))


def test_a_field_only_one_version_has_is_a_change() -> None:
    old = state({"action": "play", "action_code": "a.wav"})
    new = state({"action": "play", "action_code": "a.wav", "action_code_break": True})
    (change,) = field_changes(old, new)
    assert (change.field, change.old, change.new) == ("action_code_break", None, "true")


def test_without_a_kept_answer_only_the_key_is_compared() -> None:
    old = state(None)
    new = state({"action": "play", "action_code": "a.wav", "mute_time": 3000})
    assert field_changes(old, new) == ()
    assert [c.field for c in field_changes(old, state(None, ("再见",)))] == ["plays"]
