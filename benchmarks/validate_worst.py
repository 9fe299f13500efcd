"""Time ``validate_response`` on the costliest bodies under the 1 MiB limit, and rendering them.

Run: ``python benchmarks/validate_worst.py``. Each line: a hostile body (near 1 MiB unless said),
the ms to validate it, the findings kept, and the ms to render those findings as text. The last
line is the slowest validation: ``worst: 210.3 ms (tts: 40,000 params x 40,000 variables)``.
The target is well under a second for any body the validator parses.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from vcall.simulator.spec import MAX_RESPONSE_BYTES, Stage
from vcall.simulator.validation import validate_response

CALL_ID = "100001616500^100001871490"
BUDGET = MAX_RESPONSE_BYTES - 200


def envelope(data: dict[str, object], **extra: object) -> bytes:
    body = {"result": "success", "msg": "成功", "data": {"call_id": CALL_ID, **data}, **extra}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def fill(make: Callable[[int], bytes]) -> tuple[bytes, int]:
    """The largest ``make(n)`` under the limit (doubling, then bisecting on n)."""
    low, high = 1, 2
    while len(make(high)) <= BUDGET:
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if len(make(middle)) <= BUDGET else (low, middle)
    return make(low), low


def tts(n: int) -> bytes:
    """n $variables$ in the play code, n parameters none of them uses (near misses)."""
    code = "".join(f"$v{i}$" for i in range(n // 2))
    params = {f"w{i}": "x" for i in range(n // 2)}
    return envelope({"action": "play", "action_code": code, "action_code_param": params})


def unknown_keys(n: int) -> bytes:
    return envelope({"action": "play", "action_code": "a.wav", **{f"k{i}": 0 for i in range(n)}})


def near_miss_keys(n: int) -> bytes:
    keys = {f"action_cod{i}": 0 for i in range(n)}
    return envelope({"action": "play", "action_code": "a.wav", **keys})


def top_level_keys(n: int) -> bytes:
    return envelope({"action": "play", "action_code": "a.wav"}, **{f"r{i}": 0 for i in range(n)})


def duplicate_keys(n: int) -> bytes:
    head = envelope({"action": "play", "action_code": "a.wav"})[:-1]
    return head + b"".join(b',"x":%d' % i for i in range(n)) + b"}"


def forbidden(n: int) -> bytes:
    return envelope({"action": "play", "action_code": "@" * n})


def forbidden_params(n: int) -> bytes:
    params = {f"p{i}": "@$" for i in range(n)}
    code = "".join(f"$p{i}$" for i in range(n))
    return envelope({"action": "play", "action_code": code, "action_code_param": params})


def urls(n: int) -> bytes:
    code = ",".join(f"https://u@h{i}.example.com:8443/a@{i}.wav?x=@#y" for i in range(n))
    return envelope({"action": "play", "action_code": code})


CASES = {
    "tts params x variables": tts,
    "unknown keys in data": unknown_keys,
    "near-miss keys in data": near_miss_keys,
    "unknown top-level keys": top_level_keys,
    "duplicate keys": duplicate_keys,
    "forbidden characters": forbidden,
    "forbidden characters in params": forbidden_params,
    "URLs in a play code": urls,
}


def measure(body: bytes) -> tuple[float, int, float]:
    started = time.perf_counter()
    result = validate_response(body, Stage.FOLLOWUP, call_id=CALL_ID)
    validated = time.perf_counter() - started
    started = time.perf_counter()
    text = "\n".join(f"{f.severity.value} {f.rule} {f.path}: {f.message}" for f in result.findings)
    rendered = time.perf_counter() - started
    assert text or not result.findings
    return validated, len(result.findings), rendered


def main() -> None:
    worst = (0.0, "")
    for name, make in CASES.items():
        body, n = fill(make)
        seconds, count, rendering = measure(body)
        label = f"{name}: n={n:,}, {len(body):,} bytes"
        print(
            f"  {label:<58} {seconds * 1000:8.1f} ms  {count:6,} findings  {rendering * 1000:6.1f} ms to render"
        )
        worst = max(worst, (seconds, label))
    print(f"worst: {worst[0] * 1000:.1f} ms ({worst[1]})")


if __name__ == "__main__":
    main()
