"""What ``vcall tap`` decides: where callbacks go, what is kept, the limits."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vcall.simulator.errors import UsageError

DEFAULT_IDLE_S = 120.0
"""No callback for this long: the call is taken as over (the platform sends no hang-up callback;
``dtmf_nonin_overtime`` tops at 60 s and ``mute_time`` at 20 s, so a live call is rarely
quieter)."""
DEFAULT_MAX_BODY = 64 * 1024
"""A callback is a few hundred bytes; a request body over this is refused with 413."""
DEFAULT_MAX_OPEN_CALLS = 10_000
DEFAULT_TIMEOUT_S = 10.0


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

    def __post_init__(self) -> None:
        if self.idle_s <= 0:
            raise UsageError("--idle must be more than 0")
        if self.max_body < 1024:
            raise UsageError("--max-body must be at least 1 KiB")
        if self.max_open_calls < 1:
            raise UsageError("--max-calls-open must be at least 1")
        if self.save_dir is not None and not self.save_dir.is_dir():
            raise UsageError(f"--save {self.save_dir}: not a directory")
