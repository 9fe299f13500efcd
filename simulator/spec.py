"""The platform specification as data: the single source of every number and name vcall checks.

Sources are the vendor's reference pages in ``shared/seeds/`` (cited by file name in every entry)
and our reading of them in ``shared/SPEC-NOTES.md``. Where the pages contradict each other, the
entry's ``note`` says which reading vcall takes. No other module re-types a number held here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

# --- the seed documents -------------------------------------------------------------------------

SEED_CALLBACK_OVERVIEW = "000_d7375703da66d8a3.txt"
"""Inbound callback overview: protocol, the first (callin) request and its response fields."""
SEED_FOLLOWUP = "001_e406b395c8902673.txt"
"""Follow-up callbacks (normal, mute, timebreak, dtmf): content per type, actions, fields."""
SEED_SMARTCALL = "002_be0875914619bb4d.txt"
"""SmartCall API, newest page: parameters, ranges, QPS, forbidden characters, response."""
SEED_SMARTCALL_OLD = "003_66fa8c66580b70a3.txt"
"""SmartCall API, older page: same API, the TTS voice list, request examples."""
SEED_CALLIN = "004_1932a3d3efe8eaa9.txt"
"""The first inbound callback (callin) alone: request, response, fields."""
SPEC_NOTES = "SPEC-NOTES.md"
"""Our reading of the seeds (choices, not facts, where the seeds are silent or contradict)."""

SEEDS: Mapping[str, str] = MappingProxyType(
    {
        SEED_CALLBACK_OVERVIEW: "inbound callback overview and callin",
        SEED_FOLLOWUP: "follow-up callbacks and their responses",
        SEED_SMARTCALL: "SmartCall API (newest page)",
        SEED_SMARTCALL_OLD: "SmartCall API (older page, voice list)",
        SEED_CALLIN: "first inbound callback (callin)",
    }
)


class ValueType(StrEnum):
    """How a value is typed on the wire. Lenient forms are accepted with a warning."""

    STRING = "string"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    JSON_OBJECT = "json-object"
    """A JSON object, usually sent as a JSON string that holds an object."""
    OBJECT = "object"


# --- delivery of a callback (SPEC-NOTES §1) -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Delivery:
    protocol: str
    method: str
    encoding: str
    params: tuple[str, ...]
    seed: str


CALLBACK_DELIVERY = Delivery(
    protocol="HTTP",
    method="POST",
    encoding="UTF-8",
    params=("call_id", "timestamp", "content_type", "content"),
    seed=SEED_CALLBACK_OVERVIEW,
)
CALL_ID_PATTERN = re.compile(r"^\d+\^\d+$")
"""The platform's call id shape, e.g. ``100001616500^100001871490`` (seed 000 examples)."""

# --- callback kinds and their content (SPEC-NOTES §2) -------------------------------------------


class CallbackKind(StrEnum):
    CALLIN = "callin"
    NORMAL = "normal"
    MUTE = "mute"
    DTMF = "dtmf"
    TIMEBREAK = "timebreak"


@dataclass(frozen=True, slots=True)
class ContentField:
    name: str
    type: ValueType
    required: bool
    description: str
    seed: str
    unit: str = ""
    example: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class CallbackKindSpec:
    kind: CallbackKind
    when: str
    fields: tuple[ContentField, ...]
    seed: str

    def field(self, name: str) -> ContentField | None:
        return next((f for f in self.fields if f.name == name), None)


def _content(
    name: str, kind: ValueType, required: bool, description: str, seed: str, **extra: str
) -> ContentField:
    return ContentField(name, kind, required, description, seed, **extra)


_S = ValueType.STRING
_DYNAMIC_ID_CONTENT = _content(
    "dynamic_id",
    _S,
    False,
    "the latest dynamic_id the endpoint returned, echoed back",
    SEED_FOLLOWUP,
)

