"""Starting and stopping the reference endpoint for the load benchmarks (loopback only)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ENDPOINT = Path(__file__).resolve().parent / "reference_endpoint.py"
START_TIMEOUT_S = 15.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_endpoint(port: int, flavour: str = "fast") -> Iterator[subprocess.Popen[bytes]]:
    """The reference endpoint on ``127.0.0.1:port`` while the block runs; stopped after it.

    ``flavour``: ``fast`` (uvicorn with uvloop and httptools) or ``plain`` (uvicorn's pure-Python
    h11 parser on asyncio's loop, as a bare ``pip install uvicorn`` runs it).
    """
    server = subprocess.Popen([sys.executable, str(ENDPOINT), str(port), flavour])
    try:
        _wait_until_listening(server, port)
        yield server
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_listening(server: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the reference endpoint exited with code {server.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the reference endpoint did not listen on port {port} in time")
