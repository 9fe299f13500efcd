"""Moved to :mod:`vcall.simulator.dialogue_map.identity`; the names speech still imports from here
are kept until it imports the map package directly."""

from vcall.simulator.dialogue_map.identity import Identity, state_of

__all__ = ["Identity", "state_of"]
