"""The platform specification as data: the single source of every number and name vcall checks.

Sources are the vendor's public reference pages (cited by title and doc id in every entry) and
vcall's reading of them in docs/platform.md, which also holds the evidence from real traffic (a
request captured from the live platform, docs/platform.md "The vendor pages"). A fact on no vendor
page cites docs/platform.md or the vendor page it comes from (``SOURCES``). Where the pages
contradict each other or real traffic, the entry's ``note`` says which reading vcall takes, and
``READINGS`` lists them all (MuteTime, timebreak, begin_time, record_begin_time,
parallel_transfer, ...). An out-of-range value is judged once, by ``range_outcome``: the
validator's finding and the model's note say the same words and the model uses the value they
name. No other module re-types a number held here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

# --- the vendor pages (docs/platform.md, "The vendor pages") --------------------------------------

SEED_CALLBACK_OVERVIEW = "智能语音交互呼入回调HTTP接口 (concept_261502)"
"""Inbound callback overview: protocol, the first (callin) request and its response fields."""
SEED_FOLLOWUP = "智能语音交互呼入回调HTTP接口, 后续呼入 (the follow-up page)"
"""Follow-up callbacks (normal, mute, timebreak, dtmf): content per type, actions, fields."""
SEED_SMARTCALL = "SmartCall - 发起智能语音交互通话 (API Dyvmsapi SmartCall)"
"""SmartCall API, newest page: parameters, ranges, QPS, forbidden characters, response."""
SEED_SMARTCALL_OLD = "SmartCall (doc_api_Dyvmsapi_SmartCall)"
"""SmartCall API, older page: same API, the TTS voice list, request examples."""
SEED_CALLIN = "首次呼入回调 (concept_265210)"
"""The first inbound callback (callin) alone: request, response, fields."""
SPEC_NOTES = "vcall docs/platform.md"
"""vcall's reading of the vendor pages (choices, not facts, where the pages are silent or
contradict), and the evidence from real traffic (a capture from the live platform)."""
VENDOR_OUTBOUND_CALLBACK = "智能外呼回调HTTP接口 (vendor doc 112703)"
"""The vendor's outbound callback page (智能语音交互呼出回调HTTP接口; doc 69115 in 2019): lists
``content_type`` ``parallel_transfer`` (并行转接状态) with ``transfer_status``, ``fail_cause``,
``is_monitor``, ``cc_name``, and says not to answer ``parallel_bridge`` when the request's
``is_monitor`` is true. Not among the pages vcall keeps a copy of."""
VENDOR_CCO_CALLBACK = "CCO outbound callback page (vendor doc 182025)"
"""The vendor's CCO outbound callback page: ``begin_time`` in ms for outbound calls."""

SEEDS: Mapping[str, str] = MappingProxyType(
    {
        SEED_CALLBACK_OVERVIEW: "inbound callback overview and callin",
        SEED_FOLLOWUP: "follow-up callbacks and their responses",
        SEED_SMARTCALL: "SmartCall API (newest page)",
        SEED_SMARTCALL_OLD: "SmartCall API (older page, voice list)",
        SEED_CALLIN: "first inbound callback (callin)",
    }
)
SOURCES: Mapping[str, str] = MappingProxyType(
    {
        **SEEDS,
        SPEC_NOTES: "vcall's reading of the vendor pages, and the real-traffic evidence",
        VENDOR_OUTBOUND_CALLBACK: "outbound callback page (parallel_transfer, begin_time in ms)",
        VENDOR_CCO_CALLBACK: "CCO outbound callback page (begin_time in ms)",
    }
)
"""Everything a rule or a spec entry may cite: the vendor pages, vcall's reading (docs/platform.md),
and the vendor pages cited where a fact is on none of the others."""


LENIENT_INTEGER_TEXT = re.compile(r"[+-]?\d{1,12}(?:\.0*)?")
"""A numeric string read as an integer (``"5000"``, ``"5000.0"``), surrounding blanks stripped:
accepted with a warning by the validator, read the same way by the model (docs/platform.md §3)."""
LENIENT_BOOLEAN_TEXTS: Mapping[str, bool] = MappingProxyType(
    {"true": True, "false": False, "1": True, "0": False}
)
"""Strings read as booleans, in any case (``"True"`` is what the official SDK sends)."""


