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
from vcall.simulator.emulator.local_keys import (
    SOURCE_LOCAL,
    make_local_credentials,
    write_credentials_env,
)
from vcall.simulator.emulator.serve import base_url, bind_socket, serve_app

__all__ = [
    "SOURCE_LOCAL",
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
    "base_url",
    "bind_socket",
    "build_call_scenario",
    "make_local_credentials",
    "polite_callee_steps",
    "serve_app",
    "write_credentials_env",
]
