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
