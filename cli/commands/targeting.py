"""The target of a command (``simulate``, ``load``, ``check``, ``explore``): an endpoint URL, an
app, or the example bot; and the event loop the fast paths run on."""

from __future__ import annotations

from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from vcall.cli.render.transcript import unreachable_message
from vcall.simulator.errors import EndpointUnreachableError, UsageError
from vcall.simulator.replay.targets import EXAMPLE_BOT, Target, resolve_target


def chosen_target(target: str | None, example_bot: bool) -> Target:
    if example_bot and target and _configured("target"):
        target = None  # --example-bot on the command line wins over a configured target
    if example_bot and target:
        raise UsageError("give either a TARGET or --example-bot, not both")
    if example_bot:
        return resolve_target(EXAMPLE_BOT)
    if not target:
        raise UsageError("no TARGET: give an endpoint URL, an app as module:attr, or --example-bot")
    return resolve_target(target)


def _configured(name: str) -> bool:
    """Whether the current command's ``name`` came from vcall.toml / VCALL_* (not typed)."""
    from vcall.cli.lazy_group import click_module

    click = click_module()
    context = click.globals.get_current_context(silent=True)
    if context is None:
        return False
    source = context.get_parameter_source(name)
    return source is not None and source.name == "DEFAULT_MAP"


@contextmanager
def one_line_if_unreachable(target: Target) -> Iterator[None]:
    """An endpoint that refuses the connection is said as ``simulate`` and ``load`` say it:
    ``nothing listens on 127.0.0.1:8080 — is your bot running? (URL)``."""
    try:
        yield
    except EndpointUnreachableError as error:
        raise EndpointUnreachableError(unreachable_message(target.url, str(error))) from None


_T = TypeVar("_T")


def run_on_fast_loop(coroutine: Coroutine[Any, Any, _T]) -> _T:
    """Run on uvloop when it is installed (``vcall load`` and ``vcall tap``: their own time per
    callback is what they add), else on asyncio's loop: the library's one runner."""
    from vcall.simulator.explore.transport import run_fast

    return run_fast(coroutine)
