"""The rule registry: every rule id vcall reports, with its default severity, meaning and seed.

A rule is a small named function that yields :class:`Finding` objects. It is registered in a
:class:`RuleSet` (one per thing checked: the body, the envelope, the ``data`` object, SmartCall
parameters) with a decorator carrying its stable id. Some ids are shared by several rule sets
(``unknown-key`` applies to responses and to SmartCall parameters): those are declared once with
:func:`define` and attached with :meth:`RuleSet.rule`.

A rule may declare the ``fields`` it is about: it can only find something when one of them is
present. :meth:`RuleSet.run` given the names present skips the others -- the validator runs on
every callback of a load run, and most rules have nothing to look at in a typical answer.

A rule reports at most ``MAX_FINDINGS_PER_RULE`` findings per response; the rest become one
"… and N more" finding, counted with did-you-mean suggestions off, so a hostile body of 100,000
unknown keys costs a fraction of a second to validate and to show.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from types import MappingProxyType
from typing import Generic, TypeVar

from vcall.simulator.findings import Finding, Severity
from vcall.simulator.spec import SPEC_NOTES


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """A rule as documented: stable id, default severity, one-line description, seed file, and
    the words of that page the rule rests on (``quote``: a test finds them in the page)."""

    id: str
    severity: Severity
    description: str
    seed: str
    quote: str = ""

    def at(
        self,
        path: str,
        message: str,
        *,
        expected: str | None = None,
        actual: str | None = None,
        seed: str | None = None,
        severity: Severity | None = None,
    ) -> Finding:
        """A finding of this rule at ``path`` (``seed`` defaults to the rule's own)."""
        return Finding(
            rule=self.id,
            severity=severity or self.severity,
            path=path,
            message=message,
            seed=seed or self.seed,
            expected=expected,
            actual=actual,
        )


VCALL_CHOICE = (
    "Where a rule here is a choice rather than a fact, it says so; keep such choices "
    "configurable and documented."
)
"""The quote of a rule that is vcall's own choice (a limit, a JSON nicety), not a platform fact:
docs/platform.md's words for such choices."""

_RULES: dict[str, RuleInfo] = {}
RULES: Mapping[str, RuleInfo] = MappingProxyType(_RULES)
"""Every rule id vcall can report, in registration order (documented in docs/rules.md)."""


def define(
    rule_id: str, severity: Severity, description: str, seed: str, *, quote: str = ""
) -> RuleInfo:
    """Declare a rule id once; declaring the same id twice is a programming error.

    ``quote``: words of ``seed`` (verbatim, white space aside) that state the rule.
    """
    if rule_id in _RULES:
        raise ValueError(f"rule id {rule_id!r} is declared twice")
    info = RuleInfo(rule_id, severity, description, seed, quote)
    _RULES[rule_id] = info
    return info


ContextT = TypeVar("ContextT")
_RULE_SET_IDS: list[Callable[[], tuple[str, ...]]] = []
"""Each rule set's ids, in the order the sets were created (the documentation order)."""
CheckFunction = Callable[[ContextT, RuleInfo], Iterable[Finding]]

INTERNAL_ERROR = define(
    "internal-error",
    Severity.ERROR,
    "a rule failed on this input: a vcall bug, please report it (the input is not vouched for)",
    SPEC_NOTES,
    quote=VCALL_CHOICE,
)


MAX_FINDINGS_PER_RULE = 20
"""Findings one rule reports on one response; the rest are counted in one "… and N more"."""
_SUGGESTING: ContextVar[bool] = ContextVar("vcall_suggesting", default=True)


def suggestions_wanted() -> bool:
    """False while findings past a rule's cap are being counted: skip did-you-mean work."""
    return _SUGGESTING.get()


Registered = tuple[RuleInfo, CheckFunction[ContextT]]
_LISTENERS: list[Callable[[], None]] = []


def on_rules_changed(listener: Callable[[], None]) -> None:
    """Call ``listener`` whenever a rule is registered or a rule set's list is replaced (what
    remembers verdicts must forget them then)."""
    _LISTENERS.append(listener)


def _rules_changed() -> None:
    for listener in _LISTENERS:
        listener()


_PLAN_CACHE_LIMIT = 1024


class RuleSet(Generic[ContextT]):
    """An ordered list of rules run over one kind of context."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._rule_list: list[Registered[ContextT]] = []
        self._fields: list[frozenset[str] | None] = []
        """Per rule: the fields it is about (``None``: it always runs)."""
        self._plans: dict[Collection[str], tuple[Registered[ContextT], ...]] = {}
        self._planned_from = self._rule_list
        _RULE_SET_IDS.append(self.rule_ids_now)

    @property
    def _rules(self) -> list[Registered[ContextT]]:
        return self._rule_list

    @_rules.setter
    def _rules(self, rules: list[Registered[ContextT]]) -> None:
        """Replacing the rule list (tests do) is a change :func:`on_rules_changed` hears of."""
        self._rule_list = rules
        _rules_changed()

    def rule_ids_now(self) -> tuple[str, ...]:
        return self.rule_ids

    def rule(
        self, info: RuleInfo, *, fields: Iterable[str] | None = None
    ) -> Callable[[CheckFunction[ContextT]], CheckFunction[ContextT]]:
        """Attach an already declared rule id to a check function.

        ``fields``: the check finds nothing unless one of these is present (see :meth:`run`).
        """

        def register(check: CheckFunction[ContextT]) -> CheckFunction[ContextT]:
            self._rules.append((info, check))
            self._fields.append(None if fields is None else frozenset(fields))
            self._plans.clear()
            _rules_changed()
            return check

        return register

    def new(
        self,
        rule_id: str,
        severity: Severity,
        description: str,
        seed: str,
        *,
        fields: Iterable[str] | None = None,
        quote: str = "",
    ) -> Callable[[CheckFunction[ContextT]], CheckFunction[ContextT]]:
        """Declare a rule id and attach it to the decorated check function."""
        info = define(rule_id, severity, description, seed, quote=quote)
        return self.rule(info, fields=fields)

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(info.id for info, _ in self._rules)

    def plan(self, present: Collection[str]) -> tuple[Registered[ContextT], ...]:
        """The rules that can find something when the fields ``present`` are, in order."""
        rules = self._rule_list  # not the property: this runs for every response
        if self._planned_from is not rules:  # the rule list was replaced: plan afresh
            self._plans.clear()
            self._planned_from = rules
        key = present if isinstance(present, tuple | frozenset) else tuple(present)
        plan = self._plans.get(key)
        if plan is None:
            plan = tuple(
                registered
                for registered, fields in zip(rules, self._fields, strict=True)
                if fields is None or not fields.isdisjoint(key)
            )
            if len(self._plans) >= _PLAN_CACHE_LIMIT:
                self._plans.clear()
            self._plans[key] = plan
        return plan

    def run(self, context: ContextT, present: Collection[str] | None = None) -> list[Finding]:
        """Every finding of every rule; a rule that raises becomes an ``internal-error`` finding.

        ``present``: the fields the context has; rules about none of them are skipped.
        """
        chosen = self._rule_list if present is None else self.plan(present)
        findings: list[Finding] = []
        for info, check in chosen:
            start = len(findings)
            try:
                found = check(context, info)
                if not found:  # a rule that found nothing may return () (a generator is true)
                    continue
                if type(found) is tuple and len(found) <= MAX_FINDINGS_PER_RULE:
                    findings.extend(found)  # one or two findings, as most rules return them
                    continue
                # _capped, inlined: it ran for every rule that is a generator (most find nothing)
                rest = iter(found)
                for count, finding in enumerate(rest, 1):
                    findings.append(finding)
                    if count > MAX_FINDINGS_PER_RULE:
                        findings[start:] = _capped(info, itertools.chain(findings[start:], rest))
                        break
            except Exception as error:  # the validator must never raise
                del findings[start:]  # as before: a rule that raises reports nothing else
                message = f"rule {info.id} failed: {type(error).__name__}: {error}"
                findings.append(INTERNAL_ERROR.at("", safe_message(message)))
        return findings


ItemT = TypeVar("ItemT")


def capped(
    info: RuleInfo,
    items: Iterable[ItemT],
    finding: Callable[[ItemT], Finding],
    path: Callable[[ItemT], str],
) -> Iterator[Finding]:
    """``finding(item)`` for the first ``MAX_FINDINGS_PER_RULE`` items, then one finding that
    counts the rest without building theirs (``items`` should be a cheap, lazy filter)."""
    iterator = iter(items)
    for count, item in enumerate(iterator, 1):
        yield finding(item)
        if count == MAX_FINDINGS_PER_RULE:
            break
    else:
        return
    for first in iterator:
        yield more_finding(info, 1 + sum(1 for _ in iterator), path(first), info.severity)


def more_finding(info: RuleInfo, count: int, path: str, severity: Severity) -> Finding:
    """The "… and N more" finding standing for the findings of ``info`` past the cap."""
    message = (
        f"… and {count} more {info.id} finding(s), from {path or 'the body'} on "
        f"(vcall reports {MAX_FINDINGS_PER_RULE} per rule and response)"
    )
    return info.at(path, message, severity=severity)


def _capped(info: RuleInfo, found: Iterable[Finding]) -> list[Finding]:
    """A rule's findings, cut at the cap if it did not cut them itself (see :func:`capped`):
    the rest counted with did-you-mean suggestions off."""
    kept: list[Finding] = []
    rest = iter(found)
    for finding in rest:
        kept.append(finding)
        if len(kept) > MAX_FINDINGS_PER_RULE:  # one more may be a rule's own "… and N more"
            break
    else:
        return kept
    token = _SUGGESTING.set(False)
    try:
        more = [(finding.path, finding.severity) for finding in rest]
    finally:
        _SUGGESTING.reset(token)
    if not more:
        return kept
    more.insert(0, (kept[-1].path, kept[-1].severity))
    errors = any(severity is Severity.ERROR for _, severity in more)
    severity = Severity.ERROR if errors else Severity.WARNING
    return [*kept[:-1], more_finding(info, len(more), more[0][0], severity)]


def safe_message(message: str, limit: int = 300) -> str:
    """An error text fit for a finding: printable anywhere, at most ``limit`` characters."""
    return message.encode("utf-8", "backslashreplace").decode("utf-8")[:limit]


def rules_markdown() -> str:
    """The table of every rule in docs/rules.md: id, severity, description, source."""
    lines = ["| rule | severity | what it means | source |", "| --- | --- | --- | --- |"]
    ordered = [rule_id for ids in _RULE_SET_IDS for rule_id in ids()]
    for info in (_RULES[rule_id] for rule_id in dict.fromkeys([*ordered, *_RULES])):
        description = info.description.replace("|", "\\|")
        lines.append(f"| `{info.id}` | {info.severity.value} | {description} | `{info.seed}` |")
    return "\n".join(lines) + "\n"