class ValueType(StrEnum):
    """How a value is typed on the wire. Lenient forms are accepted with a warning."""

    STRING = "string"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    JSON_OBJECT = "json-object"
    """A JSON object, usually sent as a JSON string that holds an object."""
    OBJECT = "object"


# --- delivery of a callback (docs/platform.md §1) -------------------------------------------------


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
"""The platform's call id shape, e.g. ``100001616500^100001871490`` (the callback page examples)."""

# --- callback kinds and their content (docs/platform.md §2) ---------------------------------------


class CallbackKind(StrEnum):
    CALLIN = "callin"
    NORMAL = "normal"
    MUTE = "mute"
    DTMF = "dtmf"
    TIMEBREAK = "timebreak"
    PARALLEL_TRANSFER = "parallel_transfer"
    """The outcome of a parallel transfer (vendor doc 112703; not on the callback or SmartCall pages)."""


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
DEFAULT_PARTNER_ID = "100000012345001"
"""``partnerId`` of a ``callin`` when the fixture gives none: a made-up id of the shape real
traffic shows (15 digits), not the captured account's."""


class BeginTime(StrEnum):
    """How ``begin_time`` (the call start) is written in ``normal`` content."""

    SECONDS = "seconds"
    """Unix seconds, a 10-digit string: what real inbound traffic shows (docs/platform.md §2)."""
    MS = "ms"
    """Unix ms, a 13-digit string: the newer outbound pages (vendor docs 112703, 182025)."""
    DATETIME = "datetime"
    """``2017-06-01 10:00:00`` in China Standard Time: the vendor pages' example."""


BEGIN_TIME_DEFAULTS = MappingProxyType({"inbound": BeginTime.SECONDS, "outbound": BeginTime.MS})
"""``begin_time`` by call direction unless a fixture or ``--begin-time`` says otherwise."""

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
                    note="A dials B, forwarded to service number C: caller=A, callee=C, "
                    "orgcallee=B; absent when the call was not forwarded (real traffic)",
                ),
                _content(
                    "partnerId",
                    _S,
                    False,
                    "the account's partner id, undocumented",
                    SPEC_NOTES,
                    example=DEFAULT_PARTNER_ID,
                    note="on no vendor page: real traffic carries it (a 15-digit string, docs/platform.md §2); "
                    "vcall sends it so a bot that rejects unknown fields fails here",
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
                    example="1659885710",
                    note="the table says seconds, the page's example is 2017-06-01 10:00:00, real "
                    "traffic sends Unix seconds as a 10-digit string (docs/platform.md §2) and the newer "
                    "outbound pages say ms (vendor docs 112703, 182025): vcall sends seconds "
                    "inbound, ms outbound, and lets a fixture or --begin-time choose (BeginTime)",
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
                    _S,
                    False,
                    "recording start",
                    SEED_FOLLOWUP,
                    unit="unix-ms",
                    note="typed Long in the table; real traffic sends a string (docs/platform.md §2), "
                    "as every other content value",
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
        CallbackKind.PARALLEL_TRANSFER: CallbackKindSpec(
            CallbackKind.PARALLEL_TRANSFER,
            "the outcome of a parallel transfer the endpoint asked for",
            (
                _DYNAMIC_ID_CONTENT,
                _content(
                    "transfer_status",
                    _S,
                    False,
                    "success or fail",
                    VENDOR_OUTBOUND_CALLBACK,
                    example="success",
                ),
                _content(
                    "fail_cause",
                    _S,
                    False,
                    "why the transfer failed",
                    VENDOR_OUTBOUND_CALLBACK,
                    example="transfer fail.",
                ),
                _content(
                    "is_monitor",
                    _S,
                    False,
                    "whether the call centre monitors after the transfer",
                    VENDOR_OUTBOUND_CALLBACK,
                    example="true",
                    note="typed Boolean on the page; vcall sends a string, as every content value",
                ),
                _content(
                    "cc_name",
                    _S,
                    False,
                    "the call centre's name",
                    VENDOR_OUTBOUND_CALLBACK,
                    example="aliyun_cc",
                ),
            ),
            VENDOR_OUTBOUND_CALLBACK,
        ),
    }
)


