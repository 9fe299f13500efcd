"""A persona: a simulated caller with a goal, the facts it knows, a style and a turn budget.

The data lives with the fixture format (``vcall.simulator.fixture.persona``: a fixture's
``persona:`` block holds the same fields); built from a persona file (``persona/loader.py``), a
fixture or command-line options. The brains (``rules.py``, ``llm.py``) decide what it does,
``caller.py`` plays it on the platform model.
"""

from __future__ import annotations

from vcall.simulator.fixture import (
    DEFAULT_BUDGET,
    EMPTY,
    MAX_BUDGET,
    Persona,
    Style,
    SuccessMatcher,
)

__all__ = ["DEFAULT_BUDGET", "EMPTY", "MAX_BUDGET", "Persona", "Style", "SuccessMatcher"]
