"""The SmartCall API emulator: an ASGI app that answers SmartCall as the platform does (signature,
timestamp, nonce, QPS and parameter checks, the real error codes) and plays each accepted call
against a callback endpoint with the platform model, as ``vcall simulate`` does."""

from __future__ import annotations

from vcall.simulator.emulator.answers import ApiAnswer
from vcall.simulator.emulator.app import EmulatorConfig, SmartCallEmulator
from vcall.simulator.emulator.callee import build_call_scenario, polite_callee_steps
from vcall.simulator.emulator.events import (
    ApiRequestHandled,
    EmulatorEvent,
    EmulatorProblem,
    EmulatorSink,
)
from vcall.simulator.emulator.limits import MemoryNonceStore, NonceStore, QpsWindow

__all__ = [
    "ApiAnswer",
    "ApiRequestHandled",
    "EmulatorConfig",
    "EmulatorEvent",
    "EmulatorProblem",
    "EmulatorSink",
    "MemoryNonceStore",
    "NonceStore",
    "QpsWindow",
    "SmartCallEmulator",
    "build_call_scenario",
    "polite_callee_steps",
]
