"""``vcall tap --shadow``'s lines: each divergent call at its first differing answer, each
candidate error; the summary is ``ShadowCounts.summary``."""

from __future__ import annotations

import threading

from rich.console import Console
from rich.text import Text

from vcall.simulator.tap import CandidateError, Divergence, ShadowCounts, ShadowEvent
from vcall.simulator.text_safety import neutralize_controls as safe


class ShadowPrinter:
    def __init__(self, console: Console) -> None:
        self.console = console
        self._lock = threading.Lock()

    def __call__(self, event: ShadowEvent) -> None:
        with self._lock:
            self.console.print(shadow_line(event))


def shadow_line(event: ShadowEvent) -> Text:
    if isinstance(event, Divergence):
        return Text.assemble(
            (f"shadow: call {safe(event.call_id)} #{event.turn} {safe(event.kind)}: ", "dim"),
            ("diverged", "bold yellow"),
            safe(
                f" at {event.field}: production {event.production!r}, candidate "
                f"{event.candidate!r} (the rest of the call is not compared)"
            ),
        )
    assert isinstance(event, CandidateError)
    what = event.error or f"HTTP {event.status}"
    return Text(
        f"shadow: call {safe(event.call_id)} #{event.turn}: the candidate failed ({what})",
        style="red",
    )


def shadow_summary(counts: ShadowCounts) -> str:
    fixtures = "".join(
        f"\n  divergent call {call_id}: {path}" for call_id, path in counts.fixtures.items()
    )
    return counts.summary() + fixtures
