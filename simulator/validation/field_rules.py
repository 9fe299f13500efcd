"""Rules on the fields of ``data``: keys, types, ranges, choices, stage, TTS and characters."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping

from vcall.simulator.findings import Finding, Severity
from vcall.simulator.spec import (
    ACTION_FIELDS,
    ACTIONS,
    ASR_BASE_MODELS,
    FORBIDDEN_CHARACTER_GRADES,
    RESPONSE_FIELDS,
    SEED_CALLIN,
    SEED_FOLLOWUP,
    SEED_SMARTCALL,
    TTS_CONF_FIELDS,
    ForbiddenGrade,
    Stage,
    ValueType,
)
from vcall.simulator.validation.common import (
    FORBIDDEN_CHARACTER,
    FORBIDDEN_CHARACTER_DOUBT,
    RANGE_FALLBACK,
    SEPARATOR_NOT_COMMA,
    SESSION_TIMEOUT_TOO_LONG,
    TTS_CONF_INCOMPLETE,
    TTS_PARAM_UNUSED,
    TTS_PARAMS_INVALID,
    TTS_SETTINGS_IGNORED,
    TTS_STYLE_UNKNOWN,
    TTS_VARIABLE_MISSING,
    TYPE_LENIENT_NUMBER,
    TYPE_LENIENT_STRING,
    TYPE_MISMATCH,
    UNKNOWN_KEY,
    VALUE_NOT_ALLOWED,
    VALUE_NULL,
    VALUE_OUT_OF_RANGE,
    choice_finding,
    forbidden_finding,
    forbidden_in_params,
    forbidden_in_play_code,
    range_finding,
    range_problem,
    separator_finding,
    tts_findings,
    tts_style_finding,
    tts_value_problem,
    typed_finding,
)
from vcall.simulator.validation.context import (
    DATA_RULES,
    IRREGULAR_TYPE,
    NULL_VALUE,
    TTS_TEMPLATE,
    ResponseContext,
)
from vcall.simulator.validation.context import UNKNOWN_KEY as UNKNOWN_KEY_FACT
from vcall.simulator.validation.registry import RuleInfo, capped
from vcall.simulator.validation.values import has_forbidden, safe_text, shown, suggestion

_REQUIRED = frozenset(name for name, spec in RESPONSE_FIELDS.items() if spec.required)
_STAGE_BOUND = frozenset(
    name for name, spec in RESPONSE_FIELDS.items() if not spec.stages.issuperset(Stage)
)
_FIRST_SETTING_ONLY = frozenset(
    name for name, spec in RESPONSE_FIELDS.items() if spec.first_setting_only
)
_OWN_CHOICE_RULES = frozenset({"action", "tts_style"})
"""Fields whose choices other rules check (action-unknown, tts-style-unknown)."""


def _path(name: str) -> str:
    return f"data.{name}"


@DATA_RULES.rule(UNKNOWN_KEY, fields={UNKNOWN_KEY_FACT})
def unknown_data_key(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    assert context.data is not None

    def finding(key: str) -> Finding:
        hint = suggestion(key, RESPONSE_FIELDS)
        return rule.at(_path(safe_text(key)), f"unknown key {shown(key)} in data (ignored){hint}")

    unknown = (key for key in context.data if key not in RESPONSE_FIELDS)
    return capped(rule, unknown, finding, lambda key: _path(safe_text(key)))


@DATA_RULES.rule(VALUE_NULL, fields={NULL_VALUE})
def value_null(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    assert context.data is not None
    for key, value in context.data.items():
        if key not in RESPONSE_FIELDS or key in _REQUIRED:
            continue
        if value is None:
            yield rule.at(_path(key), f"{key} is null: omit the key to use the default")
        elif value == "" and RESPONSE_FIELDS[key].type in (ValueType.INTEGER, ValueType.BOOLEAN):
            yield rule.at(
                _path(key), f"{key} is an empty string: read as not set; omit the key instead"
            )


@DATA_RULES.rule(TYPE_MISMATCH, fields={IRREGULAR_TYPE})
def type_mismatch(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    for name, typed in context.typed.items():
        if typed.mismatch:
            yield typed_finding(rule, name, _path(name), typed, RESPONSE_FIELDS[name].seed)


@DATA_RULES.rule(TYPE_LENIENT_STRING, fields={IRREGULAR_TYPE})
def type_lenient_string(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    assert context.data is not None
    for name, typed in context.typed.items():
        raw = context.data[name]
        if typed.lenient and isinstance(raw, str):
            yield typed_finding(rule, name, _path(name), typed, RESPONSE_FIELDS[name].seed, raw)


@DATA_RULES.rule(TYPE_LENIENT_NUMBER, fields={IRREGULAR_TYPE})
def type_lenient_number(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    assert context.data is not None
    for name, typed in context.typed.items():
        raw = context.data[name]
        if typed.lenient and not isinstance(raw, str):
            yield typed_finding(rule, name, _path(name), typed, RESPONSE_FIELDS[name].seed, raw)


@DATA_RULES.new(
    "field-not-for-stage",
    Severity.WARNING,
    "a callin-only setting (session_timeout, tts_*, asr_*, record_flag) after callin: ignored",
    SEED_CALLIN,
    fields=_STAGE_BOUND,
    quote="阿里云接收到用户呼叫后首次请求与返回参数如下",
)
def field_not_for_stage(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    for name in context.typed:
        if context.stage not in RESPONSE_FIELDS[name].stages:
            yield rule.at(
                _path(name),
                f"{name} only applies at callin: the platform ignores it at {context.stage}",
                seed=RESPONSE_FIELDS[name].seed,
            )


@DATA_RULES.new(
    "setting-ignored-after-first",
    Severity.WARNING,
    "pause_time set again after its first setting: only the first one counts",
    SEED_SMARTCALL,
    fields=_FIRST_SETTING_ONLY,
    quote="该参数首次设置有效,后续设置无效",
)
def setting_ignored_after_first(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    for name in context.typed:
        spec = RESPONSE_FIELDS[name]
        if not spec.first_setting_only:
            continue
        if context.stage is Stage.FOLLOWUP or name in context.previous_settings:
            yield rule.at(
                _path(name),
                f"{name} counts only when first set (at callin, or by SmartCall): ignored here",
                seed=spec.seed,
            )


_RANGED = tuple(spec for spec in RESPONSE_FIELDS.values() if spec.range is not None)


def _range_findings(context: ResponseContext) -> Iterator[Finding]:
    for spec in _RANGED:
        value = context.integer(spec.name)
        if value is not None and range_problem(spec.name, value):
            found = range_finding(spec.name, _path(spec.name), value, spec.seed)
            if found:
                yield found


def _range_rule(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    found = context.once("ranges", lambda: _range_findings(context))
    return (finding for finding in found if finding.rule == rule.id)


_RANGED_NAMES = frozenset(spec.name for spec in _RANGED)
DATA_RULES.rule(RANGE_FALLBACK, fields=_RANGED_NAMES)(_range_rule)
DATA_RULES.rule(VALUE_OUT_OF_RANGE, fields=_RANGED_NAMES)(_range_rule)
DATA_RULES.rule(SESSION_TIMEOUT_TOO_LONG, fields=_RANGED_NAMES)(_range_rule)


_CHOICES = tuple(
    spec for spec in RESPONSE_FIELDS.values() if spec.choices and spec.name not in _OWN_CHOICE_RULES
)


@DATA_RULES.rule(VALUE_NOT_ALLOWED, fields=(spec.name for spec in _CHOICES))
def value_not_allowed(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    for spec in _CHOICES:
        value = context.text(spec.name)
        if value is not None:
            found = choice_finding(spec.name, _path(spec.name), value, spec.choices, spec.seed)
            if found:
                yield found


@DATA_RULES.rule(TTS_STYLE_UNKNOWN, fields={"tts_style"})
def tts_style_unknown(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    voice = context.text("tts_style")
    found = (
        tts_style_finding("tts_style", _path("tts_style"), voice, SEED_CALLIN) if voice else None
    )
    if found:
        yield found


@DATA_RULES.rule(TTS_CONF_INCOMPLETE, fields={"tts_conf"})
def tts_conf_incomplete(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    if context.stage is not Stage.CALLIN or context.flag("tts_conf") is not True:
        return
    missing = [name for name in TTS_CONF_FIELDS if name not in context.typed]
    if missing:
        yield rule.at(
            _path("tts_conf"),
            f"tts_conf is true but {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} "
            "not set",
            expected=", ".join(TTS_CONF_FIELDS),
        )


@DATA_RULES.rule(TTS_SETTINGS_IGNORED, fields=TTS_CONF_FIELDS)
def tts_settings_ignored(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    if context.stage is not Stage.CALLIN or context.flag("tts_conf") is True:
        return
    given = [name for name in TTS_CONF_FIELDS if name in context.typed]
    if given:
        yield rule.at(
            _path(given[0]),
            f"{', '.join(given)} set without tts_conf true: the platform ignores them",
            expected="tts_conf: true",
        )


@DATA_RULES.rule(TTS_PARAMS_INVALID, fields={"action_code_param"})
def tts_params_invalid(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    path = _path("action_code_param")
    if context.tts_params_problem:
        yield rule.at(path, f"action_code_param {context.tts_params_problem}")
    for key, value in (context.tts_params or {}).items():
        problem = tts_value_problem(value)
        if problem:
            yield rule.at(f"{path}.{safe_text(key)}", f"value of {shown(key)} {problem}")


def _tts_matching(context: ResponseContext) -> Iterator[Finding]:
    code = context.text("action_code") or ""
    if context.tts_params_problem:
        return
    params = context.tts_params or {}
    if not (params or "$" in code):  # no variable, no parameter, nothing to match
        return
    found = tts_findings(code, "action_code", params, _path("action_code_param"), SEED_FOLLOWUP)
    spec = ACTIONS.get(context.action or "")
    if spec is None or spec.plays:
        yield from found
        return
    for finding in found:  # an action that plays nothing leaves nothing unspoken
        if finding.rule == TTS_VARIABLE_MISSING.id:
            finding = dataclasses.replace(
                finding,
                severity=Severity.WARNING,
                message=f"{finding.message}; action {spec.name} plays nothing, so nothing is "
                "left unspoken"
                + (" (follow-up page: donothing 不做任何处理)" if spec.name == "donothing" else ""),
            )
        yield finding


def _tts_rule(context: ResponseContext, rule: RuleInfo) -> Iterable[Finding]:
    found = context.once("tts", lambda: _tts_matching(context))
    return [finding for finding in found if finding.rule == rule.id] if found else ()


DATA_RULES.rule(TTS_VARIABLE_MISSING, fields={TTS_TEMPLATE})(_tts_rule)
DATA_RULES.rule(TTS_PARAM_UNUSED, fields={TTS_TEMPLATE})(_tts_rule)


_ECHOED_TEXTS = tuple(
    name
    for name, (grade, _why) in FORBIDDEN_CHARACTER_GRADES.items()
    if grade is ForbiddenGrade.ECHOED and name in RESPONSE_FIELDS
)
"""Answer strings the platform echoes into a later callback (``spec.ECHOED_FIELDS``)."""


def _echoed(context: ResponseContext) -> list[tuple[str, str]]:
    """Each echoed string of the answer, where its action lets it come back at all (``cc_name``
    only with a parallel transfer, the follow-up page's 并行转接成功后)."""
    values = context.values  # context.text(name), inlined: this runs for every answer
    return [
        (name, value)
        for name in _ECHOED_TEXTS
        if isinstance(value := values.get(name), str)
        and value
        and (name not in ACTION_FIELDS or context.action in ACTION_FIELDS[name])
    ]


def _forbidden_rule(context: ResponseContext, rule: RuleInfo) -> Iterable[Finding]:
    found = context.shared.get("forbidden")  # both rules share one look (as context.once)
    if found is None:
        echoed, code = _echoed(context), context.text("action_code") or ""
        if (
            context.tts_params
            or has_forbidden(code)
            or any(has_forbidden(value) for _, value in echoed)
        ):
            params = context.tts_params or {}
            found = list(_forbidden_characters(echoed, code, params, rule.seed))
        else:
            found = []  # no forbidden character anywhere: the common answer
        context.shared["forbidden"] = found
    return [finding for finding in found if finding.rule == rule.id] if found else ()


def _forbidden_characters(
    echoed: list[tuple[str, str]], code: str, params: Mapping[str, object], seed: str
) -> Iterator[Finding]:
    for name, value in echoed:
        found = forbidden_finding(_path(name), value, seed, frozenset(), name)
        if found:
            yield found
    found = forbidden_in_play_code(_path("action_code"), code, seed, "action_code")
    if found:
        yield found
    yield from forbidden_in_params(params, _path("action_code_param"), seed, "action_code_param")


_FORBIDDEN_FIELDS = (*_ECHOED_TEXTS, "action_code", "action_code_param")
DATA_RULES.rule(FORBIDDEN_CHARACTER, fields=_FORBIDDEN_FIELDS)(_forbidden_rule)
DATA_RULES.rule(FORBIDDEN_CHARACTER_DOUBT, fields=_FORBIDDEN_FIELDS)(_forbidden_rule)


@DATA_RULES.rule(SEPARATOR_NOT_COMMA, fields={"action_code"})
def separator_not_comma(context: ResponseContext, rule: RuleInfo) -> Iterable[Finding]:
    code = context.text("action_code")
    if not code or "\uff0c" not in code:
        return ()  # every answer that plays something: no generator
    found = separator_finding(_path("action_code"), code, SEED_FOLLOWUP)
    return (found,) if found else ()


@DATA_RULES.new(
    "asr-base-id-unknown",
    Severity.WARNING,
    "asr_base_id is neither customer_service_8k nor dialect_customer_service_8k (the callin "
    "table lists no allowed values; SmartCall's AsrBaseId lists these two)",
    SEED_CALLIN,
    fields={"asr_base_id"},
    quote="|asr\\_base\\_id|String|可选|11323223q23e34|基础模型|",
)
def asr_base_id_unknown(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    value = context.text("asr_base_id")
    if value is None or value in ASR_BASE_MODELS:
        return
    known = ", ".join(ASR_BASE_MODELS)
    yield rule.at(
        _path("asr_base_id"),
        f"asr_base_id {shown(value)} is not one of SmartCall's base models ({known}): check "
        f"that the platform knows it{suggestion(value, ASR_BASE_MODELS)}",
        expected=known,
        actual=safe_text(value),
    )


@DATA_RULES.new(
    "time-break-ignored",
    Severity.WARNING,
    "action_code_time_break > 0 with action_code_break false: it never takes effect",
    SEED_FOLLOWUP,
    fields={"action_code_time_break"},
    quote="在ationCodeBreak为true时并且取值大于0时生效",
)
def time_break_ignored(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    time_break = context.integer("action_code_time_break")
    if time_break and time_break > 0 and context.flag("action_code_break") is False:
        yield rule.at(
            _path("action_code_time_break"),
            f"action_code_time_break {time_break} has no effect: action_code_break is false",
        )
