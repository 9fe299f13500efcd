"""Options that shape how fixtures become calls, shared by ``simulate`` and ``load``."""

from __future__ import annotations

import typer

from vcall.simulator.fixture.asr import parse_asr_option
from vcall.simulator.fixture.loader import LoadOptions

SEED_OPTION = typer.Option(
    None, "--seed", help="Seed for call ids, variants: random and ASR noise (repeatable runs)."
)
ASR_OPTION = typer.Option(
    None,
    "--asr",
    help="ASR realism for fixtures without asr: of their own: on, off, or "
    "fillers=0.3,homophones=0.2,digits=mixed,punctuation=drop,seed=7.",
)


def load_options(seed: int | None, asr: str | None) -> LoadOptions:
    """What ``--seed`` and ``--asr`` add to every fixture (``--asr`` parsed: a bad value is a
    one-line usage error)."""
    return LoadOptions(seed=seed, asr=parse_asr_option(asr) if asr else None)
