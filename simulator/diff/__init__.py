"""What changed between two versions of a bot (``vcall diff``): both explored alike (or read
from saved explore reports), their maps aligned by caller moves, each change named with the
shortest caller path that shows it."""

from vcall.simulator.diff.align import Change, ChangeKind, align
from vcall.simulator.diff.compare import FieldChange, field_changes
from vcall.simulator.diff.report import write_diff_html, write_diff_json, write_diff_markdown
from vcall.simulator.diff.result import DiffResult
from vcall.simulator.diff.run import DiffConfig, Source, diff
from vcall.simulator.diff.sides import Side, read_side, side_from_document, side_from_result

__all__ = [
    "Change",
    "ChangeKind",
    "DiffConfig",
    "DiffResult",
    "FieldChange",
    "Side",
    "Source",
    "align",
    "diff",
    "field_changes",
    "read_side",
    "side_from_document",
    "side_from_result",
    "write_diff_html",
    "write_diff_json",
    "write_diff_markdown",
]
