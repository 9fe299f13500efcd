"""YAML (and JSON) loading that remembers where every key and item was written.

Mappings load as :class:`LineDict` and sequences as :class:`LineList`; both carry the line of the
node itself and of each key / item, so errors can say ``file:line``.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from vcall.simulator.errors import FixtureError


class LineDict(dict[str, Any]):
    """A mapping from YAML with ``line`` (its own) and ``lines`` (per key), 1-based."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[str, int] = {}

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)


class LineList(list[Any]):
    """A sequence from YAML with ``line`` (its own) and ``lines`` (per item), 1-based."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.lines[index] if index < len(self.lines) else self.line


class _LineLoader(yaml.SafeLoader):
    file_name = ""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str):
            key = str(key)
        if key in result:
            raise FixtureError(f"duplicate key {key!r}", file=loader.file_name, line=line)
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = line
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList()
    result.line = node.start_mark.line + 1
    for item in node.value:
        result.append(loader.construct_object(item, deep=True))
        result.lines.append(item.start_mark.line + 1)
    return result


_PLAIN_DECIMAL = re.compile(r"[-+]?(0|[1-9][0-9]*)")


def _construct_int(loader: _LineLoader, node: yaml.ScalarNode) -> int | str:
    """YAML 1.1 reads ``01012345670`` as octal, ``10:30`` as 630 and ``1_000`` as 1000.

    In a fixture such values are phone numbers, keys or words, so only plain decimals are numbers;
    any other integer form keeps the text as written.
    """
    if not _PLAIN_DECIMAL.fullmatch(node.value):
        return str(node.value)
    return int(loader.construct_yaml_int(node))


_LineLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(text: str, file_name: str) -> Any:
    """Parse YAML or JSON text; syntax errors become a :class:`FixtureError` with ``file:line``."""
    loader = _LineLoader(text)
    loader.file_name = file_name
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = error.problem or error.context or "invalid YAML"
        raise FixtureError(f"invalid YAML: {problem}", file=file_name, line=line) from None
    except yaml.YAMLError as error:
        raise FixtureError(f"invalid YAML: {error}", file=file_name) from None
    finally:
        loader.dispose()
