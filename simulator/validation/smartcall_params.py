"""``check_smartcall_params``: the SmartCall API parameters (the SmartCall pages) as rules.

Parameters travel in a query string, so strings are their normal form: ``"5000"`` for an integer
and ``"True"`` / ``"true"`` for a boolean are fine here (unlike in a callback response).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from vcall.simulator.findings import Finding, Severity
from vcall.simulator.spec import (
    MAINLAND_NUMBER_PATTERN,
    PLAUSIBLE_NUMBER_PATTERN,
    SEED_SMARTCALL,
    SEED_SMARTCALL_OLD,
    SMARTCALL_COMMON_PARAMS,
    SMARTCALL_PARAMS,
    TTS_CONF_FIELDS,
    SmartCallParam,
    ValueType,
)
from vcall.simulator.validation.common import (
    FORBIDDEN_CHARACTER,
    FORBIDDEN_CHARACTER_DOUBT,
    NUMBER_IMPLAUSIBLE,
    RANGE_FALLBACK,
    SEPARATOR_NOT_COMMA,
    SESSION_TIMEOUT_TOO_LONG,
    TTS_CONF_INCOMPLETE,
    TTS_PARAM_UNUSED,
    TTS_PARAMS_INVALID,
    TTS_SETTINGS_IGNORED,
    TTS_STYLE_UNKNOWN,
    TTS_VARIABLE_MISSING,
    TYPE_MISMATCH,
    UNKNOWN_KEY,
    VALUE_NOT_ALLOWED,
    VALUE_OUT_OF_RANGE,
    choice_finding,
    forbidden_finding,
    forbidden_in_params,
    forbidden_in_play_code,
    range_finding,
    range_problem,
    separator_finding,
    tts_findings,
    tts_params,
    tts_style_finding,
    tts_value_problem,
    typed_finding,
)
from vcall.simulator.validation.registry import INTERNAL_ERROR, RuleInfo, RuleSet
from vcall.simulator.validation.values import Typed, coerce, safe_text, shown, suggestion

_PLAY_CODE, _PLAY_PARAMS, _STYLE = "VoiceCode", "VoiceCodeParam", "TtsStyle"
_TTS_CONF = "TtsConf"
_TTS_SETTINGS = tuple("".join(part.title() for part in name.split("_")) for name in TTS_CONF_FIELDS)
_KNOWN = (*SMARTCALL_PARAMS, *sorted(SMARTCALL_COMMON_PARAMS))


@dataclass(slots=True)
class ParamsContext:
    """SmartCall parameters under check; ``typed`` holds the known, non-null ones."""

    given: dict[str, object]
    typed: dict[str, Typed] = field(default_factory=dict)
    voice_params: dict[str, object] | None = None
    voice_params_problem: str = ""

    def value(self, name: str) -> object:
        typed = self.typed.get(name)
        return typed.value if typed is not None and typed.ok else None

    def text(self, name: str) -> str | None:
        value = self.value(name)
        return value if isinstance(value, str) else None


SMARTCALL_RULES: RuleSet[ParamsContext] = RuleSet("smartcall")


def _spec(name: str) -> SmartCallParam:
    return SMARTCALL_PARAMS[name]


@SMARTCALL_RULES.new(
    "param-required-missing",
    Severity.ERROR,
    "a required SmartCall parameter (CalledShowNumber, CalledNumber, VoiceCode) is missing",
    SEED_SMARTCALL_OLD,
    quote="|CalledNumber|String|是|13700000000|被叫号码",
)
def param_required_missing(context: ParamsContext, rule: RuleInfo) -> Iterator[Finding]:
    for name, spec in SMARTCALL_PARAMS.items():
        value = context.given.get(name)
        if spec.required and (value is None or (isinstance(value, str) and not value.strip())):
            yield rule.at(name, f"{name} is required: {spec.description}")


@SMARTCALL_RULES.rule(UNKNOWN_KEY)
def unknown_param(context: ParamsContext, rule: RuleInfo) -> Iterator[Finding]:
    for name in context.given:
        if name not in SMARTCALL_PARAMS and name not in SMARTCALL_COMMON_PARAMS:
            yield rule.at(
                safe_text(name),
                f"unknown SmartCall parameter {shown(name)} (ignored){suggestion(name, _KNOWN)}",
                seed=SEED_SMARTCALL,
            )


@SMARTCALL_RULES.new(
    "param-unsupported",
    Severity.WARNING,
    "a parameter the platform documents as not supported (Speed, BackgroundVolume, ...)",
    SEED_SMARTCALL,
    quote="参数暂不支持使用",
)
def param_unsupported(context: ParamsContext, rule: RuleInfo) -> Iterator[Finding]:
    for name in context.typed:
        if _spec(name).unsupported:
            yield rule.at(name, f"{name} is not supported by the platform: it has no effect")


@SMARTCALL_RULES.rule(TYPE_MISMATCH)
def param_type_mismatch(context: ParamsContext, rule: RuleInfo) -> Iterator[Finding]:
    for name, typed in context.typed.items():
        if typed.mismatch:
            yield typed_finding(rule, name, name, typed, _spec(name).seed)


def _range_rule(context: ParamsContext, rule: RuleInfo) -> Iterator[Finding]:
    for name in context.typed:
        spec, value = _spec(name), context.value(name)
        if spec.range is None or not isinstance(value, int) or isinstance(value, bool):
            continue
        if range_problem(name, value) is rule:
            found = range_finding(name, name, value, spec.seed)
            if found:
                yield found


SMARTCALL_RULES.rule(RANGE_FALLBACK)(_range_rule)
SMARTCALL_RULES.rule(VALUE_OUT_OF_RANGE)(_range_rule)
SMARTCALL_RULES.rule(SESSION_TIMEOUT_TOO_LONG)(_range_rule)


@SMARTCALL_RULES.new(
    "value-byte-length",
    Severity.ERROR,
    "a value's UTF-8 length is outside its limit (OutId: 1–15 bytes)",
    SEED_SMARTCALL,
    quote="长度为 1~15 个字节",
)
def value_byte_length(context: ParamsContext, rule: RuleInfo) -> Iterator[Finding]:
    for name in context.typed:
        spec, value = _spec(name), context.text(name)
        if value is None or (spec.min_bytes is None and spec.max_bytes is None):
            continue
        size = len(value.encode("utf-8", "surrogatepass"))
        low, high = spec.min_bytes or 0, spec.max_bytes
        if size < low or (high is not None and size > high):
            allowed = f"{low}–{high} bytes" if high is not None else f"≥ {low} bytes"
            yield rule.at(
                name,
                f"{name} is {size} bytes in UTF-8: allowed {allowed}",
                expected=allowed,
                actual=f"{size} bytes",
            )


@SMARTCALL_RULES.rule(VALUE_NOT_ALLOWED)
def param_value_not_allowed(context: ParamsContext, rule: RuleInfo) -> Iterator[Finding]:
    for name in context.typed:
        spec, value = _spec(name), context.text(name)
        if spec.choices and name != _STYLE and value is not None:
            found = choice_finding(name, name, value, spec.choices, spec.seed)
            if found:
                yield found


@SMARTCALL_RULES.rule(TTS_STYLE_UNKNOWN)
def param_tts_style_unknown(context: ParamsContext, rule: RuleInfo) -> Iterator[Finding]:
    voice = context.text(_STYLE)
    found = tts_style_finding(_STYLE, _STYLE, voice, _spec(_STYLE).seed) if voice else None
    if found:
        yield found


@SMARTCALL_RULES.rule(TTS_CONF_INCOMPLETE)
def param_tts_conf_incomplete(context: ParamsContext, rule: RuleInfo) -> Iterator[Finding]:
    missing = [name for name in _TTS_SETTINGS if name not in context.typed]
    if context.value(_TTS_CONF) is True and missing:
        yield rule.at(
            _TTS_CONF,
            f"TtsConf is true but {', '.join(missing)} not set",
            expected=", ".join(_TTS_SETTINGS),
            seed=SEED_SMARTCALL,
        )


@SMARTCALL_RULES.rule(TTS_SETTINGS_IGNORED)
def param_tts_settings_ignored(context: ParamsContext, rule: RuleInfo) -> Iterator[Finding]:
    given = [name for name in _TTS_SETTINGS if name in context.typed]
    if context.value(_TTS_CONF) is not True and given:
        yield rule.at(
            given[0],
            f"{', '.join(given)} set without TtsConf true: the platform ignores them",
            expected="TtsConf=true",
        )


@SMARTCALL_RULES.rule(TTS_PARAMS_INVALID)
def param_tts_params_invalid(context: ParamsContext, rule: RuleInfo) -> Iterator[Finding]:
    if context.voice_params_problem:
        yield rule.at(_PLAY_PARAMS, f"{_PLAY_PARAMS} {context.voice_params_problem}")
    for key, value in (context.voice_params or {}).items():
        problem = tts_value_problem(value)
        if problem:
            yield rule.at(f"{_PLAY_PARAMS}.{safe_text(key)}", f"value of {shown(key)} {problem}")


def _tts_matching(context: ParamsContext, rule: RuleInfo) -> Iterator[Finding]:
    code = context.text(_PLAY_CODE)
    if code is None or context.voice_params_problem:
        return
    params = context.voice_params or {}
    for found in tts_findings(code, _PLAY_CODE, params, _PLAY_PARAMS, SEED_SMARTCALL):
        if found.rule == rule.id:
            yield found


SMARTCALL_RULES.rule(TTS_VARIABLE_MISSING)(_tts_matching)
SMARTCALL_RULES.rule(TTS_PARAM_UNUSED)(_tts_matching)


def _forbidden_characters(context: ParamsContext, seed: str) -> Iterator[Finding]:
    for name in context.typed:
        value = context.text(name)
        if not _spec(name).forbidden_chars or value is None or name == _PLAY_PARAMS:
            continue
        if name == _PLAY_CODE:
            found = forbidden_in_play_code(name, value, seed, name)
        else:
            found = forbidden_finding(name, value, seed, frozenset(), name)
        if found:
            yield found
    yield from forbidden_in_params(context.voice_params or {}, _PLAY_PARAMS, seed, _PLAY_PARAMS)


def _forbidden_rule(context: ParamsContext, rule: RuleInfo) -> Iterator[Finding]:
    """``DynamicId`` comes back in callbacks (error); file names, TTS values and ``OutId``
    are doubtful (warning): docs/platform.md §4."""
    return (found for found in _forbidden_characters(context, rule.seed) if found.rule == rule.id)


SMARTCALL_RULES.rule(FORBIDDEN_CHARACTER)(_forbidden_rule)
SMARTCALL_RULES.rule(FORBIDDEN_CHARACTER_DOUBT)(_forbidden_rule)


@SMARTCALL_RULES.rule(SEPARATOR_NOT_COMMA)
def voice_code_separator(context: ParamsContext, rule: RuleInfo) -> Iterator[Finding]:
    """The SmartCall page: VoiceCode's items 之间用英文逗号(,)分隔."""
    code = context.text(_PLAY_CODE)
    found = separator_finding(_PLAY_CODE, code, SEED_SMARTCALL) if code else None
    if found:
        yield found


