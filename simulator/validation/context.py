"""What the response rules look at: the parsed body, its envelope and data, and the request."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from vcall.simulator.findings import Finding
from vcall.simulator.spec import RESPONSE_FIELDS, ResultValue, Stage
from vcall.simulator.validation.body import ParsedBody, parse_body
from vcall.simulator.validation.common import tts_params
from vcall.simulator.validation.registry import RuleSet
from vcall.simulator.validation.values import Typed, coerce

_EMPTY: Mapping[str, object] = MappingProxyType({})


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
    """``result: fail``: the platform gets no action, so nothing in ``data`` is required."""
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
        value = self.value(name)
        return value if isinstance(value, str) else None

    def integer(self, name: str) -> int | None:
        value = self.value(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def flag(self, name: str) -> bool | None:
        value = self.value(name)
        return value if isinstance(value, bool) else None


def _typed_fields(data: Mapping[str, object]) -> dict[str, Typed]:
    return {
        name: coerce(value, RESPONSE_FIELDS[name].type)
        for name, value in data.items()
        if value is not None and name in RESPONSE_FIELDS
    }


def build_context(
    body: bytes,
    stage: Stage,
    *,
    status: int | None = None,
    headers: Mapping[str, str] | None = None,
    call_id: str | None = None,
    request_content: Mapping[str, object] | None = None,
    previous_settings: Mapping[str, object] | None = None,
) -> ResponseContext:
    parsed = parse_body(body)
    context = ResponseContext(
        stage,
        parsed,
        status,
        headers,
        call_id,
        request_content if request_content is not None else _EMPTY,
        previous_settings if previous_settings is not None else _EMPTY,
    )
    if parsed.parsed and isinstance(parsed.value, dict):
        context.envelope = parsed.value
        context.failed = parsed.value.get("result") == ResultValue.FAIL
        data = parsed.value.get("data")
        if isinstance(data, dict):
            context.data = data
            action = data.get("action")
            context.action = action if isinstance(action, str) else None
            context.typed = _typed_fields(data)
            context.values = {
                name: typed.value for name, typed in context.typed.items() if typed.ok
            }
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
"""Rules on ``data``; they run when ``data`` is an object."""