CALLBACK_KINDS: Mapping[CallbackKind, CallbackKindSpec] = MappingProxyType(
    {
        CallbackKind.CALLIN: CallbackKindSpec(
            CallbackKind.CALLIN,
            "first callback of an inbound call",
            (
                _content(
                    "caller", _S, True, "calling number (A)", SEED_CALLIN, example="13711111111"
                ),
                _content(
                    "callee",
                    _S,
                    True,
                    "service number dialled (C)",
                    SEED_CALLIN,
                    example="05711111111",
                ),
                _content(
                    "orgcallee",
                    _S,
                    False,
                    "original callee when the call was forwarded (B)",
                    SEED_CALLIN,
                    example="057122222222",
                    note="A dials B, forwarded to service number C: caller=A, callee=C, orgcallee=B",
                ),
            ),
            SEED_CALLIN,
        ),
        CallbackKind.NORMAL: CallbackKindSpec(
            CallbackKind.NORMAL,
            "the caller finished a sentence (pause_time of quiet ends it)",
            (
                _content(
                    "role",
                    _S,
                    True,
                    "speaker role, always B (the caller)",
                    SEED_FOLLOWUP,
                    example="B",
                ),
                _content(
                    "identity",
                    _S,
                    True,
                    "identity of the speaker",
                    SEED_FOLLOWUP,
                    example="id2",
                    note="typed Long in the table, but the example is the string id2: vcall sends a string",
                ),
                _content(
                    "words", _S, True, "the sentence as recognised", SEED_FOLLOWUP, example="你好"
                ),
                _content(
                    "begin_offset",
                    _S,
                    True,
                    "sentence start since call start",
                    SEED_FOLLOWUP,
                    unit="ms",
                ),
                _content(
                    "end_offset",
                    _S,
                    True,
                    "sentence end since call start",
                    SEED_FOLLOWUP,
                    unit="ms",
                ),
                _content(
                    "begin_time",
                    _S,
                    True,
                    "call start time",
                    SEED_FOLLOWUP,
                    example="2017-06-01 10:00:00",
                    note="described as seconds, example is a date-time string: vcall follows the example",
                ),
                _content(
                    "is_playing",
                    _S,
                    False,
                    "whether a playback is in progress",
                    SEED_FOLLOWUP,
                    example="true",
                ),
                _content(
                    "current_media_code",
                    _S,
                    False,
                    "what is playing; early_media marks an early-media message",
                    SEED_FOLLOWUP,
                ),
                _DYNAMIC_ID_CONTENT,
                _content(
                    "record_begin_time",
                    ValueType.INTEGER,
                    False,
                    "recording start",
                    SEED_FOLLOWUP,
                    unit="unix-ms",
                ),
                _content(
                    "asr_begin_time",
                    _S,
                    False,
                    "caller started speaking",
                    SEED_FOLLOWUP,
                    unit="unix-ms",
                ),
                _content(
                    "asr_end_time",
                    _S,
                    False,
                    "caller stopped speaking",
                    SEED_FOLLOWUP,
                    unit="unix-ms",
                ),
                _content(
                    "play_begin_time", _S, False, "playback started", SEED_FOLLOWUP, unit="unix-ms"
                ),
                _content(
                    "play_end_time",
                    _S,
                    False,
                    "playback ended; 0 while not ended",
                    SEED_FOLLOWUP,
                    unit="unix-ms",
                ),
            ),
            SEED_FOLLOWUP,
        ),
        CallbackKind.MUTE: CallbackKindSpec(
            CallbackKind.MUTE,
            "the caller stayed silent for mute_time",
            (_DYNAMIC_ID_CONTENT,),
            SEED_FOLLOWUP,
        ),
        CallbackKind.DTMF: CallbackKindSpec(
            CallbackKind.DTMF,
            "keypad input collected after an action dtmf",
            (
                _DYNAMIC_ID_CONTENT,
                _content(
                    "dtmf_digits",
                    _S,
                    False,
                    "the digits, or noInputTimeout when none came",
                    SEED_FOLLOWUP,
                ),
            ),
            SEED_FOLLOWUP,
        ),
        CallbackKind.TIMEBREAK: CallbackKindSpec(
            CallbackKind.TIMEBREAK,
            "the caller talked over a breakable playback for action_code_time_break",
            (
                _content("current_media_code", _S, False, "what was playing", SEED_FOLLOWUP),
                _content(
                    "asr_begin_time",
                    _S,
                    False,
                    "caller started speaking",
                    SEED_FOLLOWUP,
                    unit="unix-ms",
                ),
                _content(
                    "play_begin_time", _S, False, "playback started", SEED_FOLLOWUP, unit="unix-ms"
                ),
                _DYNAMIC_ID_CONTENT,
            ),
            SEED_FOLLOWUP,
        ),
    }
)
DTMF_NO_INPUT = "noInputTimeout"
"""``dtmf_digits`` value when no key came in time (seed 001)."""
EARLY_MEDIA_CODE = "early_media"
"""``current_media_code`` value marking an early-media message (seed 001)."""
CALLER_ROLE = "B"
"""``role`` of the caller in a normal callback (seed 001 example)."""

