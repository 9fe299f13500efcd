"""What ``vcall tap`` decides: where callbacks go, what is kept, the limits."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vcall.simulator.errors import UsageError
from vcall.simulator.properties import Property

DEFAULT_IDLE_S = 120.0
"""No callback for this long: the call is taken as over (the platform sends no hang-up callback;
``dtmf_nonin_overtime`` tops at 60 s and ``mute_time`` at 20 s, so a live call is rarely
quieter)."""
DEFAULT_MAX_BODY = 64 * 1024
"""A callback is a few hundred bytes; a request body over this is refused with 413."""
DEFAULT_MAX_OPEN_CALLS = 10_000
DEFAULT_TIMEOUT_S = 10.0
DEFAULT_MAX_CALL_BYTES = 1024 * 1024
"""What one call's recording keeps at most (callbacks and answers, in bytes received); past it
the call is still checked, but only its beginning is written (the fixture says so)."""
DEFAULT_MAX_OPEN_BYTES = 256 * 1024 * 1024
"""What the open calls' recordings hold together at most; past it the oldest call is closed
(and written) to make room."""
DEFAULT_SAVE_MAX_FILES = 10_000
DEFAULT_SAVE_MAX_BYTES = 1024 * 1024 * 1024
"""What ``--save`` writes in one run at most; later calls are checked, not written (said once)."""


@dataclass(frozen=True, slots=True)
class TapConfig:
    forward_to: str
    save_dir: Path | None = None
    idle_s: float = DEFAULT_IDLE_S
    keep_numbers: bool = False
    redact: tuple[str, ...] = ()
    log: Path | None = None
    """The raw exchange log (JSON lines), redacted like the fixtures; off by default."""
    report_json: Path | None = None
    """Findings as JSON lines, one per finding, as they happen."""
    max_body: int = DEFAULT_MAX_BODY
    max_open_calls: int = DEFAULT_MAX_OPEN_CALLS
    timeout_s: float = DEFAULT_TIMEOUT_S
    connections: int = 256
    max_call_bytes: int = DEFAULT_MAX_CALL_BYTES
    max_open_bytes: int = DEFAULT_MAX_OPEN_BYTES
    save_max_files: int = DEFAULT_SAVE_MAX_FILES
    save_max_bytes: int = DEFAULT_SAVE_MAX_BYTES
    properties: tuple[Property, ...] = ()
    """Dialogue properties checked on each call as it closes (``--properties``)."""

    def __post_init__(self) -> None:
        if self.idle_s <= 0:
            raise UsageError("--idle must be more than 0")
        if self.max_body < 1024:
            raise UsageError("--max-body must be at least 1 KiB")
        if self.max_open_calls < 1:
            raise UsageError("--max-calls-open must be at least 1")
        if self.save_max_files < 1 or self.save_max_bytes < 1:
            raise UsageError("--save-max-files and --save-max-bytes must be at least 1")
        if not 0 < self.max_call_bytes <= self.max_open_bytes:
            raise UsageError("a call's recording cap must be more than 0 and at most the total")
        if self.save_dir is not None and not self.save_dir.is_dir():
            raise UsageError(f"--save {self.save_dir}: not a directory")
