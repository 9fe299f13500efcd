"""Tiny bots for the speech tests: ``data`` (without ``call_id``) from a function of the callback."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "explore"))
from menu_bot import bot_from as json_bot

__all__ = ["json_bot"]
