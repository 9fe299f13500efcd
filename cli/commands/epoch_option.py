"""``--epoch``, shared by ``simulate``, ``check``, ``explore`` and ``load`` (light: no simulator
import until it is parsed, so a command's first output is not held up)."""

from __future__ import annotations

from typing import Annotated

import typer

EpochOption = Annotated[
    str | None,
    typer.Option(
        "--epoch",
        help="Start every call's clock here (Unix ms or ISO date-time, e.g. 2025-11-21T12:40:00) "
        "for byte-identical runs; default: the wall-clock time each call starts.",
    ),
]
"""``epoch: EpochOption = None``."""


def epoch_option(value: str | None) -> int | None:
    """``--epoch`` in Unix ms; a bad value is a one-line usage error."""
    if value is None:
        return None
    from vcall.simulator.clock import parse_epoch
    from vcall.simulator.errors import UsageError

    try:
        return parse_epoch(value, "--epoch")
    except ValueError as error:
        raise UsageError(str(error)) from None