class TransferPhase(StrEnum):
    """Where the call's parallel transfer stands when a callback is sent: what a
    ``parallel_bridge`` answer could bridge (READINGS['parallel_bridge'])."""

    NONE = "none"
    """No ``parallel_transfer`` was answered in this call: nothing to bridge."""
    PENDING = "pending"
    """A ``parallel_transfer`` was answered; its outcome is not reported yet."""
    SUCCESS = "success"
    """The last ``parallel_transfer`` callback said ``transfer_status: success``."""
    FAIL = "fail"
    """The last ``parallel_transfer`` callback said ``transfer_status: fail``: nothing to bridge."""


NOTHING_TO_BRIDGE = frozenset({TransferPhase.NONE, TransferPhase.FAIL})
"""Phases in which ``parallel_bridge`` has no agent to bridge the caller to."""
TRANSFER_SUCCESS = "success"
TRANSFER_FAIL = "fail"
TRANSFER_STATUSES = (TRANSFER_SUCCESS, TRANSFER_FAIL)
"""``transfer_status`` values of a ``parallel_transfer`` callback (vendor doc 112703)."""
DEFAULT_TRANSFER_FAIL_CAUSE = "transfer fail."
"""The page's example ``fail_cause``."""
DTMF_NO_INPUT = "noInputTimeout"
"""``dtmf_digits`` value when no key came in time (the follow-up page)."""
EARLY_MEDIA_CODE = "early_media"
"""``current_media_code`` value marking an early-media message (the follow-up page)."""
CALLER_ROLE = "B"
"""``role`` of the caller in a normal callback (the follow-up page example)."""

# --- response stages and actions (docs/platform.md §3) --------------------------------------------


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
    """Fields of which at least one should be set (a warning when none is): each one alone
    makes the action complete."""
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
                "answer and play the opening action_code (optional: without one, nothing plays "
                "until the caller speaks)",
                SEED_CALLIN,
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
                recommends=("dtmf_max_numbers", "dtmf_end_character"),
                plays=True,
            ),
            ActionSpec(
                "parallel_transfer",
                _FOLLOWUP_ONLY,
                "parallel transfer to a call centre; a parallel_transfer callback reports the "
                "outcome (vendor doc 112703) and the call goes on with the bot meanwhile",
                SEED_FOLLOWUP,
                plays=True,
            ),
            ActionSpec(
                "parallel_bridge",
                _FOLLOWUP_ONLY,
                "bridge the caller to the agent of a parallel transfer; the bot's part ends "
                "(with no transfer to bridge, or after a failed one, nothing happens: "
                "READINGS['parallel_bridge'])",
                SEED_FOLLOWUP,
            ),
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
"""Actions for which an empty ``action_code`` is sensible (docs/platform.md §3: warn, don't fail)."""

# --- response envelope and fields (docs/platform.md §3) -------------------------------------------


class ResultValue(StrEnum):
    SUCCESS = "success"
    FAIL = "fail"


ENVELOPE_REQUIRED = ("result", "msg", "data")
ENVELOPE_TOLERATED = frozenset({"code"})
"""Top-level keys some vendor examples add (``"code": 200``): accepted without a warning."""


class OutOfRange(StrEnum):
    """What the platform does with a value outside its range."""

    FALLBACK = "fallback"
    """It silently uses the range's ``fallback`` (documented, or assumed where the note says so)."""
    CAP = "cap"
    """It uses the range's upper bound (``session_timeout``: "通话时长最长 3600 秒")."""
    IGNORED = "ignored"
    """Undocumented: vcall's model ignores the value (as if it were absent)."""


@dataclass(frozen=True, slots=True)
class RangeOutcome:
    """A value outside its range and what the platform then does: the ONE text the validator's
    finding and the model's note both say, and the value the model then uses."""

    how: OutOfRange
    used: int | None
    """The value in effect instead; ``None`` when the value is ignored (the default applies)."""
    message: str


