"""Rules on the transport (status, headers, body bytes) and on the envelope (result, msg, data)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from vcall.simulator.findings import Finding, Severity
from vcall.simulator.spec import (
    ENVELOPE_REQUIRED,
    ENVELOPE_TOLERATED,
    HTTP_STATUS_OK,
    MAX_JSON_DEPTH,
    MAX_RESPONSE_BYTES,
    SEED_CALLBACK_OVERVIEW,
    SEED_FOLLOWUP,
    SPEC_NOTES,
    ResultValue,
)
from vcall.simulator.validation.common import UNKNOWN_KEY
from vcall.simulator.validation.context import (
    BODY_RULES,
    ENVELOPE_RULES,
    RESULT_FAIL,
    ResponseContext,
)
from vcall.simulator.validation.context import UNKNOWN_KEY as UNKNOWN_KEY_FACT
from vcall.simulator.validation.registry import VCALL_CHOICE, RuleInfo, capped
from vcall.simulator.validation.values import describe, safe_text, shown, suggestion

_ENVELOPE_KEYS = (*ENVELOPE_REQUIRED, *sorted(ENVELOPE_TOLERATED))
_RESULTS = tuple(result.value for result in ResultValue)


@BODY_RULES.new(
    "http-status",
    Severity.ERROR,
    "the HTTP status is not 2xx (an error); another 2xx than 200 is a warning: no vendor page names a "
    "status, and 200 is what real receivers send",
    SPEC_NOTES,
    quote="another 2xx is a doubt (warning)",
)
def http_status(context: ResponseContext, rule: RuleInfo) -> Iterable[Finding]:
    status = context.status
    if status is None or status == HTTP_STATUS_OK:
        return ()
    if 200 <= status < 300:
        message = (
            f"HTTP status {status}: the platform's handling of {status} is undocumented (no "
            f"seed names a status); real receivers send {HTTP_STATUS_OK}"
        )
        severity: Severity | None = Severity.WARNING
    else:
        message = f"HTTP status {status}: the platform expects {HTTP_STATUS_OK}"
        severity = None
    return (
        rule.at(
            "",
            message,
            expected=str(HTTP_STATUS_OK),
            actual=str(status),
            severity=severity,
        ),
    )


def _content_type(context: ResponseContext) -> str | None:
    assert context.headers is not None
    for name, value in context.headers.items():
        if isinstance(name, str) and name.lower() == "content-type":
            return str(value)
    return None


@BODY_RULES.new(
    "content-type-not-json",
    Severity.INFO,
    "the Content-Type is not JSON: information only (no vendor page names one; the platform parses the "
    "body anyway); a run shows it once",
    SPEC_NOTES,
    quote="Content-Type advice is information, not a per-callback warning",
)
def content_type_not_json(context: ResponseContext, rule: RuleInfo) -> Iterable[Finding]:
    if context.headers is None:
        return ()
    value = _content_type(context)
    media_type = (value or "").split(";")[0].strip().lower()
    if media_type.endswith("json"):
        return ()
    shown_value = safe_text(value) if value else "missing"
    return (
        rule.at(
            "",
            f"Content-Type is {shown_value}: the platform reads the body as JSON whatever the "
            "header says (no vendor page names a Content-Type); application/json is the common choice",
            expected="application/json",
            actual=shown_value,
        ),
    )


@BODY_RULES.new(
    "body-too-large",
    Severity.ERROR,
    f"the body is larger than vcall's limit of {MAX_RESPONSE_BYTES} bytes (not parsed)",
    SPEC_NOTES,
    fields={"too_large"},
    quote=VCALL_CHOICE,
)
def body_too_large(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    if context.body.too_large:
        yield rule.at(
            "",
            f"body is {context.body.size} bytes, over the {MAX_RESPONSE_BYTES}-byte limit: not parsed",
            expected=f"≤ {MAX_RESPONSE_BYTES} bytes",
            actual=f"{context.body.size} bytes",
        )


@BODY_RULES.new(
    "body-empty",
    Severity.ERROR,
    "the body is empty or blank",
    SEED_FOLLOWUP,
    fields={"empty"},
    quote="以JSON格式为例,返回示例如下",
)
def body_empty(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    if context.body.empty:
        yield rule.at("", "body is empty: the platform needs a JSON object with result and data")


@BODY_RULES.new(
    "body-not-utf8",
    Severity.ERROR,
    "the body is not UTF-8",
    SEED_CALLBACK_OVERVIEW,
    fields={"not_utf8"},
    quote="|字符编码格式|UTF-8|",
)
def body_not_utf8(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    if context.body.not_utf8:
        yield rule.at("", f"body is not UTF-8: {context.body.not_utf8}", expected="UTF-8")


@BODY_RULES.new(
    "body-bom",
    Severity.WARNING,
    "the body starts with a UTF-8 byte order mark, which strict JSON parsers reject",
    SPEC_NOTES,
    fields={"bom"},
    quote=VCALL_CHOICE,
)
def body_bom(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    if context.body.bom:
        yield rule.at("", "body starts with a UTF-8 byte order mark (EF BB BF): drop it")


@BODY_RULES.new(
    "body-too-deep",
    Severity.ERROR,
    f"the JSON nests deeper than {MAX_JSON_DEPTH} levels (not parsed)",
    SPEC_NOTES,
    fields={"too_deep"},
    quote=VCALL_CHOICE,
)
def body_too_deep(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    if context.body.too_deep:
        yield rule.at("", f"JSON nests deeper than {MAX_JSON_DEPTH} levels: not parsed")


@BODY_RULES.new(
    "body-not-json",
    Severity.ERROR,
    "the body is not valid JSON",
    SEED_FOLLOWUP,
    fields={"not_json"},
    quote="以JSON格式为例,返回示例如下",
)
def body_not_json(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    if context.body.not_json:
        yield rule.at("", f"body is not valid JSON: {context.body.not_json}")


@BODY_RULES.new(
    "body-not-object",
    Severity.ERROR,
    "the body is JSON but not an object",
    SEED_FOLLOWUP,
    fields={"not_object"},
    quote="以JSON格式为例,返回示例如下",
)
def body_not_object(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    if context.body.parsed and not isinstance(context.body.value, dict):
        actual = describe(context.body.value)
        yield rule.at(
            "", f"body is {actual}, not a JSON object", expected="an object", actual=actual
        )


@BODY_RULES.new(
    "json-duplicate-key",
    Severity.WARNING,
    "an object has the same key twice: parsers disagree on which value wins",
    SPEC_NOTES,
    fields={"duplicate_keys"},
    quote=VCALL_CHOICE,
)
def json_duplicate_key(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    for key in context.body.duplicate_keys:
        yield rule.at(
            "", f"key {shown(key)} appears twice in one object: vcall reads the last value"
        )


@BODY_RULES.new(
    "json-non-finite-number",
    Severity.ERROR,
    "NaN or Infinity in the body: not JSON, strict parsers reject it",
    SPEC_NOTES,
    fields={"non_finite"},
    quote=VCALL_CHOICE,
)
def json_non_finite_number(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    for constant in context.body.non_finite:
        yield rule.at("", f"{constant} is not valid JSON: send a number or null", actual=constant)


@BODY_RULES.new(
    "json-lone-surrogate",
    Severity.ERROR,
    "a \\uD800-\\uDFFF escape without its pair: not Unicode text, UTF-8 cannot carry it",
    SEED_CALLBACK_OVERVIEW,
    fields={"lone_surrogates"},
    quote="|字符编码格式|UTF-8|",
)
def json_lone_surrogate(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    for path in context.body.lone_surrogates:
        yield rule.at(
            path,
            "a \\uD800-\\uDFFF escape without its pair: the platform cannot send it on in UTF-8"
            " (vcall reads U+FFFD in its place); escape the whole pair or send the character",
            expected="a complete surrogate pair or the character itself",
        )


@ENVELOPE_RULES.new(
    "envelope-result",
    Severity.ERROR,
    'result is missing or not "success" / "fail"',
    SEED_FOLLOWUP,
    quote="“result”: “success”",
)
def envelope_result(context: ResponseContext, rule: RuleInfo) -> Iterable[Finding]:
    assert context.envelope is not None
    if "result" not in context.envelope:
        return (rule.at("result", 'result is missing: expected "success" or "fail"'),)
    result = context.envelope["result"]
    if result in _RESULTS:
        return ()
    hint = suggestion(result, _RESULTS) if isinstance(result, str) else ""
    return (
        rule.at(
            "result",
            f'result is {describe(result)}: expected "success" or "fail"{hint}',
            expected="success | fail",
            actual=shown(result),
        ),
    )


@ENVELOPE_RULES.new(
    "envelope-msg",
    Severity.WARNING,
    "msg is missing or not a string (every vendor example sends one)",
    SEED_FOLLOWUP,
    quote="”msg”: “成功”",
)
def envelope_msg(context: ResponseContext, rule: RuleInfo) -> Iterable[Finding]:
    assert context.envelope is not None
    if "msg" not in context.envelope:
        return (rule.at("msg", 'msg is missing: send a short text such as "成功"'),)
    if isinstance(context.envelope["msg"], str):
        return ()
    return (rule.at("msg", f"msg is {describe(context.envelope['msg'])}: expected a string"),)


@ENVELOPE_RULES.new(
    "envelope-data",
    Severity.ERROR,
    "data is missing or not an object",
    SEED_FOLLOWUP,
    quote="“data”: {“call_id”",
)
def envelope_data(context: ResponseContext, rule: RuleInfo) -> Iterable[Finding]:
    assert context.envelope is not None
    severity = Severity.WARNING if context.failed else None
    if "data" not in context.envelope:
        return (rule.at("data", "data is missing: expected an object", severity=severity),)
    if isinstance(context.envelope["data"], dict):
        return ()
    actual = describe(context.envelope["data"])
    message = f"data is {actual}: expected an object"
    return (rule.at("data", message, actual=actual, severity=severity),)


@ENVELOPE_RULES.rule(UNKNOWN_KEY, fields={UNKNOWN_KEY_FACT})
def unknown_envelope_key(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    assert context.envelope is not None

    def finding(key: str) -> Finding:
        hint = suggestion(key, _ENVELOPE_KEYS)
        return rule.at(safe_text(key), f"unknown top-level key {shown(key)} (ignored){hint}")

    unknown = (key for key in context.envelope if key not in _ENVELOPE_KEYS)
    return capped(rule, unknown, finding, safe_text)


@ENVELOPE_RULES.new(
    "result-fail",
    Severity.WARNING,
    'result is "fail": the platform gets no action for this callback',
    SEED_FOLLOWUP,
    fields={RESULT_FAIL},
    quote="调用失败",
)
def result_fail(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    if context.failed:
        message = context.envelope.get("msg") if context.envelope else None
        reason = f" (msg: {shown(message)})" if isinstance(message, str) and message else ""
        yield rule.at("result", f'result is "fail": the platform gets no action{reason}')
