"""Moved to :mod:`vcall.simulator.dialogue_map.moves`; the names speech still imports from here
are kept until it imports the map package directly."""

from vcall.simulator.dialogue_map.moves import Move, MoveKind, say_move

__all__ = ["Move", "MoveKind", "say_move"]
