"""Public data of the platform model: callbacks, notes and state snapshots."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from json import encoder as json_encoder

from vcall.simulator.fixture import EndReason
from vcall.simulator.spec import CallbackKind, TransferPhase

ResponseData = Mapping[str, object]
"""The ``data`` object of an endpoint's answer, already parsed.

The engine sends ``None`` instead when the answer was unusable (transport error, ``result`` fail,
invalid JSON). That is vcall's choice: the platform is assumed to treat such an answer as
``donothing`` (for ``callin``: the call is not answered and ends as ``endpoint_failed``).
"""

CALLER_IDENTITY = "id2"
"""``identity`` of the caller in every ``normal`` callback: the follow-up page's example value."""

Content = Mapping[str, str | int]
_CONTENT_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)
"""``json.dumps`` with these options would build a new encoder for every callback (and a
content object, flat, cannot hold a cycle)."""


def _content_encoder() -> Callable[[dict[str, str | int]], str]:
    """``_CONTENT_ENCODER.encode`` without building json's C encoder afresh for every callback
    (``JSONEncoder.encode`` does); the same arguments ``iterencode`` passes it."""
    make = getattr(json_encoder, "c_make_encoder", None)
    if make is None:  # no C accelerator: json's own path
        return _CONTENT_ENCODER.encode
    try:
        chunks = make(
            None, _CONTENT_ENCODER.default, json_encoder.encode_basestring, None, ":", ",",
            False, False, True,
        )  # fmt: skip
    except TypeError:  # a Python whose C encoder takes other arguments
        return _CONTENT_ENCODER.encode
    return lambda content: "".join(chunks(content, 0))


_encode_content = _content_encoder()


@dataclass(frozen=True, slots=True)
class Callback:
    """One request the platform sends to the endpoint."""

    kind: CallbackKind
    call_id: str
    at_ms: int
    """Offset since call start."""
    timestamp_ms: int
    """Unix time in ms: ``start_epoch_ms + at_ms``."""
    content: Content
    """The content object: field names and types per ``spec.CALLBACK_KINDS``."""
    step_index: int | None
    """Index of the scenario step that produced it (``None`` for ``callin``)."""
    transfer_phase: TransferPhase | None = None
    """Where the call's parallel transfer stood when it was sent (what ``parallel_bridge`` could
    bridge); ``None`` when unknown (a callback vcall did not model, e.g. one tapped)."""

    def params(self) -> dict[str, str]:
        """The four request parameters, as the platform sends them (docs/platform.md §1)."""
        content = self.content  # a dict as the model builds it: encoded without a copy
        encoded = _encode_content(content if type(content) is dict else dict(content))
        return {
            "call_id": self.call_id,
            "timestamp": str(self.timestamp_ms),
            "content_type": str(self.kind),  # StrEnum: its value, without the slow descriptor
            "content": encoded,
        }


@dataclass(frozen=True, slots=True)
class ModelNote:
    """Something the model observed that the engine shows inline (a key ignored, a play queued)."""

    at_ms: int
    step_index: int | None
    message: str


@dataclass(frozen=True, slots=True)
class PlaybackInfo:
    """A playback as seen from outside: what it plays, when, and whether it can be interrupted."""

    codes: tuple[str, ...]
    current_code: str | None
    """The item playing at the snapshot's instant (``None`` for a queued playback)."""
    started_ms: int
    """When it started (queued: when it is expected to start)."""
    ends_ms: int
    breakable: bool
    time_break_ms: int


@dataclass(frozen=True, slots=True)
class DtmfInfo:
    """A pending key collection (after an action ``dtmf``)."""

    collected: str
    max_numbers: int | None
    end_character: str
    timeout_s: int


@dataclass(frozen=True, slots=True)
class CallState:
    """A frozen snapshot of the call."""

    now_ms: int
    answered: bool
    ended: bool
    end_reason: EndReason | None
    closing: EndReason | None
    """Set once the bot hung up or transferred while its last playback still plays."""
    playing: PlaybackInfo | None
    queued: tuple[PlaybackInfo, ...]
    pending_dtmf: DtmfInfo | None
    dynamic_id: str | None
    mute_time_ms: int
    pause_time_ms: int
    session_timeout_s: int
    recording: bool
    transfer_number: str | None