@SMARTCALL_RULES.new(
    "number-not-mainland",
    Severity.ERROR,
    "CalledNumber is not a mainland China number (mobile, landline, 400/800, 95xxx)",
    SEED_SMARTCALL,
    quote="仅支持中国内地号码",
)
def number_not_mainland(context: ParamsContext, rule: RuleInfo) -> Iterator[Finding]:
    for name in context.typed:
        number = context.text(name)
        if _spec(name).mainland_number and number and not MAINLAND_NUMBER_PATTERN.fullmatch(number):
            yield rule.at(
                name,
                f"{name} {shown(number)} is not a mainland China number: the platform only "
                "calls those (isv.MOBILE_NUMBER_ILLEGAL)",
                expected="e.g. 13700000000 or 057188880000",
                actual=safe_text(number),
            )


@SMARTCALL_RULES.rule(NUMBER_IMPLAUSIBLE)
def show_number_implausible(context: ParamsContext, rule: RuleInfo) -> Iterator[Finding]:
    number = context.text("CalledShowNumber")
    if number and not PLAUSIBLE_NUMBER_PATTERN.fullmatch(number):
        yield rule.at(
            "CalledShowNumber",
            f"CalledShowNumber {shown(number)} is not a phone number: digits, optional leading +",
            expected="digits, optional leading +",
            actual=safe_text(number),
            seed=SEED_SMARTCALL,
        )