# --- response stages and actions (SPEC-NOTES §3) ------------------------------------------------


class Stage(StrEnum):
    CALLIN = "callin"
    FOLLOWUP = "followup"


def stage_of(kind: CallbackKind) -> Stage:
    return Stage.CALLIN if kind is CallbackKind.CALLIN else Stage.FOLLOWUP


@dataclass(frozen=True, slots=True)
class ActionSpec:
    name: str
    stages: frozenset[Stage]
    description: str
    seed: str
    requires: tuple[str, ...] = ()
    """Fields that must be present and non-empty (an error otherwise)."""
    recommends: tuple[str, ...] = ()
    """Fields that should be present (a warning otherwise)."""
    plays: bool = False
    """Whether ``action_code`` is played by this action."""


_CALLIN_ONLY = frozenset({Stage.CALLIN})
_FOLLOWUP_ONLY = frozenset({Stage.FOLLOWUP})
_BOTH = frozenset(Stage)

ACTIONS: Mapping[str, ActionSpec] = MappingProxyType(
    {
        spec.name: spec
        for spec in (
            ActionSpec(
                "answer",
                _CALLIN_ONLY,
                "answer and play the opening action_code",
                SEED_CALLIN,
                ("action_code",),
                plays=True,
            ),
            ActionSpec(
                "hangup",
                _BOTH,
                "hang up, after its action_code (if any) has played",
                SEED_FOLLOWUP,
                plays=True,
            ),
            ActionSpec(
                "play",
                _FOLLOWUP_ONLY,
                "play the next action_code",
                SEED_FOLLOWUP,
                ("action_code",),
                plays=True,
            ),
            ActionSpec("break", _FOLLOWUP_ONLY, "stop the current playback", SEED_FOLLOWUP),
            ActionSpec(
                "continue", _FOLLOWUP_ONLY, "keep playing the current playback", SEED_FOLLOWUP
            ),
            ActionSpec(
                "transfer",
                _FOLLOWUP_ONLY,
                "transfer the call to number",
                SEED_FOLLOWUP,
                ("number",),
                plays=True,
            ),
            ActionSpec("donothing", _FOLLOWUP_ONLY, "change nothing", SEED_FOLLOWUP),
            ActionSpec(
                "dtmf",
                _FOLLOWUP_ONLY,
                "play action_code (a prompt) and collect keys",
                SEED_FOLLOWUP,
                recommends=("dtmf_max_numbers",),
                plays=True,
            ),
            ActionSpec(
                "parallel_transfer",
                _FOLLOWUP_ONLY,
                "parallel transfer to a call centre",
                SEED_FOLLOWUP,
                recommends=("number",),
                plays=True,
            ),
            ActionSpec("parallel_bridge", _FOLLOWUP_ONLY, "parallel bridge", SEED_FOLLOWUP),
        )
    }
)
STAGE_ACTIONS: Mapping[Stage, frozenset[str]] = MappingProxyType(
    {
        stage: frozenset(name for name, spec in ACTIONS.items() if stage in spec.stages)
        for stage in Stage
    }
)
SILENT_ACTIONS = frozenset({"hangup", "donothing", "break", "continue", "parallel_bridge"})
"""Actions for which an empty ``action_code`` is sensible (SPEC-NOTES §3: warn, don't fail)."""

# --- response envelope and fields (SPEC-NOTES §3) -----------------------------------------------


class ResultValue(StrEnum):
    SUCCESS = "success"
    FAIL = "fail"


ENVELOPE_REQUIRED = ("result", "msg", "data")
ENVELOPE_TOLERATED = frozenset({"code"})
"""Top-level keys some vendor examples add (``"code": 200``): accepted without a warning."""


