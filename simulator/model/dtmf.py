"""Key collection after an action ``dtmf`` (docs/platform.md §6.4).

Collection starts with the action; keys pressed while its prompt plays count. It ends at
``dtmf_max_numbers`` digits (absent: no limit), at ``dtmf_end_character`` (absent or empty: none;
the end character is not part of the digits), or after ``dtmf_nonin_overtime`` seconds without
a key, counted from the end of the prompt and restarted by each key. On timeout the digits
collected so far are sent, or ``noInputTimeout`` when there are none.
"""

from __future__ import annotations

from dataclasses import dataclass

from vcall.simulator.model.types import DtmfInfo
from vcall.simulator.spec import DTMF_NO_INPUT


@dataclass(slots=True)
class DtmfCollection:
    max_numbers: int | None
    end_character: str
    timeout_s: int
    prompt_id: int | None
    """The prompt's playback id while it has not finished; ``None`` once it has (or without one)."""
    last_activity_ms: int
    digits: str = ""

    def deadline_ms(self) -> int | None:
        """When the no-input timeout fires; none while the prompt still plays."""
        if self.prompt_id is not None:
            return None
        return self.last_activity_ms + self.timeout_s * 1000

    def prompt_over(self, at_ms: int) -> None:
        self.prompt_id = None
        self.last_activity_ms = at_ms

    def press(self, key: str, at_ms: int) -> str | None:
        """Take one key; return the digits when this key completes the collection."""
        self.last_activity_ms = at_ms
        if self.end_character and key == self.end_character:
            return self.digits
        self.digits += key
        if self.max_numbers is not None and len(self.digits) >= self.max_numbers:
            return self.digits
        return None

    def timeout_digits(self) -> str:
        return self.digits or DTMF_NO_INPUT

    def info(self) -> DtmfInfo:
        return DtmfInfo(self.digits, self.max_numbers, self.end_character, self.timeout_s)
