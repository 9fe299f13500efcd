"""The console's turn panel shows what the caller hears of a TTS answer with numbers in it."""

from __future__ import annotations

from rich.console import Console

from vcall.cli.console.panels import turn_panel
from vcall.simulator.live.status import TurnSummary
from vcall.simulator.spec import CallbackKind


def _panel_text(plays: tuple[str, ...]) -> str:
    summary = TurnSummary(
        number=2,
        kind=CallbackKind.NORMAL,
        at_ms=1000,
        heard="查话费",
        action="play",
        plays=plays,
        settings=(),
        transfer_to=None,
        latency_ms=3.0,
        status=200,
        problem=None,
        findings=(),
    )
    console = Console(record=True, width=160)
    console.print(turn_panel(summary, width=150))
    return console.export_text()


def test_a_number_in_the_answer_gets_a_heard_as_row() -> None:
    text = _panel_text(("a.wav", "您的话费是¥128.50"))
    assert "heard as" in text
    assert "a.wav + 您的话费是一百二十八元五角" in text


def test_an_answer_heard_as_written_gets_none() -> None:
    assert "heard as" not in _panel_text(("a.wav", "您好，请问有什么可以帮您"))
