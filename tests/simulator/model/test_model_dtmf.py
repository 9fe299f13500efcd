"""Key collection after an action dtmf: end character, max digits, timeouts, ignored keys."""

from __future__ import annotations

from typing import Any

from model_driver import Call, answer, data, run_call, scenario

from vcall.simulator.fixture.scenario import Action, Press, Silence
from vcall.simulator.model import TimelineKind
from vcall.simulator.spec import DTMF_NO_INPUT, CallbackKind

PROMPT_STARTS = 13_000
"""The mute after the opening (3 s) and 10 s of silence; its answer is the dtmf action."""
PROMPT_ENDS = PROMPT_STARTS + 3000


def dtmf_call(*steps: Action, **dtmf_fields: Any) -> Call:
    prompt = data("dtmf", action_code="menu.wav", **dtmf_fields)
    return run_call(scenario(Silence(13_000), *steps), [answer(), prompt])


def dtmf_callbacks(call: Call) -> list[tuple[int, str | int]]:
    return [(cb.at_ms, cb.content["dtmf_digits"]) for cb in call.of(CallbackKind.DTMF)]


def test_the_end_character_ends_collection_and_is_not_sent() -> None:
    call = dtmf_call(Press("12#"), dtmf_end_character="#")
    assert dtmf_callbacks(call) == [(PROMPT_STARTS + 600, "12")]
    assert call.per_step[1][-1].kind is CallbackKind.DTMF


def test_a_key_stops_a_breakable_prompt() -> None:
    call = dtmf_call(Press("12#"), dtmf_end_character="#")
    prompt = [e for e in call.session.timeline if e.kind is TimelineKind.PLAYBACK][-1]
    assert (prompt.label, prompt.end_ms, prompt.detail["reason"]) == (
        "menu.wav",
        PROMPT_STARTS,
        "key pressed",
    )


def test_max_numbers_ends_collection_and_later_keys_are_ignored() -> None:
    call = dtmf_call(Press("1234"), dtmf_max_numbers="3")
    assert dtmf_callbacks(call) == [(PROMPT_STARTS + 600, "123")]
    assert "key 4 ignored: no dtmf collection pending" in call.messages()


def test_no_key_gives_no_input_timeout_counted_from_the_prompts_end() -> None:
    call = dtmf_call(Silence(10_000))
    assert dtmf_callbacks(call) == [(PROMPT_ENDS + 3000, DTMF_NO_INPUT)]


def test_partial_digits_are_sent_on_timeout_within_the_press_step() -> None:
    call = dtmf_call(Press("12"))
    assert dtmf_callbacks(call) == [(PROMPT_STARTS + 300 + 3000, "12")]
    assert [cb.kind for cb in call.per_step[1]] == [CallbackKind.DTMF]


def test_dtmf_nonin_overtime_sets_the_timeout_and_out_of_range_falls_back() -> None:
    call = dtmf_call(Silence(10_000), dtmf_nonin_overtime="5")
    assert dtmf_callbacks(call) == [(PROMPT_ENDS + 5000, DTMF_NO_INPUT)]
    odd = dtmf_call(Silence(10_000), dtmf_nonin_overtime=100)
    assert dtmf_callbacks(odd) == [(PROMPT_ENDS + 3000, DTMF_NO_INPUT)]
    assert (
        "dtmf_nonin_overtime 100 is outside 3–60: the platform uses 3 "
        "(assumed: the follow-up page gives only the default)"
    ) in odd.messages()


def test_a_key_during_a_non_breakable_prompt_keeps_it_and_waits_for_its_end() -> None:
    call = dtmf_call(Press("1"), action_code_break=False)
    assert dtmf_callbacks(call) == [(PROMPT_ENDS + 3000, "1")]


def test_only_the_end_character_sends_empty_digits() -> None:
    call = dtmf_call(Press("#"), dtmf_end_character="#")
    assert dtmf_callbacks(call) == [(PROMPT_STARTS, "")]


def test_without_end_character_star_and_hash_are_digits() -> None:
    call = dtmf_call(Press("#1*"), dtmf_end_character="*")
    assert dtmf_callbacks(call) == [(PROMPT_STARTS + 600, "#1")]
    plain = dtmf_call(Press("*#"), dtmf_max_numbers=2)
    assert dtmf_callbacks(plain) == [(PROMPT_STARTS + 300, "*#")]


def test_the_gap_between_keys_comes_from_the_step() -> None:
    call = dtmf_call(Press("12#", gap_ms=1000), dtmf_end_character="#")
    assert dtmf_callbacks(call) == [(PROMPT_STARTS + 2000, "12")]


def test_a_key_without_pending_collection_is_ignored_with_a_note() -> None:
    call = run_call(scenario(Press("5")), [answer()])
    assert CallbackKind.DTMF not in call.kinds()
    assert "key 5 ignored: no dtmf collection pending" in call.messages()


def test_pending_collection_shows_in_the_state() -> None:
    call = dtmf_call(Press("12"), dtmf_max_numbers=4, dtmf_end_character="#")
    # the press step waits for the collection: it is over when the state is read
    assert call.session.state.pending_dtmf is None
    waiting = run_call(
        scenario(Silence(13_000)),
        [answer(), data("dtmf", action_code="menu.wav", dtmf_max_numbers=4)],
        finish=False,
    )
    pending = waiting.session.state.pending_dtmf
    assert pending is not None
    assert (pending.collected, pending.max_numbers, pending.end_character, pending.timeout_s) == (
        "",
        4,
        "",
        3,
    )
