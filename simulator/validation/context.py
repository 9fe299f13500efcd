"""What the response rules look at: the parsed body, its envelope and data, and the request.

Besides the values, the context lists *facts*: the ``data`` fields present, and a few things
noticed while reading them (a null, an unknown key, a lenient or wrong type, which action). A rule
declares the facts it is about (``fields=`` in its registration) and runs only when one holds:
see :meth:`RuleSet.run`. A fact is a necessary condition for the rule, never a verdict.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from vcall.simulator.findings import Finding
from vcall.simulator.spec import (
    ACTIONS,
    ENVELOPE_REQUIRED,
    ENVELOPE_TOLERATED,
    RESPONSE_FIELDS,
    ActionSpec,
    ResultValue,
    Stage,
    TransferPhase,
    ValueType,
)
from vcall.simulator.validation.body import ParsedBody, parse_body
from vcall.simulator.validation.common import tts_params
from vcall.simulator.validation.registry import RuleSet
from vcall.simulator.validation.values import EXACT_TYPES, Typed, coerce

_EMPTY: Mapping[str, object] = MappingProxyType({})

NULL_VALUE = "~null"
"""Fact: a known ``data`` field is null."""
UNKNOWN_KEY = "~unknown-key"
"""Fact: ``data`` has a key the platform does not know."""
IRREGULAR_TYPE = "~irregular-type"
"""Fact: a known field is read leniently (``"5000"``) or cannot be read as its type."""
UNKNOWN_ACTION = "action=?"
"""Fact: ``data.action`` is a string that names no action."""
TTS_TEMPLATE = "~tts"
"""Fact: ``action_code`` holds a ``$`` (a TTS variable, maybe) or ``action_code_param`` is set."""
RESULT_FAIL = "result=fail"
"""Envelope fact: ``result`` is ``fail``."""
_ENVELOPE_KEYS = frozenset({*ENVELOPE_REQUIRED, *ENVELOPE_TOLERATED})
_EMPTY_MEANS_UNSET = frozenset({ValueType.INTEGER, ValueType.BOOLEAN})
"""Declared types for which an empty string is read as "not set" (the model ignores it)."""
_EXACT_TYPE = {
    name: exact
    for name, spec in RESPONSE_FIELDS.items()
    if (exact := EXACT_TYPES.get(spec.type)) is not None
}
"""Per field, the Python type that is read as it is (``coerce`` returns such a value as is)."""


_NEEDED = (
    *(name for name, spec in RESPONSE_FIELDS.items() if spec.required),
    *sorted({name for spec in ACTIONS.values() for name in spec.requires}),
)
"""Fields that must have a value: always, or with some action."""


def blank_fact(name: str) -> str:
    """Fact: ``name``, a field that must have a value (always or with some action), is
    missing, null or blank."""
    return f"~blank:{name}"


_BLANK_FACTS = {name: blank_fact(name) for name in dict.fromkeys(_NEEDED)}


def action_fact(action: str) -> str:
    """Fact: ``data.action`` is this known action."""
    return f"action={action}"


_ACTION_FACTS = {name: action_fact(name) for name in ACTIONS}


def action_facts(wanted: Callable[[ActionSpec], bool]) -> frozenset[str]:
    """The facts of every known action ``wanted`` picks."""
    return frozenset(action_fact(name) for name, spec in ACTIONS.items() if wanted(spec))


@dataclass(slots=True)
class ResponseContext:
    """One response under validation. ``typed`` holds the known, non-null ``data`` fields."""

    stage: Stage
    body: ParsedBody
    status: int | None = None
    headers: Mapping[str, str] | None = None
    call_id: str | None = None
    request_content: Mapping[str, object] = field(default_factory=lambda: _EMPTY)
    previous_settings: Mapping[str, object] = field(default_factory=lambda: _EMPTY)
    transfer_phase: TransferPhase | None = None
    """Where the call's parallel transfer stood when the callback was sent (``None``: unknown,
    e.g. one answer checked alone; then only the request's ``transfer_status`` tells)."""
    envelope: dict[str, object] | None = None
    data: dict[str, object] | None = None
    typed: dict[str, Typed] = field(default_factory=dict)
    values: dict[str, object] = field(default_factory=dict)
    """The readable ``typed`` values in their declared types."""
    tts_params: dict[str, object] | None = None
    tts_params_problem: str = ""
    shared: dict[str, list[Finding]] = field(default_factory=dict)
    """Findings computed once for several rules (see :meth:`once`)."""
    failed: bool = False
    """``result: fail``: the platform gets no action; only ``FAIL_DATA_RULES`` look at ``data``."""
    facts: list[str] = field(default_factory=list)
    """What the data rules can be about: the ``typed`` names and the facts noticed (above)."""
    envelope_facts: list[str] = field(default_factory=list)
    """What the envelope rules can be about: an unknown key, ``result: fail``."""
    action: str | None = None
    """``data.action`` when it is a string."""

    def once(self, key: str, compute: Callable[[], Iterable[Finding]]) -> list[Finding]:
        """``compute()`` on first use, the same list afterwards (rules that share one pass)."""
        found = self.shared.get(key)
        if found is None:
            found = self.shared[key] = list(compute())
        return found

    def value(self, name: str) -> object:
        """The field read in its declared type, or None when absent, null or unreadable."""
        return self.values.get(name)

    def text(self, name: str) -> str | None:
        value = self.values.get(name)  # self.value(name), inlined: rules call these a lot
        return value if isinstance(value, str) else None

    def integer(self, name: str) -> int | None:
        value = self.values.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def flag(self, name: str) -> bool | None:
        value = self.values.get(name)
        return value if isinstance(value, bool) else None


