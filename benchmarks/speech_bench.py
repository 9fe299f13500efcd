"""Speech models' cost (issue 24): the TTS reading, the tts-reading-doubt rule, ASR variants.

Run from a checkout::

    python benchmarks/speech_bench.py

Prints one line a figure (microseconds; a shared machine makes them noisy):

- the TTS reading of a sentence with an order number, a date and a phone number, new and cached;
- the tts-reading-doubt rule's work on a file answer (``reply.wav``: what ``vcall load``'s
  benchmark endpoint answers) and on a TTS text already read;
- the validator on that file answer with the rule registered and without it;
- drawing 20 ASR variants of a sentence.
"""

from __future__ import annotations

import json
import timeit

from vcall.simulator.spec import Stage
from vcall.simulator.speech.asr_model import variants
from vcall.simulator.speech.tts import tts_reading
from vcall.simulator.validation.common import _file_piece
from vcall.simulator.validation.context import DATA_RULES
from vcall.simulator.validation.validator import validate_response

SENTENCE = "您的订单号是YT2024051866，请于2024-05-18前拨打95588"
RULE = "tts-reading-doubt"


def per_call_us(function: object, number: int) -> float:
    return min(timeit.repeat(function, number=number, repeat=3)) / number * 1e6  # type: ignore[arg-type]


def fresh_reading() -> None:
    tts_reading.cache_clear()
    tts_reading(SENTENCE)


def validator_us() -> float:
    body = json.dumps(
        {"result": "success", "msg": "ok", "data": {"call_id": "1^2", "action": "play",
                                                     "action_code": "reply.wav"}}
    ).encode()  # fmt: skip
    return per_call_us(lambda: validate_response(body, Stage.FOLLOWUP), 5000)


def without_rule() -> float:
    rules, fields = list(DATA_RULES._rules), list(DATA_RULES._fields)
    keep = [i for i, (info, _check) in enumerate(rules) if info.id != RULE]
    DATA_RULES._rules = [rules[i] for i in keep]
    DATA_RULES._fields = [fields[i] for i in keep]
    DATA_RULES._plans.clear()
    try:
        return validator_us()
    finally:
        DATA_RULES._rules, DATA_RULES._fields = rules, fields
        DATA_RULES._plans.clear()


def main() -> None:
    print(f"tts reading, new sentence: {per_call_us(fresh_reading, 2000):.1f} us")
    tts_reading(SENTENCE)
    print(f"tts reading, cached: {per_call_us(lambda: tts_reading(SENTENCE), 100_000):.2f} us")
    print(f"rule on a file item: {per_call_us(lambda: _file_piece('reply.wav'), 100_000):.2f} us")
    with_rule = validator_us()
    print(
        f"validator, file answer: {with_rule:.1f} us with {RULE}, {without_rule():.1f} us without"
    )
    print(f"20 ASR variants: {per_call_us(lambda: variants('我想查一下话费', 20, 7), 500):.0f} us")


if __name__ == "__main__":
    main()
