"""The target of ``check`` and ``explore``: an endpoint URL, an app, or the example bot."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from vcall.cli.render.transcript import unreachable_message
from vcall.simulator.errors import EndpointUnreachableError, UsageError
from vcall.simulator.replay.targets import EXAMPLE_BOT, Target, resolve_target


def chosen_target(target: str | None, example_bot: bool) -> Target:
    if example_bot and target:
        raise UsageError("give either a TARGET or --example-bot, not both")
    if example_bot:
        return resolve_target(EXAMPLE_BOT)
    if not target:
        raise UsageError("no TARGET: give an endpoint URL, an app as module:attr, or --example-bot")
    return resolve_target(target)


@contextmanager
def one_line_if_unreachable(target: Target) -> Iterator[None]:
    """An endpoint that refuses the connection is said as ``simulate`` and ``load`` say it:
    ``nothing listens on 127.0.0.1:8080 — is your bot running? (URL)``."""
    try:
        yield
    except EndpointUnreachableError as error:
        raise EndpointUnreachableError(unreachable_message(target.url, str(error))) from None
