"""Where a call's Unix time starts: ``timestamp`` is the current time (seed 001, "当前时间戳"),
so by default every call's virtual clock starts at the wall-clock time it starts; ``--epoch``
(``SimulationConfig.epoch_ms``) or a fixture's ``call.start_time`` fixes it for byte-identical
runs, ``--epoch`` over the fixture's."""

from __future__ import annotations

import time

import pytest
from engine_support import replay, scenario

from vcall.simulator.clock import VIRTUAL_EPOCH_MS, parse_epoch
from vcall.simulator.errors import FixtureError

CALL = """
name: start
call: {direction: inbound%s}
steps:
  - wait: playback
  - say: 你好
  - hangup
"""


def _stamps(text: str, **config: object) -> list[int]:
    call = replay(scenario(text), **config).calls[0]  # type: ignore[arg-type]
    return [turn.callback.timestamp_ms for turn in call.turns]


def test_by_default_a_call_starts_at_the_wall_clock_time() -> None:
    before = int(time.time() * 1000)
    stamps = _stamps(CALL % "", epoch_ms=None)
    after = int(time.time() * 1000)
    assert before <= stamps[0] <= after
    assert stamps == sorted(stamps)


def test_a_fixed_epoch_gives_byte_identical_calls() -> None:
    first = replay(scenario(CALL % ""), epoch_ms=VIRTUAL_EPOCH_MS).calls[0]
    second = replay(scenario(CALL % ""), epoch_ms=VIRTUAL_EPOCH_MS).calls[0]
    assert first.turns[0].callback.timestamp_ms == VIRTUAL_EPOCH_MS
    assert [t.callback.params() for t in first.turns] == [t.callback.params() for t in second.turns]


def test_a_fixtures_start_time_fixes_its_call_and_epoch_wins_over_it() -> None:
    fixed = CALL % ", start_time: '2026-03-01T09:30:00+08:00'"
    assert _stamps(fixed, epoch_ms=None)[0] == parse_epoch("2026-03-01T09:30:00+08:00", "x")
    assert _stamps(fixed, epoch_ms=VIRTUAL_EPOCH_MS)[0] == VIRTUAL_EPOCH_MS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1763700000000", 1_763_700_000_000),
        ("1763700000", 1_763_700_000_000),
        ("2025-11-21T12:40:00", 1_763_700_000_000),  # no zone: Shanghai time
        ("2025-11-21T04:40:00+00:00", 1_763_700_000_000),
    ],
)
def test_epoch_forms(text: str, expected: int) -> None:
    assert parse_epoch(text, "--epoch") == expected


def test_a_bad_start_time_names_the_file_line_and_the_forms() -> None:
    with pytest.raises(FixtureError, match=r"test\.yaml:3.*call\.start_time: 'soon' is not Unix"):
        scenario(CALL % ", start_time: soon")
