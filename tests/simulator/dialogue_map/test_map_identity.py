"""State identity: what makes two answers the same state, at each level of detail."""

from __future__ import annotations

import json

from vcall.simulator.dialogue_map.identity import Identity, StateKey, is_no_change, mask, state_of


def _play(text: str, dynamic_id: str = "order") -> dict[str, object]:
    return {
        "action": "play",
        "action_code": "$text$,tail.wav",
        "action_code_param": json.dumps({"text": text}, ensure_ascii=False),
        "dynamic_id": dynamic_id,
    }


def test_mask_replaces_numbers_dates_and_times() -> None:
    assert mask("您的余额为35.50元，截至2026-11-30 09:15") == "您的余额为<n>元，截至<date> <time>"
    assert mask("12月3日送达，单号123456") == "<date>送达，单号<n>"


def test_volatile_numbers_make_one_state_by_default() -> None:
    first = state_of(_play("您的余额为35元"))
    second = state_of(_play("您的余额为12元"))
    assert first == second
    assert first.plays == ("您的余额为<n>元", "tail.wav")


def test_fine_identity_keeps_every_number_apart() -> None:
    assert state_of(_play("余额35元"), Identity.FINE) != state_of(_play("余额12元"), Identity.FINE)


def test_spoken_text_and_dynamic_id_tell_states_apart() -> None:
    assert state_of(_play("查快递")) != state_of(_play("转人工"))
    assert state_of(_play("查快递", "a")) != state_of(_play("查快递", "b"))


def test_coarse_identity_ignores_text_and_dynamic_id() -> None:
    coarse = state_of(_play("查快递", "a"), Identity.COARSE)
    assert coarse == state_of(_play("转人工", "b"), Identity.COARSE)
    assert coarse.plays == ("$text$", "tail.wav")


def test_key_collection_settings_are_part_of_a_dtmf_state() -> None:
    menu = {"action": "dtmf", "action_code": "menu.wav", "dtmf_max_numbers": 4}
    one = state_of({**menu, "dtmf_end_character": "#"})
    other = state_of({**menu, "dtmf_end_character": "*"})
    assert one != other
    assert "end=#" in one.key and "max=4" in one.key


def test_a_variable_without_a_value_stays_as_written() -> None:
    data = {
        "action": "play",
        "action_code": "$text$,$name$",
        "action_code_param": '{"text": "你好"}',
    }
    assert state_of(data).plays == ("你好", "$name$")


def test_continue_and_donothing_keep_the_state_unless_dynamic_id_moves() -> None:
    here = StateKey("play", ("a.wav",), dynamic_id="menu")
    assert is_no_change({"action": "donothing", "dynamic_id": "menu"}, here)
    assert is_no_change({"action": "continue"}, here)
    assert is_no_change(None, here)
    assert not is_no_change({"action": "donothing", "dynamic_id": "survey"}, here)
    assert not is_no_change({"action": "break", "dynamic_id": "menu"}, here)


def test_key_text_is_stable() -> None:
    key = state_of(
        {"action": "dtmf", "action_code": "menu.wav", "dtmf_max_numbers": 4, "dynamic_id": "m"}
    )
    assert key.key == "dtmf | menu.wav | max=4 end=- timeout=-s | id=m"
