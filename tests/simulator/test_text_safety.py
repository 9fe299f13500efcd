from vcall.simulator.text_safety import has_controls, neutralize_controls


def test_escape_sequences_are_shown_not_obeyed() -> None:
    hostile = "call\x1b]0;pwned\x07\x1b[2J\r\x9b31m\u202eabc"
    safe = neutralize_controls(hostile)
    assert safe == "call\\x1b]0;pwned\\x07\\x1b[2J\\x0d\\x9b31m\\u202eabc"
    assert not has_controls(safe)
    assert has_controls(hostile)


def test_plain_text_and_chinese_are_unchanged() -> None:
    text = "您好，请问有什么可以帮您？ call-1234 ¥5"
    assert neutralize_controls(text) == text


def test_newlines_kept_only_when_asked() -> None:
    assert neutralize_controls("a\nb\tc") == "a\\x0ab\\x09c"
    assert neutralize_controls("a\nb\tc\r", keep_newlines=True) == "a\nb\tc\\x0d"


def test_the_printable_fast_path_skips_nothing_that_is_escaped() -> None:
    """``neutralize_controls`` returns a printable text as it is: every character it escapes,
    with or without newlines kept, must be one ``str.isprintable`` refuses."""
    for code in range(0x110000):
        char = chr(code)
        if char.isprintable():
            assert neutralize_controls(char) == char, hex(code)
            assert neutralize_controls(char, keep_newlines=True) == char, hex(code)


def test_a_control_in_printable_company_is_still_escaped() -> None:
    for hostile in ("您好\x1b[2J", "abc\u2066def", "a\u2028b", "x\x85y"):
        assert not has_controls(neutralize_controls(hostile))
        assert neutralize_controls(hostile) != hostile