@dataclass(frozen=True, slots=True)
class ValueRange:
    """An inclusive range; ``fallback`` is what the platform silently uses outside it."""

    low: int | None
    high: int | None
    fallback: int | None = None
    fallback_note: str = ""

    def contains(self, value: int) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)

    def describe(self) -> str:
        if self.low is not None and self.high is not None:
            return f"{self.low}–{self.high}"
        if self.low is not None:
            return f"≥ {self.low}"
        return f"≤ {self.high}"


@dataclass(frozen=True, slots=True)
class ResponseField:
    name: str
    type: ValueType
    description: str
    seed: str
    stages: frozenset[Stage] = _BOTH
    required: bool = False
    default: object = None
    range: ValueRange | None = None
    unit: str = ""
    choices: tuple[str, ...] = ()
    forbidden_chars: bool = False
    """Whether SPEC-NOTES §4's forbidden characters apply to this value."""
    first_setting_only: bool = False
    """Only the first setting in a call counts (later ones are ignored by the platform)."""
    note: str = ""


def _field(
    name: str, kind: ValueType, description: str, seed: str, **extra: object
) -> ResponseField:
    return ResponseField(name, kind, description, seed, **extra)  # type: ignore[arg-type]


_I, _B = ValueType.INTEGER, ValueType.BOOLEAN
MUTE_TIME_RANGE = ValueRange(1000, 20000, fallback=10000)
PAUSE_TIME_RANGE = ValueRange(300, 1200, fallback=800)
SESSION_TIMEOUT_RANGE = ValueRange(1, 3600)
TTS_VOLUME_RANGE = ValueRange(0, 100)
TTS_SPEED_RANGE = ValueRange(-200, 200)
DTMF_END_CHARACTERS = ("*", "#", "")
ASR_BASE_MODELS: Mapping[str, str] = MappingProxyType(
    {"customer_service_8k": "Mandarin (default)", "dialect_customer_service_8k": "strong accents"}
)
DEFAULT_ASR_BASE_MODEL = "customer_service_8k"

TTS_VOICES: Mapping[str, str] = MappingProxyType(
    {
        "xiaoyun": "小云 standard female",
        "xiaogang": "小刚 standard male",
        "ruoxi": "若兮 gentle female",
        "xiaomeng": "小梦 standard female",
        "xiaowei": "小威 standard male",
        "amei": "阿美 sweet female",
        "xiaoxue": "小雪 gentle female",
        "siqi": "思琪 gentle female",
        "sijia": "思佳 standard female",
        "sicheng": "思诚 standard male",
        "siyue": "思悦 gentle female",
        "xiaomei": "小美 sweet female",
        "sitong": "思彤 standard child",
        "ninger": "宁儿 standard female",
        "xiaobei": "小北 young female",
        "yina": "伊娜 Zhejiang-accented female",
    }
)
"""The voice list of seed 003. Seed 002 points to a longer list elsewhere: unknown → warning."""
DEFAULT_TTS_VOICE = "xiaoyun"
"""Seed 002 says xiaoyun; seed 003 says xiaoyan, which is not in its own list."""

