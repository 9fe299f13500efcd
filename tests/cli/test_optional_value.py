"""An option whose value may be left out: the default is written in before parsing."""

from __future__ import annotations

from vcall.cli.optional_value import with_defaults

DEFAULTS = {"--k": "10"}


def test_alone_at_the_end_gets_the_default() -> None:
    assert with_defaults(["URL", "--k"], DEFAULTS) == ["URL", "--k", "10"]


def test_a_number_after_it_is_its_value() -> None:
    assert with_defaults(["--k", "20", "URL"], DEFAULTS) == ["--k", "20", "URL"]


def test_a_negative_or_decimal_number_is_its_value_for_the_option_to_refuse() -> None:
    assert with_defaults(["--k", "-3"], DEFAULTS) == ["--k", "-3"]
    assert with_defaults(["--k", "2.5"], DEFAULTS) == ["--k", "2.5"]


def test_another_option_or_the_target_after_it_is_left_alone() -> None:
    assert with_defaults(["--k", "--save", "d"], DEFAULTS) == ["--k", "10", "--save", "d"]
    assert with_defaults(["--k", "http://127.0.0.1:1/cb"], DEFAULTS) == [
        "--k",
        "10",
        "http://127.0.0.1:1/cb",
    ]


def test_an_explicit_value_and_words_after_double_dash_are_not_touched() -> None:
    assert with_defaults(["--k=5", "--", "--k"], DEFAULTS) == ["--k=5", "--", "--k"]
    assert with_defaults(["--other", "x"], DEFAULTS) == ["--other", "x"]