@dataclass(frozen=True, slots=True)
class ValueRange:
    """An inclusive range and the platform's behaviour outside it.

    ``fallback`` is what the platform silently uses outside it; ``cap_high``: above ``high`` the
    platform uses ``high``; neither: undocumented, vcall's model ignores the value.
    """

    low: int | None
    high: int | None
    fallback: int | None = None
    fallback_note: str = ""
    cap_high: bool = False

    def contains(self, value: int) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)

    def describe(self) -> str:
        if self.low is not None and self.high is not None:
            return f"{self.low}–{self.high}"
        if self.low is not None:
            return f"≥ {self.low}"
        return f"≤ {self.high}"

    def outcome(self, name: str, value: int, unit: str = "") -> RangeOutcome | None:
        """``None`` inside the range; else what the platform does, said once for validator and
        model alike (``mute_time 50 is outside 1000–20000: the platform uses 10000``)."""
        if self.contains(value):
            return None
        if self.cap_high and self.high is not None and value > self.high:
            longest = f"{self.high} {unit}".strip()
            message = (
                f"{name} {value} is over {longest}, the maximum: the platform caps it at "
                f"{self.high}"
            )
            return RangeOutcome(OutOfRange.CAP, self.high, message)
        if self.fallback is not None:
            note = f" ({self.fallback_note})" if self.fallback_note else ""
            message = (
                f"{name} {value} is outside {self.describe()}: the platform uses "
                f"{self.fallback}{note}"
            )
            return RangeOutcome(OutOfRange.FALLBACK, self.fallback, message)
        message = (
            f"{name} {value} is outside {self.describe()}: what the platform does is not "
            "documented; vcall's model ignores the value"
        )
        return RangeOutcome(OutOfRange.IGNORED, None, message)


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
    """Whether docs/platform.md §4's forbidden characters apply to this value."""
    first_setting_only: bool = False
    """Only the first setting in a call counts (later ones are ignored by the platform)."""
    seed_string: bool = False
    """A number the page's table types String (``"120"``): a numeric string is what the page
    asks for, so it is read without a warning (a plain number is fine too)."""
    note: str = ""


def _field(
    name: str, kind: ValueType, description: str, seed: str, **extra: object
) -> ResponseField:
    return ResponseField(name, kind, description, seed, **extra)  # type: ignore[arg-type]