RESPONSE_FIELDS: Mapping[str, ResponseField] = MappingProxyType(
    {
        spec.name: spec
        for spec in (
            _field("call_id", _S, "the call's id, as in the request", SEED_FOLLOWUP, required=True),
            _field(
                "action",
                _S,
                "the next action",
                SEED_FOLLOWUP,
                required=True,
                choices=tuple(ACTIONS),
            ),
            _field(
                "action_code",
                _S,
                "files / voice ids separated by ',', $name$ for a TTS variable",
                SEED_FOLLOWUP,
                forbidden_chars=True,
                note="marked required; for actions that play nothing an empty value is sensible",
            ),
            _field(
                "action_code_param",
                ValueType.JSON_OBJECT,
                "values of the $name$ variables of action_code",
                SEED_FOLLOWUP,
                forbidden_chars=True,
                note="typed Integer in seed 000, String in seed 001, example is a JSON object",
            ),
            _field(
                "action_break",
                _B,
                "may this action interrupt the current playback",
                SEED_FOLLOWUP,
                default=True,
            ),
            _field(
                "action_code_break",
                _B,
                "may the caller interrupt this playback; wins over action_break",
                SEED_FOLLOWUP,
                default=True,
            ),
            _field(
                "action_code_time_break",
                _I,
                "caller speech this long interrupts playback (timebreak); only when > 0",
                SEED_FOLLOWUP,
                unit="ms",
                range=ValueRange(0, None),
            ),
            _field(
                "mute_time",
                _I,
                "silence this long after playback produces a mute callback",
                SEED_FOLLOWUP,
                unit="ms",
                range=MUTE_TIME_RANGE,
                default=MUTE_TIME_RANGE.fallback,
            ),
            _field(
                "pause_time",
                _I,
                "quiet this long ends a sentence",
                SEED_SMARTCALL,
                unit="ms",
                range=PAUSE_TIME_RANGE,
                default=PAUSE_TIME_RANGE.fallback,
                first_setting_only=True,
                note="range and fallback from the SmartCall page (seed 002); only the first setting counts",
            ),
            _field(
                "dynamic_id",
                _S,
                "echoed back in the next callback's content",
                SEED_FOLLOWUP,
                forbidden_chars=True,
            ),
            _field("number", _S, "transfer target phone number", SEED_FOLLOWUP),
            _field(
                "dtmf_nonin_overtime",
                _I,
                "seconds without a key before noInputTimeout",
                SEED_FOLLOWUP,
                unit="s",
                range=ValueRange(
                    3, 60, fallback=3, fallback_note="assumed: the seed gives only the default"
                ),
                default=3,
            ),
            _field(
                "dtmf_max_numbers",
                _I,
                "maximum number of digits collected",
                SEED_FOLLOWUP,
                range=ValueRange(1, 50),
            ),
            _field(
                "dtmf_end_character",
                _S,
                "key that ends collection: * or #, or empty",
                SEED_FOLLOWUP,
                choices=DTMF_END_CHARACTERS,
            ),
            _field(
                "transfer_playfile",
                _S,
                "file played to the agent after a parallel transfer",
                SEED_FOLLOWUP,
            ),
            _field("is_monitor", _B, "monitor after a parallel transfer", SEED_FOLLOWUP),
            _field("cc_name", _S, "call centre name for a parallel transfer", SEED_FOLLOWUP),
            _field(
                "session_timeout",
                _I,
                "maximum call duration",
                SEED_CALLIN,
                stages=_CALLIN_ONLY,
                unit="s",
                range=SESSION_TIMEOUT_RANGE,
                note="typed String in the table, a number in the example; at most 3600 s per seed 002",
            ),
            _field("asr_model_id", _S, "custom ASR model id", SEED_CALLIN, stages=_CALLIN_ONLY),
            _field(
                "asr_base_id",
                _S,
                "ASR base model",
                SEED_CALLIN,
                stages=_CALLIN_ONLY,
                choices=tuple(ASR_BASE_MODELS),
                default=DEFAULT_ASR_BASE_MODEL,
            ),
            _field("record_flag", _B, "record the call", SEED_CALLIN, stages=_CALLIN_ONLY),
            _field(
                "tts_conf",
                _B,
                "when true, tts_style, tts_volume and tts_speed should be set",
                SEED_CALLIN,
                stages=_CALLIN_ONLY,
            ),
            _field(
                "tts_style",
                _S,
                "TTS voice",
                SEED_CALLIN,
                stages=_CALLIN_ONLY,
                choices=tuple(TTS_VOICES),
                default=DEFAULT_TTS_VOICE,
            ),
            _field(
                "tts_volume",
                _I,
                "TTS volume",
                SEED_CALLIN,
                stages=_CALLIN_ONLY,
                range=TTS_VOLUME_RANGE,
            ),
            _field(
                "tts_speed",
                _I,
                "TTS speed",
                SEED_CALLIN,
                stages=_CALLIN_ONLY,
                range=TTS_SPEED_RANGE,
            ),
            _field(
                "extend",
                _S,
                "appears in the seed's follow-up response example only; undocumented",
                SEED_FOLLOWUP,
            ),
        )
    }
)
TTS_CONF_FIELDS = ("tts_style", "tts_volume", "tts_speed")
"""Fields that should accompany ``tts_conf: true`` (seeds 000, 004)."""
TTS_VARIABLE_PATTERN = re.compile(r"\$([^$,]+)\$")
"""A TTS variable inside ``action_code`` / ``VoiceCode``: ``$name$``."""

# --- forbidden characters (SPEC-NOTES §4) -------------------------------------------------------

