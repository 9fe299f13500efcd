"""``vcall simulate --update-expectations``: each fixture's expectations rewritten, in place, from
the answers the run observed.

The engine keeps every expectation it checked with the answer it checked it against
(``CallResult.observed``). Here each fixture file is read with ruamel.yaml's round-trip loader,
which keeps comments, key order, quoting and flow/block style; only the values of expectations
that failed are replaced, by what the bot answered, and the file is written back atomically. A
value written with ``${...}`` (variables, rows, captures) is never overwritten, and an expectation
the calls of one fixture (variants, data rows) or a reactive step's rounds answered differently
is left as it is: both are reported instead.
"""

from __future__ import annotations

import difflib
import io
import json
import re
import time
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from vcall.simulator.atomic import write_atomic
from vcall.simulator.clock import SHANGHAI
from vcall.simulator.errors import UsageError
from vcall.simulator.fixture import Match, MatchKind, answer_path
from vcall.simulator.live import DIGIT_RUN, DOLLAR_VARIABLE
from vcall.simulator.replay import Observed, RunResult, check_match, lookup

EXPECTATION_KEYS = ("expect", "answer")
_MISSING = lookup({}, "absent")
_DOLLAR = "${" + DOLLAR_VARIABLE + "}"
"""How a literal ``$`` before ``{`` is written (``variables: {vcall_dollar: $}``, as tap does)."""
_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVER = Resolver()
"""The YAML 1.1 resolver the fixture loader reads plain scalars with (``yes`` is a boolean)."""
_BOM = "\ufeff"
_INDENTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4))
"""(mapping, sequence, offset) layouts tried, in order, until one reproduces a file exactly."""


@dataclass(frozen=True, slots=True)
class FileUpdate:
    """One fixture file, before and after."""

    path: str
    old_text: str
    new_text: str
    changes: tuple[str, ...]
    """One line per value changed: ``file:line: steps...action: 'play' -> 'hangup'``."""

    @property
    def diff(self) -> str:
        lines = difflib.unified_diff(
            self.old_text.splitlines(keepends=True),
            self.new_text.splitlines(keepends=True),
            f"a/{self.path}",
            f"b/{self.path}",
        )
        return "".join(lines)


@dataclass(frozen=True, slots=True)
class GoldenPlan:
    """What ``--update-expectations`` would write, and what it leaves alone (and why)."""

    updates: tuple[FileUpdate, ...] = ()
    skipped: tuple[str, ...] = ()

    @property
    def changed(self) -> int:
        return sum(len(update.changes) for update in self.updates)


@dataclass(slots=True)
class _FileWork:
    path: str
    observed: dict[int, list[Observed]] = field(default_factory=lambda: defaultdict(list))
    ends: set[str] = field(default_factory=set)
    changes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    dollar: bool = False
    """The file defines ``vcall_dollar: $`` (a literal ``${`` is written with it)."""
    dollar_needed: bool = False


def plan_expectation_updates(run: RunResult) -> GoldenPlan:
    """Every fixture file's expectations, rewritten from ``run``'s answers (nothing is written)."""
    if run.interrupted:
        raise UsageError(
            "the run was interrupted: expectations are updated from complete runs only"
        )
    work: dict[str, _FileWork] = {}
    for call in run.calls:
        if call.unreachable:
            continue
        for observed in call.observed:
            entry = work.setdefault(observed.file, _FileWork(observed.file))
            entry.observed[observed.expectation.line].append(observed)
        if call.scenario.file and call.scenario.end is not None and call.end_reason is not None:
            entry = work.setdefault(call.scenario.file, _FileWork(call.scenario.file))
            entry.ends.add(call.end_reason.value)
    updates: list[FileUpdate] = []
    skipped: list[str] = []
    for entry in work.values():
        update = _plan_file(entry)
        if update is not None:
            updates.append(update)
        skipped.extend(entry.skipped)
    return GoldenPlan(tuple(updates), tuple(skipped))


def write_updates(plan: GoldenPlan) -> None:
    for update in plan.updates:
        write_atomic(update.path, update.new_text)


# --- one file ------------------------------------------------------------------------------------


