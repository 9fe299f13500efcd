"""Bots written for the property tests: each a dialogue function, served as an ASGI app."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from vcall.simulator.spec import CallbackKind

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "explore"))
from menu_bot import bot_from as bot_from

Dialogue = Callable[[CallbackKind, Mapping[str, Any]], dict[str, Any]]
GREETING = {"action": "answer", "action_code": "welcome.wav", "dynamic_id": "start"}
GOODBYE = {"action": "hangup", "action_code": "bye.wav", "dynamic_id": "bye"}
TRANSFER = {"action": "transfer", "number": "10086", "dynamic_id": "agent"}


def play(code: str, state: str) -> dict[str, Any]:
    return {"action": "play", "action_code": code, "dynamic_id": state, "mute_time": 5000}


def words(content: Mapping[str, Any]) -> str:
    return str(content.get("words") or "")


def menu_bot(
    *,
    silence_forever: bool = False,
    repeat_forever: bool = False,
    stuck_balance: bool = False,
    agent_in_complaint: bool = True,
    complaint_hangs_up: bool = False,
    goodbye: bool = True,
) -> Dialogue:
    """A spoken menu that keeps every default property: 查话费 (a balance, then goodbye), 投诉
    (a complaint branch), 转人工 (an agent) and 再见 from anywhere. A silent caller or one not
    understood is asked once more (``menu_again``), then hung up on or handed to an agent; the
    complaint branch never hangs up (it hands the caller to an agent).
    Each flag plants one fault."""

    def dialogue(kind: CallbackKind, content: Mapping[str, Any]) -> dict[str, Any]:
        state = str(content.get("dynamic_id") or "")
        said = words(content)
        if kind is CallbackKind.CALLIN:
            return GREETING
        if state == "hold":
            return play("hold.wav", "hold")
        if kind is CallbackKind.MUTE:
            return _silent(state)
        if kind is not CallbackKind.NORMAL:
            return {"action": "continue", "dynamic_id": state}
        if "人工" in said and (agent_in_complaint or not state.startswith("complaint")):
            return TRANSFER
        if ("再见" in said or "没有了" in said) and goodbye:
            return TRANSFER if state.startswith("complaint") else GOODBYE
        if state == "balance":
            return play("hold.wav", "hold") if stuck_balance else GOODBYE
        if state.startswith("complaint"):
            return GOODBYE if complaint_hangs_up else play("menu_root.wav", "menu")
        if state == "start":
            return play("menu_root.wav", "menu")
        if "查话费" in said:
            return play("balance.wav", "balance")
        if "投诉" in said:
            return play("complaint_menu.wav", "complaint")
        if state == "menu_again" and not repeat_forever:
            return TRANSFER
        return play("menu_again.wav", "menu_again")

    def _silent(state: str) -> dict[str, Any]:
        if state == "complaint":
            return play("complaint_again.wav", "complaint_again")
        if state == "complaint_again":
            return TRANSFER
        if state in ("start", "menu"):
            return play("menu_again.wav", "menu_again")
        if state == "menu_again" and silence_forever:
            return play("menu_again.wav", "menu_again")
        return GOODBYE

    return dialogue