_I, _B = ValueType.INTEGER, ValueType.BOOLEAN
MUTE_TIME_RANGE = ValueRange(1000, 20000, fallback=10000)
"""The follow-up page: "取值范围为1000~20000，超过这个范围默认10000"; the SmartCall page the same for MuteTime."""
PAUSE_TIME_RANGE = ValueRange(300, 1200, fallback=800)
"""The SmartCall page: PauseTime 300~1200, "如果指定值不在参数范围中，则该参数默认取值为 800"."""
SESSION_TIMEOUT_RANGE = ValueRange(
    1,
    3600,
    fallback=3600,
    fallback_note="assumed: no positive limit means the longest call",
    cap_high=True,
)
"""The SmartCall page: "通话时长最长 3600 秒": a longer one is capped; 0 or less is vcall's assumption."""
DTMF_MAX_NUMBERS_RANGE = ValueRange(1, 50)
"""The follow-up page: 1~50, nothing said about other values: the model ignores them (no digit limit)."""
DTMF_NONIN_OVERTIME_RANGE = ValueRange(
    3, 60, fallback=3, fallback_note="assumed: the follow-up page gives only the default"
)
SMARTCALL_TIME_BREAK_RANGE = ValueRange(
    1,
    None,
    fallback=0,
    fallback_note="off: the SmartCall page says 不设置或者为 0，不生效; the older SmartCall page requires > 0",
)
"""SmartCall's ``ActionCodeTimeBreak`` keeps the older SmartCall page's "取值必须大于0" as its range; outside it the
opening has no time break (the SmartCall page), so a warning, not an error."""
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
        "xiaoyan": "小燕: the callback and callin pages' own example and the older SmartCall page's stated default "
        "(默认为xiaoyan), though not in the older SmartCall page's list",
    }
)
"""The voices the vendor documents: the older SmartCall page's list, and ``xiaoyan``, which the callback and callin pages use in
their example and the older SmartCall page names as the default. The SmartCall page points to a longer list elsewhere:
unknown → warning."""
DEFAULT_TTS_VOICE = "xiaoyun"
"""The SmartCall page says xiaoyun; the older SmartCall page says xiaoyan, which is not in its own list."""

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
                note="typed Integer in the callback page, String in the follow-up page, example is a JSON object",
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
                note="the follow-up page: 取值大于0时生效; the SmartCall page: 不设置或者为 0，不生效: 0 or less is off, "
                "not invalid",
            ),
            _field(
                "mute_time",
                _I,
                "silence this long after playback produces a mute callback",
                SEED_FOLLOWUP,
                unit="ms",
                range=MUTE_TIME_RANGE,
                default=MUTE_TIME_RANGE.fallback,
                note="the SmartCall page words MuteTime as silence before the call ends; the follow-up page sends a "
                "mute callback: vcall follows the follow-up page (READINGS['mute_time'])",
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
                note="range and fallback from the SmartCall page; only the first setting counts",
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
                range=DTMF_NONIN_OVERTIME_RANGE,
                default=3,
            ),
            _field(
                "dtmf_max_numbers",
                _I,
                "maximum number of digits collected",
                SEED_FOLLOWUP,
                range=DTMF_MAX_NUMBERS_RANGE,
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
            _field(
                "cc_name",
                _S,
                "call centre name for a parallel transfer",
                SEED_FOLLOWUP,
                forbidden_chars=True,
                note="echoed in the parallel_transfer callback (vendor doc 112703): ECHOED_FIELDS",
            ),
            _field(
                "session_timeout",
                _I,
                "maximum call duration",
                SEED_CALLIN,
                stages=_CALLIN_ONLY,
                unit="s",
                range=SESSION_TIMEOUT_RANGE,
                seed_string=True,
                note="typed String in the table, a number in the example; at most 3600 s per the "
                "SmartCall page (a longer one is capped)",
            ),
            _field("asr_model_id", _S, "custom ASR model id", SEED_CALLIN, stages=_CALLIN_ONLY),
            _field(
                "asr_base_id",
                _S,
                "ASR base model",
                SEED_CALLIN,
                stages=_CALLIN_ONLY,
                default=DEFAULT_ASR_BASE_MODEL,
                note="the callin table lists no allowed values (its example is 11323223q23e34): "
                "a value outside SmartCall's list (ASR_BASE_MODELS) is a warning",
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
                seed_string=True,
            ),
            _field(
                "tts_speed",
                _I,
                "TTS speed",
                SEED_CALLIN,
                stages=_CALLIN_ONLY,
                range=TTS_SPEED_RANGE,
                seed_string=True,
            ),
            _field(
                "extend",
                _S,
                "appears in the follow-up page's response example only; undocumented",
                SEED_FOLLOWUP,
            ),
        )
    }
)
TTS_CONF_FIELDS = ("tts_style", "tts_volume", "tts_speed")
"""Fields that should accompany ``tts_conf: true`` (the callback and callin pages)."""
TTS_VARIABLE_PATTERN = re.compile(r"\$([^$,]+)\$")
"""A TTS variable inside ``action_code`` / ``VoiceCode``: ``$name$``."""
PLAY_CODE_SEPARATOR = ","
"""What separates the items of ``action_code`` / ``VoiceCode``: the English comma only (the follow-up page:
多个文件使用英文逗号(,)分隔; the SmartCall page: 之间用英文逗号(,)分隔)."""
LOOKALIKE_SEPARATORS: Mapping[str, str] = MappingProxyType({"\uff0c": "a full-width comma"})
"""Characters an input method types for ``,`` (``，``, U+FF0C): not separators. The platform looks
for one file whose name holds them (docs/platform.md §7), and the model plays such an item as one file
of that whole name (READINGS['separators'])."""

# --- forbidden characters (docs/platform.md §4) ---------------------------------------------------