def _plan_file(entry: _FileWork) -> FileUpdate | None:
    path = entry.path
    if Path(path).suffix == ".json":
        entry.skipped.append(f"{path}: JSON fixtures are not rewritten; update them by hand")
        return None
    try:
        original = Path(path).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        entry.skipped.append(f"{path}: cannot read: {error}")
        return None
    bom = _BOM if original.startswith(_BOM) else ""
    newline = "\r\n" if "\r\n" in original else "\n"
    text = original.removeprefix(bom).replace("\r\n", "\n")
    yaml = _round_trip(text)
    try:
        document = yaml.load(text)
    except YAMLError as error:
        entry.skipped.append(f"{path}: cannot parse: {str(error).splitlines()[0]}")
        return None
    maps = dict(_expectation_maps(document))
    entry.dollar = _dollar_defined(document)
    for line, observations in sorted(entry.observed.items()):
        target = maps.get(line)
        if target is None:
            entry.skipped.append(f"{path}:{line}: expectation not found in the file")
            continue
        _update_expectation(target, observations, entry, line)
    _update_end(document, entry)
    if not entry.changes:
        return None
    if entry.dollar_needed and not entry.dollar:
        _define_dollar(document)
    out = io.StringIO()
    yaml.dump(document, out)
    new_text = bom + out.getvalue().replace("\n", newline)
    return FileUpdate(path, original, new_text, tuple(entry.changes))


def _round_trip(text: str) -> YAML:
    """A round-trip loader/dumper laid out like ``text`` (the first layout that reproduces it)."""
    for mapping, sequence, offset in _INDENTS:
        yaml = _yaml(mapping, sequence, offset)
        out = io.StringIO()
        try:
            yaml.dump(yaml.load(text), out)
        except YAMLError:
            break
        if out.getvalue() == text:
            return yaml
    return _yaml(*_INDENTS[0])


def _yaml(mapping: int, sequence: int, offset: int) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.allow_unicode = True
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _expectation_maps(node: Any) -> Iterator[tuple[int, CommentedMap]]:
    """Every ``expect:``/``answer:`` mapping, by the 1-based line of its key."""
    if isinstance(node, CommentedMap):
        for key, value in node.items():
            if key in EXPECTATION_KEYS and isinstance(value, CommentedMap):
                yield node.lc.key(key)[0] + 1, value
            yield from _expectation_maps(value)
    elif isinstance(node, list):
        for item in node:
            yield from _expectation_maps(item)


def _update_expectation(
    target: CommentedMap, observations: Sequence[Observed], entry: _FileWork, line: int
) -> None:
    answered = [o for o in observations if o.kind is not None]
    if not answered:
        entry.skipped.append(f"{entry.path}:{line}: the step produced no callback; left as it is")
        return
    shared = _shared_reason(target)
    if shared:
        entry.skipped.append(f"{entry.path}:{line}: the expectation {shared}; left as it is")
        return
    for key in list(target):
        where = f"{entry.path}:{target.lc.key(key)[0] + 1}"
        if key == "callback":
            kinds = {o.kind.value for o in answered if o.kind is not None}
            _replace(target, key, kinds, entry, where, json_values=False)
            continue
        value = target[key]
        match = _match(key, _undollared(value, entry))
        failing = [o for o in answered if check_match(match, o.envelope or {}, "") is not None]
        if not failing:
            continue
        if _anchored(value):
            entry.skipped.append(f"{where}: {key} is an anchor (&) others may use; left as it is")
            continue
        if "${" in json.dumps(_plain(_undollared(value, entry)), ensure_ascii=False):
            entry.skipped.append(f"{where}: {key} is written with ${{...}}; left as it is")
            continue
        actual = {_encoded(lookup(o.envelope or {}, match.path)) for o in answered}
        if any(holds_run_time(value, time.time()) for value in actual):
            entry.skipped.append(
                f"{where}: {key}: the answer holds the run's time (a Unix time or date of "
                "today): it would differ on the next run; left as it is (--epoch pins the time)"
            )
            continue
        _replace(target, key, actual, entry, where, json_values=True)


def _replace(
    target: CommentedMap,
    key: str,
    values: set[str],
    entry: _FileWork,
    where: str,
    *,
    json_values: bool,
) -> None:
    if len(values) != 1:
        entry.skipped.append(
            f"{where}: {key}: answered differently (variants, rows or rounds); left as it is"
        )
        return
    (encoded,) = values
    old = target[key]
    new = _decoded(encoded) if json_values else encoded
    if not json_values and str(old) == new:
        return
    if "${captured." in json.dumps(_plain(new), ensure_ascii=False):
        entry.skipped.append(f"{where}: {key}: the answer holds ${{captured...}}; left as it is")
        return
    written = _literal(new, entry)
    target[key] = _styled(written, old)
    entry.changes.append(f"{where}: {key}: {_shown(old)} -> {_shown(new)}")


def _update_end(document: Any, entry: _FileWork) -> None:
    if not isinstance(document, CommentedMap) or "end" not in document or not entry.ends:
        return
    where = f"{entry.path}:{document.lc.key('end')[0] + 1}"
    _replace(document, "end", entry.ends, entry, where, json_values=False)


# --- values --------------------------------------------------------------------------------------

RUN_TIME_WINDOW_S = 2 * 86_400
"""A Unix time this close to now, or a date this close to today, is the run's: calls start at
the wall-clock time unless ``--epoch`` pins it."""
_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


