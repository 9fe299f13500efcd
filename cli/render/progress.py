"""Live progress for ``explore`` and ``check``: what they are doing while they run.

On a terminal, one line redrawn four times a second (gone when the command ends); off a
terminal (a CI log), the same line printed plainly every ``EVERY_S`` seconds. The command runs
in the main thread; the line is read from the library's progress object by another thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.live import Live
from rich.text import Text

from vcall.simulator.explore import CheckProgress, ExploreProgress

EVERY_S = 3.0
"""How often a progress line is printed when the output is not a terminal."""


def duration_words(seconds: float) -> str:
    """``2 min``, ``45 s``, ``1 min 30 s``."""
    whole = max(0, round(seconds))
    minutes, rest = divmod(whole, 60)
    if not minutes:
        return f"{rest} s"
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def explore_plan(concurrency: int, max_time_s: float) -> str:
    calls = "1 call at a time" if concurrency == 1 else f"{concurrency} concurrent calls"
    return f"exploring with {calls}, up to {duration_words(max_time_s)}"


def check_plan(concurrency: int, placements: int) -> str:
    each = "in both placements (form, query)" if placements > 1 else "in one placement"
    return f"checking the built-in behaviours {each}, {concurrency} calls side by side"


def explore_status(progress: ExploreProgress) -> str:
    problems = f"{progress.problems} problem{'' if progress.problems == 1 else 's'}"
    return (
        f"{progress.phase}: {progress.calls} calls, {progress.callbacks} callbacks, "
        f"{progress.states} states, depth {progress.depth} ({progress.frontier} to expand), "
        f"{problems}, {duration_words(progress.time_left_s())} left"
    )


def check_status(progress: CheckProgress) -> str:
    if progress.phase != "running behaviours":
        return f"{progress.phase}: {progress.calls} calls"
    tally = ", ".join(f"{count} {verdict}" for verdict, count in sorted(progress.tally.items()))
    running = list(progress.running)
    now = f" · running {running[0]}" if running else ""
    now += f" (+{len(running) - 1})" if len(running) > 1 else ""
    return (
        f"behaviours: {progress.done}/{progress.total} done"
        + (f" ({tally})" if tally else "")
        + (now if running else "")
    )


@contextmanager
def live_progress(console: Console, status: Callable[[], str]) -> Iterator[None]:
    """Show ``status()`` while the block runs (see the module's docstring)."""
    if console.is_terminal:
        with Live(
            get_renderable=lambda: Text(status(), overflow="ellipsis", no_wrap=True),
            console=console,
            refresh_per_second=4,
            transient=True,
        ):
            yield
        return
    stop = threading.Event()

    def lines() -> None:
        while not stop.wait(EVERY_S):
            console.print(status(), markup=False, highlight=False, soft_wrap=True)

    thread = threading.Thread(target=lines, name="vcall-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
