"""Moved to :mod:`vcall.simulator.dialogue_map.graph`; the names speech still imports from here
are kept until it imports the map package directly."""

from vcall.simulator.dialogue_map.graph import ExploreMap, Node

__all__ = ["ExploreMap", "Node"]
