"""Rules shared by the response validator and the SmartCall parameter checks.

Each shared rule id is declared here once; the helpers below produce its findings for one value,
so the response rules (``data.mute_time``) and the SmartCall rules (``MuteTime``) say the same
thing the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from vcall.simulator.findings import Finding, Severity
from vcall.simulator.spec import (
    FORBIDDEN_CHARACTER_GRADES,
    FORBIDDEN_CHARACTERS_SEED,
    LOOKALIKE_SEPARATORS,
    PLAY_CODE_SEPARATOR,
    RANGED,
    SEED_CALLIN,
    SEED_FOLLOWUP,
    SEED_SMARTCALL,
    SEED_SMARTCALL_OLD,
    SESSION_TIMEOUT_RANGE,
    SPEC_NOTES,
    TTS_VARIABLE_PATTERN,
    TTS_VOICES,
    ForbiddenGrade,
    OutOfRange,
    range_outcome,
)
from vcall.simulator.speech import file_piece as _file_piece
from vcall.simulator.validation.registry import VCALL_CHOICE, RuleInfo, capped, define
from vcall.simulator.validation.values import (
    Typed,
    blank_play_code_syntax,
    forbidden_positions,
    has_forbidden,
    load_json_object,
    safe_text,
    shown,
    suggestion,
    tts_variables,
)

UNKNOWN_KEY = define(
    "unknown-key",
    Severity.WARNING,
    "a key or parameter the platform does not know (ignored); near misses get a did-you-mean",
    SEED_FOLLOWUP,
    quote="返回参数 名称 格式 是否必填 示例 说明",
)
VALUE_NULL = define(
    "value-null",
    Severity.WARNING,
    "an optional value is null: omit the key instead",
    SPEC_NOTES,
    quote=VCALL_CHOICE,
)
TYPE_MISMATCH = define(
    "type-mismatch",
    Severity.ERROR,
    "a value cannot be read as its declared type (integer, boolean, string, JSON object)",
    SEED_FOLLOWUP,
    quote="mute_time Integer 可选 10000",
)
TYPE_LENIENT_STRING = define(
    "type-lenient-string",
    Severity.WARNING,
    'a number or boolean sent as a string ("5000", "true"): accepted, send the plain value',
    SPEC_NOTES,
    quote="Accept a number or a numeric string and warn on the string",
)
TYPE_LENIENT_NUMBER = define(
    "type-lenient-number",
    Severity.WARNING,
    "a JSON number where another type is declared (a string as 123, an integer as 5000.0, a "
    "boolean as 1): accepted, send the declared type",
    SPEC_NOTES,
    quote="Types: the tables say String for several numeric fields while examples use numbers.",
)
RANGE_FALLBACK = define(
    "range-fallback",
    Severity.WARNING,
    "a value outside its range: the platform silently uses its fallback instead (the message "
    "says which; the model then uses exactly that)",
    SEED_FOLLOWUP,
    quote="取值范围为1000~20000,超过这个范围默认10000",
)
VALUE_OUT_OF_RANGE = define(
    "value-out-of-range",
    Severity.ERROR,
    "a value outside its documented range, with no documented fallback (the model ignores it)",
    SEED_FOLLOWUP,
    quote="取值范围为1~50",
)
SESSION_TIMEOUT_TOO_LONG = define(
    "session-timeout-too-long",
    Severity.WARNING,
    f"session_timeout / SessionTimeout over {SESSION_TIMEOUT_RANGE.high} s, the longest call: "
    f"the platform caps it at {SESSION_TIMEOUT_RANGE.high}",
    SEED_SMARTCALL,
    quote="通话时长最长 3600 秒",
)
VALUE_NOT_ALLOWED = define(
    "value-not-allowed",
    Severity.ERROR,
    "a value not among the documented choices (dtmf_end_character, AsrBaseId)",
    SEED_FOLLOWUP,
    quote="只支持 * #,支持空",
)
TTS_STYLE_UNKNOWN = define(
    "tts-style-unknown",
    Severity.WARNING,
    "tts_style / TtsStyle is not in the documented voice list",
    SEED_SMARTCALL_OLD,
    quote="TTS变量播放时的声音风格，默认为**xiaoyan**，具体风格见声音风格列表",
)
TTS_CONF_INCOMPLETE = define(
    "tts-conf-incomplete",
    Severity.WARNING,
    "tts_conf / TtsConf is true but a voice setting (style, volume, speed) is missing",
    SEED_CALLIN,
    quote="为true时需要设置ttsStyle、ttsColume、ttsSpeed三个参数来设置声音风格",
)
TTS_SETTINGS_IGNORED = define(
    "tts-settings-ignored",
    Severity.WARNING,
    "voice settings given without tts_conf / TtsConf true: the platform ignores them",
    SEED_SMARTCALL,
    quote="不需要设置相关参数,即便设置了也不生效",
)
TTS_PARAMS_INVALID = define(
    "tts-params-invalid",
    Severity.ERROR,
    "action_code_param / VoiceCodeParam is not a JSON object of string values",
    SEED_FOLLOWUP,
    quote="tts参数,json格式,key和action_code对应",
)
TTS_VARIABLE_MISSING = define(
    "tts-variable-missing",
    Severity.ERROR,
    "a $name$ variable of the play code has no value: it cannot be spoken",
    SEED_FOLLOWUP,
    quote="tts参数,json格式,key和action_code对应",
)
TTS_PARAM_UNUSED = define(
    "tts-param-unused",
    Severity.WARNING,
    "a TTS parameter matches no $name$ variable of the play code",
    SEED_FOLLOWUP,
    quote="tts参数,json格式,key和action_code对应",
)
FORBIDDEN_CHARACTER = define(
    "forbidden-character",
    Severity.ERROR,
    "a value the platform echoes back in a later callback (dynamic_id, DynamicId, cc_name of a "
    'parallel_transfer: spec.ECHOED_FIELDS) contains one of @ = : " $ { } ^ * ¥',
    FORBIDDEN_CHARACTERS_SEED,
    quote="以下字符不可以在智能语音交互 SmartCall 回调中出现",
)
FORBIDDEN_CHARACTER_DOUBT = define(
    "forbidden-character-doubt",
    Severity.WARNING,
    "a file name (action_code, VoiceCode), a spoken TTS value or OutId contains one of the SmartCall page's "
    "characters: it may reach a callback or a template (the message names the doubt); URL "
    "syntax and $name$ never count",
    FORBIDDEN_CHARACTERS_SEED,
    quote="以下字符不可以在智能语音交互 SmartCall 回调中出现",
)
NUMBER_IMPLAUSIBLE = define(
    "number-implausible",
    Severity.ERROR,
    "CalledNumber/CalledShowNumber is not dialable: digits with an optional leading + (the API "
    "answers isv.MOBILE_NUMBER_ILLEGAL / isv.DISPLAY_NUMBER_ILLEGAL)",
    SPEC_NOTES,
    quote="`isv.MOBILE_NUMBER_ILLEGAL`",
)
SEPARATOR_NOT_COMMA = define(
    "separator-not-comma",
    Severity.ERROR,
    "a full-width ， between files, ids or $name$ in action_code / VoiceCode: only the English "
    "comma separates items, so the platform looks for one file of the whole name (an error; a "
    "warning between $name$ variables only, whose text is spoken); did you mean ','?",
    SEED_FOLLOWUP,
    quote="多个文件使用英文逗号(,)分隔",
)
_OUTCOME_RULES = {
    OutOfRange.FALLBACK: RANGE_FALLBACK,
    OutOfRange.CAP: SESSION_TIMEOUT_TOO_LONG,
    OutOfRange.IGNORED: VALUE_OUT_OF_RANGE,
}


def range_problem(name: str, value: int) -> RuleInfo | None:
    """Which rule ``value`` breaks for the ranged field or parameter ``name``, if any."""
    outcome = range_outcome(name, value)
    return None if outcome is None else _OUTCOME_RULES[outcome.how]


def range_finding(name: str, path: str, value: int, seed: str) -> Finding | None:
    """The finding for ``value`` outside the range of ``name``: its message is, word for word,
    the note the platform model writes when it applies the same value (``spec.range_outcome``)."""
    outcome = range_outcome(name, value)
    if outcome is None:
        return None
    valid = RANGED[name][0]
    return _OUTCOME_RULES[outcome.how].at(
        path, outcome.message, expected=valid.describe(), actual=str(value), seed=seed
    )


def typed_finding(
    rule: RuleInfo, name: str, path: str, typed: Typed, seed: str, raw: object = None
) -> Finding:
    """A type-mismatch or lenient-type finding for one value (``raw``: the value as sent)."""
    actual = shown(typed.value if typed.mismatch else raw)
    if typed.mismatch:
        return rule.at(path, f"{name}: {typed.mismatch}", actual=actual, seed=seed)
    plain = shown(typed.value)
    message = f"{name} is {typed.lenient}: accepted, but send {plain}"
    return rule.at(path, message, expected=plain, actual=actual, seed=seed)


def tts_style_finding(name: str, path: str, voice: str, seed: str) -> Finding | None:
    if voice in TTS_VOICES:
        return None
    message = f"{name} {shown(voice)} is not in the documented voice list"
    message += suggestion(voice, TTS_VOICES)
    return TTS_STYLE_UNKNOWN.at(
        path, message, expected=", ".join(TTS_VOICES), actual=safe_text(voice), seed=seed
    )


def choice_finding(
    name: str, path: str, value: str, choices: tuple[str, ...], seed: str
) -> Finding | None:
    if value in choices:
        return None
    allowed = ", ".join(shown(choice) for choice in choices)
    return VALUE_NOT_ALLOWED.at(
        path,
        f"{name} {shown(value)} is not one of {allowed}{suggestion(value, choices)}",
        expected=allowed,
        actual=safe_text(value),
        seed=seed,
    )


def forbidden_finding(
    path: str,
    text: str,
    seed: str,
    exempt: frozenset[int],
    field: str,
    *,
    scanned: str | None = None,
) -> Finding | None:
    """One finding naming each forbidden character of ``text`` and its 0-based position, graded
    by ``field`` (``spec.FORBIDDEN_CHARACTER_GRADES``): an error where the value is echoed back,
    else a warning that names the doubt. ``scanned``: ``text`` with its syntax blanked out,
    searched instead."""
    hits, total = forbidden_positions(text if scanned is None else scanned, exempt, first=5)
    if not hits:
        return None
    grade, why = FORBIDDEN_CHARACTER_GRADES[field]
    listed = ", ".join(f"{char!r} at position {index}" for char, index in hits)
    more = f" and {total - 5} more" if total > 5 else ""
    if grade is ForbiddenGrade.ECHOED:
        message = (
            f"{path} contains forbidden {listed}{more}: {why}, and the SmartCall page forbids "
            '@ = : " $ { } ^ * ¥ in callbacks'
        )
        rule = FORBIDDEN_CHARACTER
    else:
        message = f"{path} contains {listed}{more}, which SmartCall forbids in callbacks: {why}"
        rule = FORBIDDEN_CHARACTER_DOUBT
    return rule.at(path, message, actual=safe_text(text), seed=seed)


def tts_params(value: object) -> tuple[dict[str, object] | None, str]:
    """The TTS parameters object of a JSON object or JSON-object string, or a problem."""
    if isinstance(value, Mapping):
        return {str(key): item for key, item in value.items()}, ""
    if isinstance(value, str):
        return load_json_object(value)
    return None, "is not a JSON object"


def tts_value_problem(value: object) -> str:
    if isinstance(value, str) or (isinstance(value, int | float) and not isinstance(value, bool)):
        return ""
    return f"is {'null' if value is None else 'not a string'}: a TTS value must be text"


def tts_findings(
    code: str, code_name: str, params: Mapping[str, object], params_path: str, seed: str
) -> Iterator[Finding]:
    """Variables of ``code`` without a value (error) and parameters no variable uses (warning)."""
    variables = tts_variables(code)
    known = set(variables)

    def missing(variable: str) -> Finding:
        return TTS_VARIABLE_MISSING.at(
            params_path,
            f"${safe_text(variable)}$ in {code_name} has no value in {params_path}",
            expected=f"a key {shown(variable)}",
            seed=seed,
        )

    def unused(key: str) -> Finding:
        return TTS_PARAM_UNUSED.at(
            param_path(key),
            f"{shown(key)} matches no $name$ variable of {code_name}" + suggestion(key, variables),
            seed=seed,
        )

    def param_path(key: str) -> str:
        return f"{params_path}.{safe_text(key)}"

    lacking = (variable for variable in variables if variable not in params)
    yield from capped(TTS_VARIABLE_MISSING, lacking, missing, lambda _variable: params_path)
    spare = (key for key in params if key not in known)
    yield from capped(TTS_PARAM_UNUSED, spare, unused, param_path)


def forbidden_in_params(
    params: Mapping[str, object], params_path: str, seed: str, field: str
) -> Iterable[Finding]:
    def path(key: str) -> str:
        return f"{params_path}.{safe_text(key)}"

    def finding(key: str) -> Finding:
        found = forbidden_finding(path(key), str(params[key]), seed, frozenset(), field)
        assert found is not None
        return found

    spoken = (
        key
        for key, value in params.items()
        if isinstance(value, str | int | float)
        and not isinstance(value, bool)
        and has_forbidden(str(value))
    )
    grade, _ = FORBIDDEN_CHARACTER_GRADES[field]
    rule = FORBIDDEN_CHARACTER if grade is ForbiddenGrade.ECHOED else FORBIDDEN_CHARACTER_DOUBT
    return capped(rule, spoken, finding, path)


def forbidden_in_play_code(path: str, code: str, seed: str, field: str) -> Finding | None:
    if not has_forbidden(code):  # most codes: no need to work out the exempt positions
        return None
    scanned = blank_play_code_syntax(code)
    return forbidden_finding(path, code, seed, frozenset(), field, scanned=scanned)


def _pieces(item: str) -> list[str]:
    """``item`` cut where a look-alike separator stands (what its writer meant as items)."""
    for look in LOOKALIKE_SEPARATORS:
        item = item.replace(look, PLAY_CODE_SEPARATOR)
    return item.split(PLAY_CODE_SEPARATOR)


def _variable_piece(piece: str) -> bool:
    return TTS_VARIABLE_PATTERN.fullmatch(piece.strip()) is not None


def separator_finding(path: str, code: str, seed: str) -> Finding | None:
    """A look-alike of ``,`` in a play code (``a.wav，b.wav``): not a separator (the follow-up page: 英文逗号;
    the SmartCall page for VoiceCode), so its item is one file of the whole name, which the platform cannot
    find (an error). Between ``$name$`` variables only (``$a$，$b$``) it is one TTS item whose
    text holds a comma (a warning)."""
    found = [(code.find(char), char) for char in LOOKALIKE_SEPARATORS if char in code]
    if not found:
        return None
    items = [item.strip() for item in code.split(PLAY_CODE_SEPARATOR)]
    odd = [
        item
        for item in items
        if any(look in item for look in LOOKALIKE_SEPARATORS)
        and all(_file_piece(p) or _variable_piece(p) for p in _pieces(item) if p.strip())
    ]  # every piece a file, id, URL or $name$: a list was meant (prose is left alone)
    if not odd:
        return None
    files = [item for item in odd if any(_file_piece(piece) for piece in _pieces(item))]
    position, char = min(
        (code.find(odd[0]) + odd[0].find(look), look)
        for look in LOOKALIKE_SEPARATORS
        if look in odd[0]
    )
    what = f"{path} has {LOOKALIKE_SEPARATORS[char]} {char!r} at position {position}"
    fixed = "".join(PLAY_CODE_SEPARATOR if c in LOOKALIKE_SEPARATORS else c for c in code)
    if files:
        message = (
            f"{what}: only the English comma separates items, so the platform looks for one "
            f"file named {shown(files[0])}, which it will not find: did you mean ','?"
        )
        severity = None
    else:
        message = (
            f"{what}, inside {shown(odd[0])}: only the English comma separates items, so it is "
            "one TTS item and the comma is spoken as text: did you mean ','?"
        )
        severity = Severity.WARNING
    return SEPARATOR_NOT_COMMA.at(
        path,
        message,
        expected=safe_text(fixed),
        actual=safe_text(code),
        seed=seed,
        severity=severity,
    )