FORBIDDEN_CHARACTERS = frozenset('@=:"${}^*¥')
"""The SmartCall page: these must not appear in SmartCall callbacks."""
FORBIDDEN_CHARACTERS_SEED = SEED_SMARTCALL


ECHOED_FIELDS: Mapping[str, frozenset[CallbackKind]] = MappingProxyType(
    {
        "dynamic_id": frozenset(CallbackKind) - {CallbackKind.CALLIN},
        "cc_name": frozenset({CallbackKind.PARALLEL_TRANSFER}),
        "is_monitor": frozenset({CallbackKind.PARALLEL_TRANSFER}),
    }
)
"""Answer fields whose value the platform writes back, whole and under the same name, into the
content of later callbacks of these kinds: ``dynamic_id`` (the follow-up page: 在下次回调地址中带回) and a
parallel transfer's ``cc_name`` and ``is_monitor`` (the ``parallel_transfer`` callback, vendor
doc 112703). The model echoes exactly these; the validator grades the string ones under the
SmartCall page's forbidden characters as errors (docs/platform.md §7: echoed values alike)."""


def echoed_into(kind: CallbackKind) -> tuple[str, ...]:
    """The answer fields the platform echoes into a callback of ``kind``."""
    return tuple(name for name, kinds in ECHOED_FIELDS.items() if kind in kinds)


class ForbiddenGrade(StrEnum):
    """How surely the SmartCall page's forbidden-character rule bites a value (docs/platform.md §4, a choice)."""

    ECHOED = "echoed"
    """The value comes back inside a later callback's content: an error."""
    DOUBTFUL = "doubtful"
    """It may reach a callback or a template: a warning that names the doubt."""


def _echo_doubt(kinds: frozenset[CallbackKind]) -> str:
    if len(kinds) == 1:
        return f"it comes back in the {next(iter(kinds))} callback's content"
    return "it comes back in the next callback's content"


FORBIDDEN_CHARACTER_GRADES: Mapping[str, tuple[ForbiddenGrade, str]] = MappingProxyType(
    {
        **{
            name: (ForbiddenGrade.ECHOED, _echo_doubt(kinds))
            for name, kinds in ECHOED_FIELDS.items()
            if RESPONSE_FIELDS[name].type is ValueType.STRING
        },
        "DynamicId": (ForbiddenGrade.ECHOED, "it comes back in every callback's content"),
        "action_code": (
            ForbiddenGrade.DOUBTFUL,
            "a file name comes back as current_media_code; whether the platform refuses the "
            "file is not documented",
        ),
        "VoiceCode": (
            ForbiddenGrade.DOUBTFUL,
            "a file name comes back as current_media_code; whether the platform refuses the "
            "file is not documented",
        ),
        "action_code_param": (
            ForbiddenGrade.DOUBTFUL,
            "a TTS value is spoken, not echoed back, but the platform may template it",
        ),
        "VoiceCodeParam": (
            ForbiddenGrade.DOUBTFUL,
            "a TTS value is spoken, not echoed back, but the platform may template it",
        ),
        "OutId": (
            ForbiddenGrade.DOUBTFUL,
            "it is returned in receipts, not in callbacks",
        ),
    }
)
"""Where the SmartCall page's characters are checked, how surely, and the doubt a warning names (every
string in ``ECHOED_FIELDS`` is an error, as ``DynamicId``). Never for
``call_id``, the JSON syntax, ``$name$`` variables or URL syntax (scheme ``://``, ``user@``,
``host:port``, the query string of a network file, which the SmartCall page explicitly allows)."""

# --- phone numbers ------------------------------------------------------------------------------

MAINLAND_NUMBER_PATTERN = re.compile(
    r"^(?:\+?86)?(?:1[3-9]\d{9}|0\d{2,3}\d{7,8}|[48]00\d{7}|95\d{3,6})$"
)
"""Mainland China: mobile 1[3-9]xxxxxxxxx, landline 0 + area + 7–8 digits, 400/800, 95xxx."""
PLAUSIBLE_NUMBER_PATTERN = re.compile(r"^\+?\d{3,20}$")
"""Any dialable number: digits, an optional leading +."""