def holds_run_time(text: str, now_s: float) -> bool:
    """Whether ``text`` holds a Unix time (10 or 13 digits) or a ``YYYY-MM-DD`` date of the
    run (within two days of ``now_s``): a value that would differ on the next run."""
    for run in DIGIT_RUN.findall(text):
        seconds = int(run) / 1000 if len(run) == 13 else int(run)
        if abs(seconds - now_s) <= RUN_TIME_WINDOW_S:
            return True
    for year, month, day in _DATE.findall(text):
        try:
            stamp = datetime(int(year), int(month), int(day), tzinfo=SHANGHAI).timestamp()
        except ValueError:
            continue
        if abs(stamp - now_s) <= RUN_TIME_WINDOW_S:
            return True
    return False


def _shared_reason(target: CommentedMap) -> str:
    """Why an expectation mapping must not be rewritten in place: ``&anchor`` (its ``*alias``
    uses elsewhere would change too) or a merge key (``<<:``: its keys live elsewhere)."""
    if _anchored(target):
        return "is an anchor (&) or an alias (*) shared with other steps"
    if getattr(target, "merge", None):
        return "uses a merge key (<<:)"
    return ""


def _anchored(value: Any) -> bool:
    anchor = getattr(value, "anchor", None)
    return anchor is not None and getattr(anchor, "value", None) is not None


def _dollar_defined(document: Any) -> bool:
    variables = document.get("variables") if isinstance(document, CommentedMap) else None
    return isinstance(variables, Mapping) and variables.get(DOLLAR_VARIABLE) == "$"


def _define_dollar(document: CommentedMap) -> None:
    """``variables: {vcall_dollar: $}``, added to the fixture's own (after ``name``)."""
    variables = document.get("variables")
    if isinstance(variables, CommentedMap):
        variables[DOLLAR_VARIABLE] = "$"
        return
    defined = CommentedMap({DOLLAR_VARIABLE: "$"})
    defined.fa.set_flow_style()
    position = list(document).index("name") + 1 if "name" in document else 0
    document.insert(position, "variables", defined)


def _undollared(value: Any, entry: _FileWork) -> Any:
    """``value`` as the loader reads it: ``${vcall_dollar}`` is a ``$``."""
    if not entry.dollar:
        return value
    if isinstance(value, str):
        return value.replace(_DOLLAR, "$")
    if isinstance(value, Mapping):
        return {key: _undollared(item, entry) for key, item in value.items()}
    if isinstance(value, list):
        return [_undollared(item, entry) for item in value]
    return value


def _literal(value: Any, entry: _FileWork) -> Any:
    """A value the bot answered, written so the loader reads it back as it was: ``${`` escaped
    (bot text ``${env:GITHUB_TOKEN}`` must never be expanded), YAML 1.1 words quoted."""
    if isinstance(value, str):
        if "${" in value:
            entry.dollar_needed = True
            value = value.replace("${", _DOLLAR + "{")
        if _RESOLVER.resolve(ScalarNode, value, (True, False)) != _STR_TAG:  # type: ignore[no-untyped-call]
            return DoubleQuotedScalarString(value)
        return value
    if isinstance(value, dict):
        mapped = CommentedMap((key, _literal(item, entry)) for key, item in value.items())
        if isinstance(value, CommentedMap) and value.fa.flow_style():
            mapped.fa.set_flow_style()
        return mapped
    if isinstance(value, list):
        return [_literal(item, entry) for item in value]
    return value


def _match(key: str, value: Any) -> Match:
    path = answer_path(key)
    if isinstance(value, Mapping) and len(value) == 1:
        kind_name, operand = next(iter(value.items()))
        if kind_name in {kind.value for kind in MatchKind}:
            return Match(path, MatchKind(kind_name), _plain(operand))
    return Match(path, MatchKind.EQUALS, _plain(value))


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def _encoded(value: Any) -> str:
    return "absent" if value is _MISSING else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _decoded(encoded: str) -> Any:
    if encoded == "absent":
        absent = CommentedMap(absent=True)
        absent.fa.set_flow_style()
        return absent
    return json.loads(encoded)


def _styled(new: Any, old: Any) -> Any:
    """``new`` quoted as ``old`` was, when both are text (a quote ``new`` needs is kept)."""
    if isinstance(new, str) and not isinstance(new, DoubleQuotedScalarString):
        if isinstance(old, DoubleQuotedScalarString):
            return DoubleQuotedScalarString(new)
        if isinstance(old, SingleQuotedScalarString):
            return SingleQuotedScalarString(new)
    return new


def _shown(value: Any) -> str:
    if isinstance(value, Mapping):
        return json.dumps(_plain(value), ensure_ascii=False)
    return repr(_plain(value))
