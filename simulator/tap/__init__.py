"""``vcall tap``: a relay between the platform and a bot that checks every real answer as it
passes and turns each real call into a replayable fixture.

The app is :class:`vcall.simulator.tap.app.TapApp` (imported from its module, so that ``vcall``
starts without loading it).
"""

from vcall.simulator.tap.app import TapApp
from vcall.simulator.tap.config import (
    DEFAULT_IDLE_S,
    DEFAULT_MAX_BODY,
    DEFAULT_MAX_OPEN_CALLS,
    DEFAULT_SAVE_MAX_BYTES,
    DEFAULT_SAVE_MAX_FILES,
    DEFAULT_TIMEOUT_S,
    TapConfig,
)
from vcall.simulator.tap.events import (
    BoundReached,
    CallbackRelayed,
    CallClosed,
    MalformedRequest,
    RequestRefused,
    TapEvent,
    TapProblem,
    TapSink,
    event_record,
    fan_out,
)
from vcall.simulator.tap.jsonl import json_line, request_reopen
from vcall.simulator.tap.metrics import TapMetrics, parse_metrics_address
from vcall.simulator.tap.notify import Notifier, NotifyConfig, NotifyFormat
from vcall.simulator.tap.observer import TapCounts
from vcall.simulator.tap.shadow import (
    CandidateError,
    Divergence,
    Shadow,
    ShadowConfig,
    ShadowCounts,
    ShadowEvent,
)

__all__ = [
    "DEFAULT_IDLE_S",
    "DEFAULT_MAX_BODY",
    "DEFAULT_MAX_OPEN_CALLS",
    "DEFAULT_SAVE_MAX_BYTES",
    "DEFAULT_SAVE_MAX_FILES",
    "DEFAULT_TIMEOUT_S",
    "BoundReached",
    "CallClosed",
    "CallbackRelayed",
    "CandidateError",
    "Divergence",
    "MalformedRequest",
    "Notifier",
    "NotifyConfig",
    "NotifyFormat",
    "RequestRefused",
    "Shadow",
    "ShadowConfig",
    "ShadowCounts",
    "ShadowEvent",
    "TapApp",
    "TapConfig",
    "TapCounts",
    "TapEvent",
    "TapMetrics",
    "TapProblem",
    "TapSink",
    "event_record",
    "fan_out",
    "json_line",
    "parse_metrics_address",
    "request_reopen",
]
