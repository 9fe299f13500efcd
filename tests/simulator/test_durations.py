"""Durations as written in fixtures and options: parsing, rejection, and the human form."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vcall.simulator.durations import MAX_DURATION_MS, format_duration, parse_duration
from vcall.simulator.errors import DurationError, UsageError


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("800ms", 800),
        ("12s", 12_000),
        ("1.5s", 1_500),
        ("1m", 60_000),
        ("1m30s", 90_000),
        ("1h", 3_600_000),
        ("1s500ms", 1_500),
        ("0", 0),
        ("0ms", 0),
        ("0s", 0),
        (" 12s ", 12_000),
        ("12S", 12_000),
        ("24h", MAX_DURATION_MS),
        (0, 0),
        (0.0, 0),
    ],
)
def test_parse_duration_accepts_the_documented_forms(text: str | int | float, ms: int) -> None:
    assert parse_duration(text) == ms


def test_fractional_milliseconds_round_to_the_nearest_millisecond() -> None:
    assert parse_duration("1.4ms") == 1
    assert parse_duration("0.0016s") == 2


@pytest.mark.parametrize("number", [800, 12, 1.5, -3])
def test_a_bare_number_is_rejected_with_a_hint_to_add_a_unit(number: int | float) -> None:
    with pytest.raises(DurationError, match=rf"has no unit: write {number}ms or {number}s"):
        parse_duration(number)


@pytest.mark.parametrize("text", ["800", "12", "1.5"])
def test_a_bare_number_in_text_is_rejected(text: str) -> None:
    with pytest.raises(DurationError, match="is not a duration such as 800ms"):
        parse_duration(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  ",
        "soon",
        "12 s",
        "1m 30s",
        "12sec",
        "1d",
        ".5s",
        "-1s",
        "-800ms",
        "+2s",
        "1,5s",
        "s",
        "ms12",
    ],
)
def test_garbage_and_negative_durations_are_rejected(text: str) -> None:
    with pytest.raises(DurationError, match="is not a duration"):
        parse_duration(text)


@pytest.mark.parametrize("text", ["24h1ms", "25h", "1441m", "86400001ms"])
def test_durations_over_24_hours_are_rejected(text: str) -> None:
    with pytest.raises(DurationError, match="longer than 24h"):
        parse_duration(text)


@pytest.mark.parametrize("value", [True, False])
def test_booleans_are_not_durations(value: bool) -> None:
    with pytest.raises(DurationError, match="expected a duration"):
        parse_duration(value)


def test_errors_name_what_was_parsed_and_are_usage_errors() -> None:
    with pytest.raises(UsageError) as caught:
        parse_duration("soon", what="--timeout")
    assert str(caught.value).startswith("--timeout: 'soon'")
    assert isinstance(caught.value, DurationError)


@pytest.mark.parametrize(
    ("ms", "text"),
    [
        (0, "0ms"),
        (800, "800ms"),
        (999, "999ms"),
        (1_000, "1s"),
        (1_500, "1.5s"),
        (12_000, "12s"),
        (12_345, "12.345s"),
        (60_000, "1m"),
        (90_000, "1m30s"),
        (90_500, "1m30.5s"),
        (3_600_000, "60m"),
    ],
)
def test_format_duration_gives_the_short_human_form(ms: int, text: str) -> None:
    assert format_duration(ms) == text


def test_format_duration_rounds_fractional_milliseconds() -> None:
    assert format_duration(799.6) == "800ms"


@given(st.integers(min_value=0, max_value=MAX_DURATION_MS))
def test_format_duration_round_trips_through_parse_duration(ms: int) -> None:
    assert parse_duration(format_duration(ms)) == ms
