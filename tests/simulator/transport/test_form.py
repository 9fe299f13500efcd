"""The fast form encoder: byte for byte what ``urlencode`` gives, and it decodes back."""

from __future__ import annotations

import json
import string
from urllib.parse import parse_qsl, quote_plus, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vcall.simulator.transport import form
from vcall.simulator.transport.form import encode_form, form_quote

RESERVED = "!#$%&'()*+,/:;=?@[]" + ' "<>\\^`{|}~-._' + "\t\n\r\x00\x7f"
CHINESE = "你好，我想查一下快递。单号是七八九零一二？谢谢！再见"
TEXT = st.text(st.characters(blacklist_categories=["Cs"]), max_size=60)
"""Any text but lone surrogates (which no UTF-8 encoder accepts)."""


def callback_params(words: str) -> dict[str, str]:
    content = {"role": "B", "identity": "id2", "words": words, "begin_time": "2025-11-21 10:00:00"}
    return {
        "call_id": "116001838019^104122371019",
        "timestamp": "1763700000123",
        "content_type": "normal",
        "content": json.dumps(content, ensure_ascii=False, separators=(",", ":")),
    }


@pytest.mark.parametrize("words", [CHINESE, RESERVED, CHINESE + RESERVED + "😀é", "", "a b+c%20"])
def test_a_callback_body_is_urlencode_and_decodes_to_the_parameters(words: str) -> None:
    params = callback_params(words)
    body = encode_form(params)
    assert body == urlencode(params).encode("ascii")
    assert dict(parse_qsl(body.decode("ascii"), keep_blank_values=True)) == params


def test_every_reserved_character_is_escaped_and_letters_digits_and_marks_are_not() -> None:
    for char in RESERVED + string.ascii_letters + string.digits:
        assert form_quote(char) == quote_plus(char, safe="").encode("ascii"), repr(char)
    assert form_quote("~-._09azAZ") == b"~-._09azAZ"
    assert form_quote("a b") == b"a+b" and form_quote("+") == b"%2B" and form_quote("%") == b"%25"


def test_non_ascii_text_is_its_utf8_bytes_in_upper_case_hex() -> None:
    assert form_quote("你好，") == b"%E4%BD%A0%E5%A5%BD%EF%BC%8C"
    assert form_quote('{"w":"好"}') == b"%7B%22w%22%3A%22%E5%A5%BD%22%7D"


@given(TEXT)
def test_any_text_is_quoted_as_quote_plus_does(text: str) -> None:
    assert form_quote(text) == quote_plus(text, safe="").encode("ascii")


@given(st.dictionaries(TEXT, TEXT, max_size=5))
def test_any_parameters_encode_as_urlencode_does(params: dict[str, str]) -> None:
    assert encode_form(params) == urlencode(params).encode("ascii")
    assert encode_form(params) == encode_form(params), "the short-value memory changes nothing"


def test_a_lone_surrogate_fails_as_it_does_in_urlencode() -> None:
    with pytest.raises(UnicodeEncodeError):
        urlencode({"words": "\ud800"})
    with pytest.raises(UnicodeEncodeError):
        encode_form({"words": "\ud800"})


def test_long_values_are_quoted_once_then_found_and_the_memory_is_bounded() -> None:
    content = (
        '{"words":"你好，我想查一下快递","begin_time":"1970-01-01 08:00:01","is_playing":"false"}'
    )
    params = {"call_id": "1^2", "content": content * 3}
    first = encode_form(params)
    assert encode_form(dict(params)) == first == urlencode(params).encode("ascii")
    assert params["content"] in form._LONG_VALUES
    for number in range(form._LONG_VALUES_KEPT + 50):
        encode_form({"content": f"{content}{number:04d}"})
    assert len(form._LONG_VALUES) <= form._LONG_VALUES_KEPT
    huge = {"content": "你" * (form._LONG + 1)}
    assert encode_form(huge) == urlencode(huge).encode("ascii")
    assert huge["content"] not in form._LONG_VALUES
