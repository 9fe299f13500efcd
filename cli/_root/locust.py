"""``from vcall.locust import SmartCallUser``: vcall calls as Locust users, vcall's summary printed.

A whole locustfile::

    from vcall.locust import SmartCallUser

    class Calls(SmartCallUser):
        fixtures = ["fixtures/"]
        host = "http://127.0.0.1:8080/callback"

The user itself lives in :mod:`vcall.simulator.locust`; this module adds the terminal side: the
master prints vcall's summary (the same tables as ``vcall load``) when it quits.
"""

from __future__ import annotations

from vcall.cli.render.load import breach_lines, crash_lines, summary_line, summary_tables
from vcall.cli.render.output import output_console, print_table
from vcall.simulator.load import Breach, LoadResult

try:
    from vcall.simulator.locust.plugin import set_reporter
    from vcall.simulator.locust.user import SmartCallUser
except ModuleNotFoundError as missing:
    if missing.name not in ("locust", "gevent"):
        raise
    message = "vcall.locust needs Locust: pip install 'vcall[locust]'"
    raise ModuleNotFoundError(message, name=missing.name) from None


def print_summary(result: LoadResult, breaches: list[Breach], workers: int) -> None:
    console = output_console()  # off a terminal: plain, unwrapped, wide tables as records
    source = f"{workers} worker{'s' if workers != 1 else ''}" if workers else "this process"
    console.print(f"[bold]vcall summary[/] ({source})")
    for table in summary_tables(result):
        print_table(console, table)
    console.print(summary_line(result))
    for line in crash_lines(result):
        console.print(line)
    for line in breach_lines(breaches):
        console.print(line)


set_reporter(print_summary)

__all__ = ["SmartCallUser"]
