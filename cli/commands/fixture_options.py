"""Options that shape how fixtures become calls, shared by ``simulate`` and ``load``."""

from __future__ import annotations

from typing import Annotated

import typer

from vcall.simulator.fixture import LoadOptions, parse_asr_option

SeedOption = Annotated[
    int | None,
    typer.Option(
        "--seed", help="Seed for call ids, variants: random and ASR noise (repeatable runs)."
    ),
]
AsrOption = Annotated[
    str | None,
    typer.Option(
        "--asr",
        help="ASR realism for fixtures without asr: of their own: on, off, or "
        "fillers=0.3,homophones=0.2,digits=mixed,punctuation=drop,seed=7 (also confusions=P, "
        "itn=keep|written|spoken, truncation=P).",
    ),
]

OutsidePathsOption = Annotated[
    bool,
    typer.Option(
        "--allow-outside-paths",
        help="Let include:, data: and say_file: read files outside the fixture's folder "
        "(also VCALL_ALLOW_OUTSIDE_PATHS=1).",
    ),
]
SpecOnlyOption = Annotated[
    bool,
    typer.Option(
        "--spec-only",
        help="Check answers against the spec only; ignore the fixtures' expectations "
        "(answer, expect, end): for running the shipped fixtures against your own bot.",
    ),
]


def load_options(seed: int | None, asr: str | None, allow_outside: bool = False) -> LoadOptions:
    """What ``--seed``, ``--asr`` and ``--allow-outside-paths`` add to every fixture (``--asr``
    parsed: a bad value is a one-line usage error)."""
    parsed = parse_asr_option(asr) if asr else None
    return LoadOptions(seed=seed, asr=parsed, allow_outside_paths=allow_outside)