FORBIDDEN_CHARACTERS = frozenset('@=:"${}^*¥')
"""Seed 002: these must not appear in SmartCall callbacks."""
FORBIDDEN_CHARACTERS_SEED = SEED_SMARTCALL
FORBIDDEN_CHARACTERS_APPLY_TO = (
    "dynamic_id",
    "action_code_param values",
    "action_code file names outside $name$ (a URL's scheme separator :// is exempt)",
    "OutId",
    "DynamicId",
    "VoiceCodeParam values",
    "VoiceCode file names outside $name$",
)
"""A choice (SPEC-NOTES §4): values the platform carries back or speaks, not call_id or JSON syntax."""

# --- phone numbers ------------------------------------------------------------------------------

MAINLAND_NUMBER_PATTERN = re.compile(
    r"^(?:\+?86)?(?:1[3-9]\d{9}|0\d{2,3}\d{7,8}|[48]00\d{7}|95\d{3,6})$"
)
"""Mainland China: mobile 1[3-9]xxxxxxxxx, landline 0 + area + 7–8 digits, 400/800, 95xxx."""
PLAUSIBLE_NUMBER_PATTERN = re.compile(r"^\+?\d{3,20}$")
"""Any dialable number: digits, an optional leading +."""

# --- SmartCall (SPEC-NOTES §5) ------------------------------------------------------------------

SMARTCALL_ENDPOINT = "dyvmsapi.aliyuncs.com"
SMARTCALL_API_VERSION = "2017-05-25"
SMARTCALL_ACTION = "SmartCall"
SMARTCALL_PRODUCT = "dyvms"
SMARTCALL_QPS_LIMIT = 1000
"""Calls per second per user (seed 002)."""


@dataclass(frozen=True, slots=True)
class SmartCallParam:
    name: str
    type: ValueType
    description: str
    seed: str
    required: bool = False
    range: ValueRange | None = None
    default: object = None
    choices: tuple[str, ...] = ()
    unsupported: bool = False
    max_bytes: int | None = None
    min_bytes: int | None = None
    forbidden_chars: bool = False
    mainland_number: bool = False
    unit: str = ""

    @property
    def flag(self) -> str:
        """The kebab-case command-line flag, e.g. ``--called-number``."""
        return (
            "--"
            + re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "-", self.name).lower()
        )


def _param(
    name: str, kind: ValueType, description: str, seed: str = SEED_SMARTCALL, **extra: object
) -> SmartCallParam:
    return SmartCallParam(name, kind, description, seed, **extra)  # type: ignore[arg-type]


SMARTCALL_PARAMS: Mapping[str, SmartCallParam] = MappingProxyType(
    {
        spec.name: spec
        for spec in (
            _param("CalledShowNumber", _S, "caller id shown; a number you bought", required=True),
            _param(
                "CalledNumber",
                _S,
                "number to call; mainland China only",
                required=True,
                mainland_number=True,
            ),
            _param(
                "VoiceCode",
                _S,
                "opening files / voice ids / $name$, comma separated",
                required=True,
                forbidden_chars=True,
            ),
            _param(
                "VoiceCodeParam",
                ValueType.JSON_OBJECT,
                "JSON values of VoiceCode's $name$ variables",
                forbidden_chars=True,
            ),
            _param("RecordFlag", _B, "record the call"),
            _param("Volume", _I, "playback volume (1 recommended)", range=ValueRange(-4, 4)),
            _param("Speed", _I, "not supported by the platform", unsupported=True),
            _param("AsrModelId", _S, "custom ASR model id"),
            _param(
                "PauseTime",
                _I,
                "quiet that ends a sentence",
                range=PAUSE_TIME_RANGE,
                default=800,
                unit="ms",
            ),
            _param(
                "MuteTime",
                _I,
                "silence before a mute callback",
                range=MUTE_TIME_RANGE,
                default=10000,
                unit="ms",
            ),
            _param("ActionCodeBreak", _B, "may the caller interrupt the opening", default=True),
            _param(
                "OutId",
                _S,
                "caller's own id, returned in receipts",
                min_bytes=1,
                max_bytes=15,
                forbidden_chars=True,
            ),
            _param("DynamicId", _S, "echoed back in callbacks", forbidden_chars=True),
            _param("EarlyMediaAsr", _B, "recognise early media", default=False),
            _param(
                "SessionTimeout", _I, "maximum call duration", range=SESSION_TIMEOUT_RANGE, unit="s"
            ),
            _param(
                "ActionCodeTimeBreak",
                _I,
                "caller speech this long interrupts the opening; 0 or unset: off (seed 002; seed 003 says > 0)",
                range=ValueRange(0, None),
                unit="ms",
            ),
            _param(
                "TtsStyle", _S, "TTS voice", choices=tuple(TTS_VOICES), default=DEFAULT_TTS_VOICE
            ),
            _param("TtsVolume", _I, "TTS volume", range=TTS_VOLUME_RANGE, default=0),
            _param("TtsSpeed", _I, "TTS speed", range=TTS_SPEED_RANGE, default=0),
            _param("TtsConf", _B, "when true, TtsStyle/TtsVolume/TtsSpeed set the voice"),
            _param(
                "AsrBaseId",
                _S,
                "ASR base model",
                choices=tuple(ASR_BASE_MODELS),
                default=DEFAULT_ASR_BASE_MODEL,
            ),
            _param("StreamAsr", _I, "streaming ASR: 0 off, 1 on", range=ValueRange(0, 1)),
            _param("BackgroundFileCode", _S, "background audio file id"),
            _param("BackgroundVolume", _I, "not supported by the platform", unsupported=True),
            _param("BackgroundSpeed", _I, "not supported by the platform", unsupported=True),
            _param("EnableITN", _B, "convert Chinese numerals to digits", default=False),
        )
    }
)


