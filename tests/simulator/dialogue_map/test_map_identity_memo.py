"""``state_of`` is computed once per distinct answer, and the memo does not change a state."""

from __future__ import annotations

import json

from vcall.simulator.dialogue_map.identity import KNOWN_TEXT_MAX, Identity, state_of


def _menu(text: str, dynamic_id: str = "m1") -> dict[str, object]:
    param = json.dumps({"t": text}, ensure_ascii=False)
    return {
        "action": "dtmf",
        "action_code": "$t$",
        "action_code_param": param,
        "dynamic_id": dynamic_id,
    }


def test_the_same_answer_is_one_state_object_and_different_ones_differ() -> None:
    first = state_of(_menu("请按一"))
    assert state_of(_menu("请按一")) is first  # remembered
    assert state_of(_menu("请按二")) != first
    assert state_of(_menu("请按一", "m2")) != first
    assert state_of(_menu("请按一"), Identity.COARSE) != first  # the identity is part of it


def test_the_memo_reads_values_as_they_are() -> None:
    as_text = state_of({"action": "dtmf", "dtmf_max_numbers": "1", "dynamic_id": "x"})
    as_int = state_of({"action": "dtmf", "dtmf_max_numbers": 1, "dynamic_id": "x"})
    assert as_text == as_int  # both read as "1"
    mapping = {"action": "play", "action_code": "$t$", "action_code_param": {"t": "您好"}}
    assert state_of(mapping).plays == ("您好",)  # a mapping cannot be a key: computed anyway


def test_a_long_answer_is_computed_not_remembered() -> None:
    long = _menu("长" * (KNOWN_TEXT_MAX + 1))
    assert state_of(long) is not state_of(long)
    assert state_of(long) == state_of(long)
