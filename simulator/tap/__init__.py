"""``vcall tap``: a relay between the platform and a bot that checks every real answer as it
passes and turns each real call into a replayable fixture."""

from vcall.simulator.tap.app import TapApp
from vcall.simulator.tap.config import TapConfig
from vcall.simulator.tap.events import (
    CallbackRelayed,
    CallClosed,
    MalformedRequest,
    RequestRefused,
    TapEvent,
    TapProblem,
    TapSink,
)

__all__ = [
    "CallClosed",
    "CallbackRelayed",
    "MalformedRequest",
    "RequestRefused",
    "TapApp",
    "TapConfig",
    "TapEvent",
    "TapProblem",
    "TapSink",
]