@dataclass(frozen=True, slots=True)
class ApiErrorCode:
    code: str
    hint: str
    http_status: int
    retryable: bool = False


SMARTCALL_ERROR_CODES: Mapping[str, ApiErrorCode] = MappingProxyType(
    {
        spec.code: spec
        for spec in (
            ApiErrorCode("SignatureDoesNotMatch", "check the AccessKey secret and the clock", 400),
            ApiErrorCode("InvalidAccessKeyId.NotFound", "the AccessKey id does not exist", 404),
            ApiErrorCode("MissingParameter", "a required parameter is missing", 400),
            ApiErrorCode("Throttling", "too many requests: lower --qps", 400, retryable=True),
            ApiErrorCode("SignatureNonceUsed", "a SignatureNonce was used twice", 400),
            ApiErrorCode(
                "InvalidTimeStamp.Expired", "the request timestamp is stale: check the clock", 400
            ),
            ApiErrorCode("isv.INVALID_PARAMETERS", "a parameter is out of range or malformed", 200),
            ApiErrorCode(
                "isv.MOBILE_NUMBER_ILLEGAL", "CalledNumber must be a mainland China number", 200
            ),
            ApiErrorCode(
                "isv.DISPLAY_NUMBER_ILLEGAL", "CalledShowNumber must be a number you bought", 200
            ),
            ApiErrorCode("isv.VOICE_FILE_ILLEGAL", "VoiceCode names no approved voice file", 200),
            ApiErrorCode("isv.TTS_TEMPLATE_ILLEGAL", "the TTS template is not approved", 200),
            ApiErrorCode("isv.OUT_OF_SERVICE", "the account is out of service (balance?)", 200),
            ApiErrorCode(
                "isv.PRODUCT_UN_SUBSCRIPT", "SmartCall is not enabled for this account", 200
            ),
            ApiErrorCode("isv.BUSINESS_LIMIT_CONTROL", "business flow control triggered", 200),
            ApiErrorCode("isv.VOICE_ROBOT_CALLEE_LIMIT", "this callee was called too often", 200),
            ApiErrorCode("isp.RAM_PERMISSION_DENY", "the RAM user lacks dyvms:SmartCall", 200),
            ApiErrorCode("isp.SYSTEM_ERROR", "platform error: retry later", 500, retryable=True),
            # Gateway codes of the RPC API, outside the seeds (public vendor error-code pages):
            ApiErrorCode(
                "InvalidAction.NotFound", "the API name is wrong: SmartCall is the action", 404
            ),
            ApiErrorCode("InvalidVersion", f"the API version must be {SMARTCALL_API_VERSION}", 400),
            ApiErrorCode(
                "IncompleteSignature", "the request is not signed the way the platform expects", 400
            ),
            ApiErrorCode(
                "InvalidTimeStamp.Format", "the timestamp must look like 2024-05-01T08:00:00Z", 400
            ),
            ApiErrorCode(
                "MissingSecurityToken", "STS credentials need their token (--security-token)", 400
            ),
            ApiErrorCode(
                "InvalidSecurityToken.Malformed", "the STS token is not the one issued", 400
            ),
            ApiErrorCode(
                "InvalidSecurityToken.Expired", "the STS token has expired: get a new one", 400
            ),
            # vcall's emulator's own: a request body too large to be SmartCall parameters
            ApiErrorCode("vcall.REQUEST_TOO_LARGE", "the request body is far too large", 413),
        )
    }
)

