"""Kill ``vcall smartcall --batch`` at random moments, resume it, and count dials: none twice.

A counting SmartCall API on 127.0.0.1 (a thread of this script) records every CalledNumber it is
asked to dial and answers OK after a random pause (so kills land while requests are in flight).
The batch runs as a subprocess and gets SIGKILL (or, ``--ctrl-c`` of the times besides, Ctrl-C)
after a random delay; then it is started again on the same files, and again, until it finishes on
its own; then a new batch begins. Prints kills, dials, duplicate dials and rows left unknown; the
last line is the figure::

    python benchmarks/batch_kill_resume.py --kills 200
    ...
    kills 200 + Ctrl-C 66 (131 while dialling) · dials 1502 · duplicates 0 · unknown 60

``--library`` runs the batch through the library (no CLI start-up) — what the test suite does
with fewer kills.
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

KEY_ID, SECRET = "LTAI5tKillHarness0001", "K1llH4rn3ss+S3cr3tValue"
LIBRARY_RUNNER = """
import sys
from pathlib import Path
from vcall.simulator.smartcall.batch import run_batch
from vcall.simulator.smartcall.client import SmartCallClient
from vcall.simulator.smartcall.credentials import Credentials
rows, result, endpoint = sys.argv[1:4]
with SmartCallClient(Credentials(sys.argv[4], sys.argv[5]), endpoint=endpoint, signature="v1") as c:
    run_batch(Path(rows), Path(result), c, qps=1000)
"""


@dataclass
class CountingApi:
    """Counts every SmartCall request by CalledNumber; answers OK after a random pause."""

    max_pause_s: float = 0.02
    dials: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length).decode("utf-8", "replace")
                params = dict(parse_qsl(urlsplit(self.path).query)) | dict(parse_qsl(body))
                with api.lock:
                    api.dials[params.get("CalledNumber", "?")] += 1
                time.sleep(random.uniform(0, api.max_pause_s))
                answer = {"Code": "OK", "Message": "OK", "RequestId": "R", "CallId": "C"}
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args: object) -> None:
                return

        return Handler


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client killed mid-answer (a broken pipe) is what this harness does on purpose."""


@dataclass
class Tally:
    kills: int = 0
    kills_while_dialling: int = 0
    """Kills (and Ctrl-Cs) of a process that had already dialled someone (the others hit its
    start-up)."""
    ctrl_cs: int = 0
    dials: int = 0
    duplicates: int = 0
    unknown: int = 0
    batches: int = 0


def batch_command(rows: Path, result: Path, endpoint: str, *, library: bool) -> list[str]:
    if library:
        return [
            sys.executable,
            "-c",
            LIBRARY_RUNNER,
            str(rows),
            str(result),
            endpoint,
            KEY_ID,
            SECRET,
        ]
    return [
        *(sys.executable, "-m", "vcall", "smartcall", "--batch", str(rows)),
        *("--result", str(result), "--endpoint", endpoint, "--qps", "1000"),
        *("--signature", "v1", "--access-key-id", KEY_ID, "--access-key-secret", SECRET),
    ]


def write_rows(path: Path, first: int, count: int) -> list[str]:
    numbers = [f"138{first + i:08d}" for i in range(count)]
    lines = ["CalledShowNumber,CalledNumber,VoiceCode"]
    lines += [f"057126880000,{n},welcome.wav" for n in numbers]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return numbers


def unknown_rows(result: Path) -> int:
    if not result.exists():
        return 0
    return result.read_text(encoding="utf-8").count("vcall.UNKNOWN")


def run(
    kills: int,
    *,
    rows_per_batch: int = 30,
    max_delay_s: float = 1.5,
    library: bool = False,
    seed: int | None = None,
    report: bool = True,
    ctrl_c_share: float = 0.0,
) -> Tally:
    """SIGKILL batches ``kills`` times at random moments (and, with ``ctrl_c_share``, press
    Ctrl-C that share of the times besides); the dials the API counted."""
    rng = random.Random(seed)
    api = CountingApi()
    server = QuietServer(("127.0.0.1", 0), api.handler())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{server.server_address[1]}"
    tally = Tally()
    try:
        with tempfile.TemporaryDirectory() as folder:
            while tally.kills < kills:
                _one_batch(
                    Path(folder),
                    tally,
                    api,
                    endpoint,
                    rng,
                    rows_per_batch,
                    max_delay_s,
                    library,
                    ctrl_c_share,
                )
                if report:
                    print(f"batch {tally.batches}: kills so far {tally.kills}", flush=True)
    finally:
        server.shutdown()
        server.server_close()
    tally.dials = sum(api.dials.values())
    tally.duplicates = sum(count - 1 for count in api.dials.values() if count > 1)
    return tally


def _one_batch(
    folder: Path,
    tally: Tally,
    api: CountingApi,
    endpoint: str,
    rng: random.Random,
    rows_per_batch: int,
    max_delay_s: float,
    library: bool,
    ctrl_c_share: float,
) -> None:
    tally.batches += 1
    rows = folder / f"batch{tally.batches}.csv"
    result = folder / f"batch{tally.batches}.result.csv"
    write_rows(rows, tally.batches * 1000, rows_per_batch)
    command = batch_command(rows, result, endpoint, library=library)
    errors = folder / "stderr.txt"
    while True:
        dials_before = sum(api.dials.values())
        with errors.open("wb") as stderr:
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr)
            try:
                process.wait(timeout=rng.uniform(0.05, max_delay_s))
            except subprocess.TimeoutExpired:
                _stop(process, tally, ctrl_c=rng.random() < ctrl_c_share)
                tally.kills_while_dialling += sum(api.dials.values()) > dials_before
                continue
        if process.returncode not in (0, 3):
            detail = errors.read_text("utf-8", "replace").strip()[-500:]
            raise RuntimeError(f"batch exited with {process.returncode}: {detail}")
        tally.unknown += unknown_rows(result)
        return


def _stop(process: subprocess.Popen[bytes], tally: Tally, *, ctrl_c: bool) -> None:
    """SIGKILL, or Ctrl-C (SIGINT; SIGKILL if it has not ended within 5 s)."""
    if ctrl_c:
        process.send_signal(signal.SIGINT)
        tally.ctrl_cs += 1
        try:
            process.wait(timeout=5)
            return
        except subprocess.TimeoutExpired:
            pass
    process.send_signal(signal.SIGKILL)
    process.wait()
    tally.kills += not ctrl_c


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--rows", type=int, default=60, help="rows per batch")
    parser.add_argument("--max-delay", type=float, default=2.5, help="seconds before a kill")
    parser.add_argument("--library", action="store_true", help="run batches without the CLI")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument(
        "--ctrl-c", type=float, default=0.25, help="share of interruptions that are Ctrl-C"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    tally = run(
        args.kills,
        rows_per_batch=args.rows,
        max_delay_s=args.max_delay,
        library=args.library,
        seed=args.seed,
        ctrl_c_share=args.ctrl_c,
    )
    print(f"batches {tally.batches} in {time.perf_counter() - started:.0f} s")
    print(
        f"kills {tally.kills} + Ctrl-C {tally.ctrl_cs} ({tally.kills_while_dialling} while dialling) · "
        f"dials {tally.dials} · duplicates {tally.duplicates} · unknown {tally.unknown}"
    )


if __name__ == "__main__":
    main()