# --- SmartCall (docs/platform.md §5) --------------------------------------------------------------

SMARTCALL_ENDPOINT = "dyvmsapi.aliyuncs.com"
SMARTCALL_API_VERSION = "2017-05-25"
SMARTCALL_ACTION = "SmartCall"
SMARTCALL_PRODUCT = "dyvms"
SMARTCALL_QPS_LIMIT = 1000
"""Calls per second per user (the SmartCall page)."""


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
                "silence before a mute callback (the SmartCall page says before the call ends; vcall follows "
                "the follow-up page's mute callback)",
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
                "caller speech this long interrupts the opening; must be > 0 (the older SmartCall page), 0 or "
                "unset: off (the SmartCall page)",
                range=SMARTCALL_TIME_BREAK_RANGE,
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


RANGED: Mapping[str, tuple[ValueRange, str]] = MappingProxyType(
    {
        **{n: (f.range, f.unit) for n, f in RESPONSE_FIELDS.items() if f.range is not None},
        **{n: (p.range, p.unit) for n, p in SMARTCALL_PARAMS.items() if p.range is not None},
    }
)
"""Every ranged response field and SmartCall parameter, with its unit: the one source the
validator's range findings and the model's fallbacks both read (``ValueRange.outcome``)."""


def range_outcome(name: str, value: int) -> RangeOutcome | None:
    """What the platform does with ``value`` for the ranged field or parameter ``name``."""
    valid, unit = RANGED[name]
    return valid.outcome(name, value, unit)


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
            ApiErrorCode(
                "isp.SYSTEM_ERROR",
                "platform error: the call may have been placed; check before placing it again",
                500,
            ),
            # Gateway codes of the RPC API, outside the vendor pages above (public vendor error-code pages):
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
"""Outside the vendor pages above (RPC signature docs): a request's ``Timestamp`` (V1) or ``x-acs-date`` (V3)
more than 15 minutes from the platform's clock is ``InvalidTimeStamp.Expired``; a
``SignatureNonce`` may not be used again within that time (``SignatureNonceUsed``)."""

# --- credentials (outside the vendor pages above: official CLI and SDKs) --------------------------

ENV_ACCESS_KEY_ID = "ALIBABA_CLOUD_ACCESS_KEY_ID"
ENV_ACCESS_KEY_SECRET = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
ENV_SECURITY_TOKEN = "ALIBABA_CLOUD_SECURITY_TOKEN"
ENV_PROFILE = "ALIBABA_CLOUD_PROFILE"
PROFILE_FILE = "~/.aliyun/config.json"

# --- platform behaviour the simulator models (docs/platform.md §6) --------------------------------

