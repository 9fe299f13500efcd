"""The target of ``check`` and ``explore``: an endpoint URL, an app, or the example bot."""

from __future__ import annotations

from vcall.simulator.errors import UsageError
from vcall.simulator.replay.targets import EXAMPLE_BOT, Target, resolve_target


def chosen_target(target: str | None, example_bot: bool) -> Target:
    if example_bot and target:
        raise UsageError("give either a TARGET or --example-bot, not both")
    if example_bot:
        return resolve_target(EXAMPLE_BOT)
    if not target:
        raise UsageError("no TARGET: give an endpoint URL, an app as module:attr, or --example-bot")
    return resolve_target(target)
