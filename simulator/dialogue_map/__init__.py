"""The map of a bot's dialogue, as plain data: state identity (what the bot does, reduced to a
key), the caller's moves and the move bank, the map itself (states and the moves between them),
a path played as one call, and a played path written as a fixture.

It sits below the features that draw or read maps (explore draws them; the properties and diff
read them), so none of them has to reach into another for the types.

The face is lazy (PEP 562), as explore's is: a name is imported from its module the first time it
is asked for, so reading a state key does not load the replay engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vcall.simulator.lazy_face import lazy_names

if TYPE_CHECKING:
    from vcall.simulator.dialogue_map.graph import (
        MAP_FORMAT,
        MAP_FORMATS_READ,
        Edge,
        ExploreMap,
        Node,
        SavedMap,
        SavedState,
        kept_answer,
        read_map,
        to_dot,
        to_mermaid,
    )
    from vcall.simulator.dialogue_map.identity import (
        Identity,
        StateKey,
        is_no_change,
        mask,
        state_of,
    )
    from vcall.simulator.dialogue_map.moves import (
        HANGUP,
        INPUT_KINDS,
        MARGIN_MS,
        Move,
        MoveKind,
        Situation,
        builtin_lines,
        key_move,
        moves_for,
        no_input_move,
        read_say_file,
        say_move,
        silence_move,
        until_session_timeout,
    )
    from vcall.simulator.dialogue_map.paths import (
        BOT_ENDINGS,
        ENDED,
        NO_ANSWER,
        OPENING,
        MoveOutcome,
        PathRun,
        end_state,
        flatten,
        usable_data,
    )
    from vcall.simulator.dialogue_map.saving import EXPLORE_TAG, path_document, slug, write_fixture

_WHERE: dict[str, tuple[str, str]] = {
    "BOT_ENDINGS": ("paths", "BOT_ENDINGS"),
    "ENDED": ("paths", "ENDED"),
    "EXPLORE_TAG": ("saving", "EXPLORE_TAG"),
    "Edge": ("graph", "Edge"),
    "ExploreMap": ("graph", "ExploreMap"),
    "HANGUP": ("moves", "HANGUP"),
    "until_session_timeout": ("moves", "until_session_timeout"),
    "INPUT_KINDS": ("moves", "INPUT_KINDS"),
    "silence_move": ("moves", "silence_move"),
    "no_input_move": ("moves", "no_input_move"),
    "Identity": ("identity", "Identity"),
    "MAP_FORMAT": ("graph", "MAP_FORMAT"),
    "MAP_FORMATS_READ": ("graph", "MAP_FORMATS_READ"),
    "MARGIN_MS": ("moves", "MARGIN_MS"),
    "Move": ("moves", "Move"),
    "MoveKind": ("moves", "MoveKind"),
    "MoveOutcome": ("paths", "MoveOutcome"),
    "NO_ANSWER": ("paths", "NO_ANSWER"),
    "Node": ("graph", "Node"),
    "OPENING": ("paths", "OPENING"),
    "PathRun": ("paths", "PathRun"),
    "SavedMap": ("graph", "SavedMap"),
    "SavedState": ("graph", "SavedState"),
    "Situation": ("moves", "Situation"),
    "StateKey": ("identity", "StateKey"),
    "builtin_lines": ("moves", "builtin_lines"),
    "end_state": ("paths", "end_state"),
    "flatten": ("paths", "flatten"),
    "is_no_change": ("identity", "is_no_change"),
    "kept_answer": ("graph", "kept_answer"),
    "key_move": ("moves", "key_move"),
    "mask": ("identity", "mask"),
    "moves_for": ("moves", "moves_for"),
    "path_document": ("saving", "path_document"),
    "read_map": ("graph", "read_map"),
    "read_say_file": ("moves", "read_say_file"),
    "say_move": ("moves", "say_move"),
    "slug": ("saving", "slug"),
    "state_of": ("identity", "state_of"),
    "to_dot": ("graph", "to_dot"),
    "to_mermaid": ("graph", "to_mermaid"),
    "usable_data": ("paths", "usable_data"),
    "write_fixture": ("saving", "write_fixture"),
}
"""Each public name: the module of this package that defines it, and its name there."""


__getattr__ = lazy_names(__name__, _WHERE)


__all__ = [
    "BOT_ENDINGS",
    "ENDED",
    "EXPLORE_TAG",
    "HANGUP",
    "INPUT_KINDS",
    "MAP_FORMAT",
    "MAP_FORMATS_READ",
    "MARGIN_MS",
    "NO_ANSWER",
    "OPENING",
    "Edge",
    "ExploreMap",
    "Identity",
    "Move",
    "MoveKind",
    "MoveOutcome",
    "Node",
    "PathRun",
    "SavedMap",
    "SavedState",
    "Situation",
    "StateKey",
    "builtin_lines",
    "end_state",
    "flatten",
    "is_no_change",
    "kept_answer",
    "key_move",
    "mask",
    "moves_for",
    "no_input_move",
    "path_document",
    "read_map",
    "read_say_file",
    "say_move",
    "silence_move",
    "slug",
    "state_of",
    "to_dot",
    "to_mermaid",
    "until_session_timeout",
    "usable_data",
    "write_fixture",
]
