"""``vcall tap``: a relay between the platform and a bot that checks every real answer as it
passes and turns each real call into a replayable fixture.

The app is :class:`vcall.simulator.tap.app.TapApp` (imported from its module, so that ``vcall``
starts without loading it).
"""

from vcall.simulator.tap.config import TapConfig
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

__all__ = [
    "BoundReached",
    "CallClosed",
    "CallbackRelayed",
    "MalformedRequest",
    "RequestRefused",
    "TapConfig",
    "TapEvent",
    "TapProblem",
    "TapSink",
    "event_record",
    "fan_out",
    "json_line",
    "request_reopen",
]