def _unset(name: str, value: object) -> bool:
    """``None``, or ``""`` for a number or a flag: a parameter not given (as the model reads it)."""
    if value is None:
        return True
    spec = SMARTCALL_PARAMS.get(name)
    return value == "" and spec is not None and spec.type in (ValueType.INTEGER, ValueType.BOOLEAN)


def _build_context(params: Mapping[str, object]) -> ParamsContext:
    given = {str(name): value for name, value in params.items() if not _unset(str(name), value)}
    context = ParamsContext(given)
    context.typed = {
        name: coerce(value, SMARTCALL_PARAMS[name].type, wire_strings=True)
        for name, value in given.items()
        if name in SMARTCALL_PARAMS
    }
    typed = context.typed.get(_PLAY_PARAMS)
    if typed is not None and typed.ok:
        context.voice_params, context.voice_params_problem = tts_params(typed.value)
    return context


def check_smartcall_params(params: Mapping[str, object]) -> tuple[Finding, ...]:
    """Every finding on a SmartCall parameter set (keyed by parameter name). Never raises."""
    try:
        context = _build_context(params)
    except Exception as error:  # the checks must never raise
        message = f"reading the parameters failed: {type(error).__name__}: {error}"[:300]
        return (INTERNAL_ERROR.at("", message),)
    return tuple(SMARTCALL_RULES.run(context))