SMARTCALL_REQUEST_TIME_TOLERANCE_S = 15 * 60
"""Outside the seeds (RPC signature docs): a request's ``Timestamp`` (V1) or ``x-acs-date`` (V3)
more than 15 minutes from the platform's clock is ``InvalidTimeStamp.Expired``; a
``SignatureNonce`` may not be used again within that time (``SignatureNonceUsed``)."""

# --- credentials (outside the seeds: official CLI and SDKs) ------------------------------------

ENV_ACCESS_KEY_ID = "ALIBABA_CLOUD_ACCESS_KEY_ID"
ENV_ACCESS_KEY_SECRET = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
ENV_SECURITY_TOKEN = "ALIBABA_CLOUD_SECURITY_TOKEN"
ENV_PROFILE = "ALIBABA_CLOUD_PROFILE"
PROFILE_FILE = "~/.aliyun/config.json"

# --- platform behaviour the simulator models (SPEC-NOTES §6) -----------------------------------


@dataclass(frozen=True, slots=True)
class PlatformDefaults:
    """Values the simulator assumes where the platform's are undocumented (vcall's choices)."""

    file_duration_ms: int = 3000
    """Duration of a media file absent from the fixture's media table."""
    tts_ms_per_char: int = 250
    """Estimated TTS speaking rate: about four Chinese characters per second."""
    caller_ms_per_char: int = 220
    """Estimated caller speaking rate for a ``say`` step without a duration."""
    dtmf_key_gap_ms: int = 300
    """Gap between two keys of a ``press`` step."""
    session_timeout_s: int = SESSION_TIMEOUT_RANGE.high or 3600
    """No session_timeout given: the platform's maximum."""
    mute_time_ms: int = MUTE_TIME_RANGE.fallback or 10000
    pause_time_ms: int = PAUSE_TIME_RANGE.fallback or 800
    dtmf_nonin_overtime_s: int = 3
    extra: Mapping[str, str] = field(default_factory=dict)


PLATFORM_DEFAULTS = PlatformDefaults()
MAX_RESPONSE_BYTES = 1024 * 1024
"""vcall's own limit on a response body (1 MiB): larger is a finding."""
MAX_JSON_DEPTH = 32
"""vcall's own limit on JSON nesting in a response body (a valid response nests 3 deep)."""

ACTION_FIELDS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "number": frozenset({"transfer", "parallel_transfer"}),
        "dtmf_nonin_overtime": frozenset({"dtmf"}),
        "dtmf_max_numbers": frozenset({"dtmf"}),
        "dtmf_end_character": frozenset({"dtmf"}),
        "transfer_playfile": frozenset({"parallel_transfer", "parallel_bridge"}),
        "is_monitor": frozenset({"parallel_transfer", "parallel_bridge"}),
        "cc_name": frozenset({"parallel_transfer", "parallel_bridge"}),
    }
)
"""Response fields that take effect only with these actions (seed 001: ``number`` "valid when
action is transfer", ``dtmf_*`` "specific to the dtmf command", ``transfer_playfile``,
``is_monitor`` and ``cc_name`` "after a parallel transfer succeeds")."""

SMARTCALL_COMMON_PARAMS = frozenset(
    {
        "Action",
        "Version",
        "Format",
        "RegionId",
        "AccessKeyId",
        "SecurityToken",
        "SignatureMethod",
        "SignatureVersion",
        "SignatureNonce",
        "Signature",
        "Timestamp",
    }
)
"""RPC parameters every SmartCall request carries besides its own (seed 003 lists ``Action``; the
signature ones per SPEC-NOTES §5, V1 signing): not SmartCall parameters, never "unknown"."""
