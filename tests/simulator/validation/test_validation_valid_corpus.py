"""Responses the seeds call valid never produce an error finding (issue 10).

The corpus lives in ``valid_corpus/*.json``, one case per entry, each naming its source: the
seeds' own examples (typographic quotes and pasted-together examples repaired, the repair said in
``repaired``), the vendor pages outside the seeds, and what real bots send (numeric strings, bools
as strings, unknown keys, ``"code": 200``, Content-Type variants, empty ``msg``, bare ``data``,
``hangup`` with an ``action_code``, URLs with ports, clock times in TTS values...). A case marked
``quiet`` must produce no finding at all. ``outside_bots.json`` holds cases written for
``tests/outside_bots/`` (range boundaries, TTS variable names, signed URLs, what those bots send). SmartCall parameter sets are in
``smartcall_examples.json``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from response_builders import CALL_ID
from seed_files import CITATION_OF_FILE

from vcall.simulator.spec import SOURCES, Stage
from vcall.simulator.validation import check_smartcall_params, validate_response

CORPUS = Path(__file__).parent / "valid_corpus"
RESPONSE_FILES = (
    "seed_examples.json",
    "vendor_examples.json",
    "real_world.json",
    "outside_bots.json",
)


def load(name: str) -> list[dict[str, Any]]:
    return list(json.loads((CORPUS / name).read_text(encoding="utf-8")))


RESPONSES = [
    pytest.param(case, id=f"{file.split('_')[0]}: {case['name']}")
    for file in RESPONSE_FILES
    for case in load(file)
]
PARAMS = [pytest.param(case, id=case["name"]) for case in load("smartcall_examples.json")]


def body_of(case: dict[str, Any]) -> bytes:
    if "raw" in case:
        return str(case["raw"]).encode("utf-8")
    return json.dumps(case["body"], ensure_ascii=False).encode("utf-8")


def test_the_corpus_holds_every_seed_response_example_and_names_sources() -> None:
    cases = [param.values[0] for param in RESPONSES]
    assert len(cases) >= 60
    seeds = {case["source"] for case in cases if case["source"].endswith(".txt")}  # type: ignore[index]
    assert {"000_d7375703da66d8a3.txt", "001_e406b395c8902673.txt"} <= seeds
    assert "004_1932a3d3efe8eaa9.txt" in seeds
    for case in cases:
        named = str(case["source"])  # type: ignore[index]
        source = CITATION_OF_FILE.get(named, named)
        assert source in SOURCES or source.startswith("vendor doc"), case["name"]  # type: ignore[index]


@pytest.mark.parametrize("case", RESPONSES)
def test_a_valid_response_never_yields_an_error(case: dict[str, Any]) -> None:
    result = validate_response(
        body_of(case),
        Stage(case["stage"]),
        status=200,
        headers=case.get("headers", {"Content-Type": "application/json; charset=utf-8"}),
        call_id=CALL_ID,
        request_content=case.get("request_content"),
    )
    errors = [(f.rule, f.path, f.message) for f in result.findings if f.is_error]
    assert errors == []
    if case.get("quiet"):
        assert [f.rule for f in result.findings] == []


@pytest.mark.parametrize("case", PARAMS)
def test_valid_smartcall_parameters_never_yield_an_error(case: dict[str, Any]) -> None:
    findings = check_smartcall_params(case["params"])
    assert [(f.rule, f.path, f.message) for f in findings if f.is_error] == []
    if case.get("quiet"):
        assert [f.rule for f in findings] == []