def _read_envelope(context: ResponseContext, envelope: dict[str, object]) -> None:
    context.envelope = envelope
    context.failed = envelope.get("result") == ResultValue.FAIL
    facts = [RESULT_FAIL] if context.failed else []
    if not _ENVELOPE_KEYS.issuperset(envelope):
        facts.append(UNKNOWN_KEY)
    context.envelope_facts = facts


def _read_data(context: ResponseContext, data: dict[str, object]) -> None:
    """``typed``, ``values``, ``action`` and the facts, in one pass over ``data``."""
    typed: dict[str, Typed] = {}
    values: dict[str, object] = {}  # the readable ones, in their declared types
    facts: list[str] = []
    for name, value in data.items():
        spec = RESPONSE_FIELDS.get(name)
        if spec is None:
            facts.append(UNKNOWN_KEY)
        elif value is None or (value == "" and spec.type in _EMPTY_MEANS_UNSET):
            facts.append(NULL_VALUE)  # "" for a number or flag: unset, as the model reads it
        elif type(value) is _EXACT_TYPE.get(name):  # read as it is: the common case
            typed[name] = Typed(value)
            values[name] = value
        else:
            read = typed[name] = coerce(value, spec.type, wire_strings=spec.seed_string)
            if read.lenient or read.mismatch:
                facts.append(IRREGULAR_TYPE)
            if not read.mismatch:
                values[name] = read.value
    action = data.get("action")
    if isinstance(action, str):
        context.action = action
        facts.append(_ACTION_FACTS.get(action, UNKNOWN_ACTION))
    for name, fact in _BLANK_FACTS.items():  # is_blank, inlined: it runs for every answer
        value = data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            facts.append(fact)
    code = data.get("action_code")
    if "action_code_param" in typed or (isinstance(code, str) and "$" in code):
        facts.append(TTS_TEMPLATE)
    facts.extend(typed)
    context.data = data
    context.typed = typed
    context.values = values
    context.facts = facts


def build_context(
    body: bytes,
    stage: Stage,
    *,
    status: int | None = None,
    headers: Mapping[str, str] | None = None,
    call_id: str | None = None,
    request_content: Mapping[str, object] | None = None,
    previous_settings: Mapping[str, object] | None = None,
    transfer_phase: TransferPhase | None = None,
    parsed: ParsedBody | None = None,
) -> ResponseContext:
    """The context the rules read; ``parsed``: ``body`` already read (``body`` is then unused)."""
    if parsed is None:
        parsed = parse_body(body)
    context = ResponseContext(
        stage,
        parsed,
        status,
        headers,
        call_id,
        request_content if request_content is not None else _EMPTY,
        previous_settings if previous_settings is not None else _EMPTY,
        transfer_phase,
    )
    if parsed.parsed and isinstance(parsed.value, dict):
        _read_envelope(context, parsed.value)
        data = parsed.value.get("data")
        if isinstance(data, dict):
            _read_data(context, data)
            _read_tts_params(context)
    return context


def _read_tts_params(context: ResponseContext) -> None:
    if "action_code_param" in context.values:
        params = context.values["action_code_param"]
        context.tts_params, context.tts_params_problem = tts_params(params)


BODY_RULES: RuleSet[ResponseContext] = RuleSet("body")
"""Rules on the transport and the body bytes; they run on every response."""
ENVELOPE_RULES: RuleSet[ResponseContext] = RuleSet("envelope")
"""Rules on the envelope; they run when the body is a JSON object."""
DATA_RULES: RuleSet[ResponseContext] = RuleSet("data")
"""Rules on ``data``; they run when ``data`` is an object and ``result`` is not ``fail``."""
FAIL_DATA_RULES: RuleSet[ResponseContext] = RuleSet("fail-data")
"""The one rule on the ``data`` of a ``result: fail`` answer, which carries no action (the follow-up page's
调用失败 example: ``data: {}``): whatever is left in it is one warning, never an error."""