READINGS: Mapping[str, str] = MappingProxyType(
    {
        "mute_time": "the SmartCall page words MuteTime as how long the caller is silent before the call "
        "ends (用户多久不说话通话结束); the follow-up page sends a mute callback after mute_time and lets "
        "the bot decide. vcall follows the follow-up page: a mute callback, and the call goes on until the "
        "bot hangs up or session_timeout.",
        "timebreak": "the SmartCall page (ActionCodeTimeBreak): the caller's continuous speech interrupts "
        "the current playback (用户持续说话可以打断当前播放); the follow-up page names the callback "
        "按时长打断消息. The model stops the playback when the timebreak fires; the bot's answer "
        "decides what comes next.",
        "begin_time": "the vendor pages' table says seconds and their example is a date-time; real "
        "traffic sends Unix seconds (inbound); vendor docs 112703/182025 say ms (outbound). "
        "Default: seconds inbound, ms outbound; a fixture (call.begin_time) or --begin-time "
        "chooses seconds, ms or datetime.",
        "record_begin_time": "typed Long in the follow-up page; real traffic sends a string, as every "
        "content value: vcall sends strings only.",
        "parallel_transfer": "the follow-up page lists the action only; the outbound callback page (vendor "
        "doc 112703, doc 69115 in 2019) lists a parallel_transfer callback with transfer_status. "
        "vcall sends it once the transfer's prompt has played; on success the caller is with the "
        "agent after the bot's answer (parallel_bridge bridges at once), on fail the call goes "
        "on with the bot.",
        "action_code_time_break": "the follow-up page: effective when > 0; the SmartCall page: unset or 0 is off. 0 "
        "or less is off in an answer; SmartCall's ActionCodeTimeBreak keeps the older SmartCall page's > 0 as "
        "its range (outside: a warning, the opening has no time break).",
        "answer": "the callin table marks action_code optional (可选): an answer without one "
        "plays nothing until the caller speaks (a warning).",
        "number": "the follow-up page: number is valid when the action is transfer; parallel_transfer "
        "does not need it.",
        "asr_base_id": "the callin table lists no allowed values; SmartCall's AsrBaseId lists "
        "two. Outside those two: a warning in an answer, an error for AsrBaseId.",
        "separators": "items of action_code / VoiceCode are separated by the English comma only "
        "(the follow-up page: 多个文件使用英文逗号(,)分隔; the SmartCall page: 之间用英文逗号(,)分隔). A full-width ， is "
        "not a separator: where the pieces it joins are files, ids, URLs or $name$ (a list was "
        "meant), the platform looks for one file of the whole name (an error; a warning between "
        "$name$ variables only, whose text is spoken), and the model plays that item as one file "
        "of that name. Prose (您好，这里是…) is no list and is left alone.",
        "parallel_bridge": "the follow-up page lists it as 并行桥接命令; the vendor's pages describe bridging "
        "the callee with the agent a parallel transfer reached. With no parallel transfer in the "
        "call, or after a parallel_transfer callback with transfer_status fail, there is no agent "
        "to bridge: the validator flags it (an error), and the model does nothing (the call goes "
        "on with the bot, noted), since the platform cannot carry out the bridge and documents no "
        "other effect. While a transfer is pending, or after success, it bridges at once.",
        "result_fail": "a result: fail answer carries no action (the follow-up page's 调用失败 example has "
        "data: {}): the model acts on nothing in it, and leftover data fields are one warning "
        "(fail-data-ignored), never an error.",
        "http_status": "no vendor page names a status. 200 is what real receivers send; another 2xx "
        "with a valid body is a warning (how the platform treats it is undocumented; the model "
        "acts on the body), any other status an error (the model acts on nothing).",
        "content_type": "no vendor page names the answer's Content-Type: a non-JSON one is information "
        "(severity info), not a warning.",
        "tts_style": "xiaoyan is documented: the callback and callin pages use it in their example and the older SmartCall page "
        "says 默认为xiaoyan, though its list lacks it. SmartCall's default stays the SmartCall page's "
        "xiaoyun.",
    }
)
"""Where the vendor pages contradict each other or real traffic, and the reading vcall keeps."""


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
HTTP_STATUS_OK = 200
"""The status real receivers send. No seed names one (READINGS['http_status']): another 2xx is a
warning, anything else an error."""
MAX_RESPONSE_BYTES = 1024 * 1024
"""vcall's own limit on a response body (1 MiB): larger is a finding."""
MAX_JSON_DEPTH = 32
"""vcall's own limit on JSON nesting in a response body (a valid response nests 3 deep)."""

ACTION_FIELDS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "number": frozenset({"transfer"}),
        "dtmf_nonin_overtime": frozenset({"dtmf"}),
        "dtmf_max_numbers": frozenset({"dtmf"}),
        "dtmf_end_character": frozenset({"dtmf"}),
        "transfer_playfile": frozenset({"parallel_transfer", "parallel_bridge"}),
        "is_monitor": frozenset({"parallel_transfer", "parallel_bridge"}),
        "cc_name": frozenset({"parallel_transfer", "parallel_bridge"}),
    }
)
"""Response fields that take effect only with these actions (the follow-up page: ``number`` "转接手机号码，
action设为transfer时有效" -- transfer only, not parallel_transfer, ``dtmf_*`` "specific to the dtmf command", ``transfer_playfile``,
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
"""RPC parameters every SmartCall request carries besides its own (the older SmartCall page lists ``Action``; the
signature ones per docs/platform.md §5, V1 signing): not SmartCall parameters, never "unknown"."""
