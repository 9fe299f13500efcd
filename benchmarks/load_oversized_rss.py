"""``vcall load``'s memory over 10,000 oversized answers (issue 11): it must stay flat.

Run: ``python benchmarks/load_oversized_rss.py [ANSWERS]``. A raw asyncio server in a child
process answers every callback with a body just over vcall's 1 MiB limit (so every answer is a
``body-too-large`` error and its connection is dropped); in this process ``run_load`` sends the
callbacks of ``benchmarks/fixtures/ten_turn_call.yaml`` back to back, 20 calls at once, on uvloop,
(one callback each: the platform gets nothing from the answer to the callin) through the load path's own HTTP client, with the run's garbage-collector settings. It prints the
resident memory (VmRSS) at the start, after 1,000 and after 10,000 answers; the last line is the
figure, e.g. ``oversized answers: RSS 37 MB at start, 41 MB after 1,000, 42 MB after 10,000 (+0.4 MB)``
(growth from 1k to 10k: it was ~1.1 MB per answer before the fix).
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

from server import free_port

from vcall.simulator.fixture.loader import load_scenario
from vcall.simulator.load import LoadConfig, LoadRun, run_load
from vcall.simulator.replay.targets import resolve_target
from vcall.simulator.spec import MAX_RESPONSE_BYTES

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "ten_turn_call.yaml"
MARKS = (1_000, 10_000)

SERVER = """
import asyncio, sys
BODY = b" " * ({size})
ANSWER = b"HTTP/1.1 200 OK\\r\\nContent-Type: application/json\\r\\nContent-Length: %d\\r\\n\\r\\n" % len(BODY) + BODY

async def serve(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\\r\\n\\r\\n")
            length = [int(l.split(b":")[1]) for l in head.split(b"\\r\\n") if l.lower().startswith(b"content-length")]
            await reader.readexactly(length[0] if length else 0)
            writer.write(ANSWER)
            await writer.drain()
    except Exception:
        pass
    writer.close()

async def main():
    server = await asyncio.start_server(serve, "127.0.0.1", int(sys.argv[1]), backlog=1024)
    print("ready", flush=True)
    await server.serve_forever()

asyncio.run(main())
"""


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def measure(url: str, answers: int) -> list[tuple[int, float]]:
    scenario = load_scenario(FIXTURE)
    # An oversized answer to the callin gets the platform's donothing: each call ends after it.
    config = LoadConfig(calls=answers, concurrency=20, realtime=False, timeout_s=10.0)
    holder: list[LoadRun] = []
    figures = [(0, rss_mb())]
    run = asyncio.ensure_future(run_load([scenario], resolve_target(url), config, holder=holder))
    marks = sorted({min(MARKS[0], answers), answers})
    while not run.done():
        await asyncio.wait({run}, timeout=0.01)
        done = holder[0].stats.callbacks if holder else 0
        while marks and done >= marks[0]:
            figures.append((marks.pop(0), rss_mb()))
    result = await run
    figures.extend((mark, rss_mb()) for mark in marks)  # callbacks short of a mark (Ctrl-C)
    too_large = result.stats.errors["body-too-large"]
    print(f"  {result.stats.callbacks:,} callbacks, {too_large:,} body-too-large")
    return figures


def main(answers: int = MARKS[-1]) -> None:
    import uvloop

    port = free_port()
    script = SERVER.format(size=MAX_RESPONSE_BYTES + 64 * 1024)
    server = subprocess.Popen([sys.executable, "-c", script, str(port)], stdout=subprocess.PIPE)
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == b"ready"
        started = time.perf_counter()
        figures = uvloop.run(measure(f"http://127.0.0.1:{port}/callback", answers))
        print(f"  {time.perf_counter() - started:.1f} s")
    finally:
        server.terminate()
        server.wait()
    for count, mb in figures:
        print(f"  after {count:>6,} answers: RSS {mb:6.1f} MB")
    (_, start), (first_count, first), *_, (last_count, last) = figures
    print(
        f"oversized answers: RSS {start:.0f} MB at start, {first:.0f} MB after {first_count:,}, "
        f"{last:.0f} MB after {last_count:,} ({last - first:+.1f} MB)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else MARKS[-1])
